"""The snapshot: one database's schema as data, and its versioned JSON file format."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, ItemsView, Iterable, Iterator, Mapping, ValuesView
from fnmatch import fnmatchcase
from functools import cached_property
from itertools import islice
from operator import attrgetter, lt
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from pgsd.errors import SnapshotFileError
from pgsd.model.fast import catalog_template
from pgsd.model.names import quote_ident
from pgsd.model.objects import AnyObject, DbObject
from pgsd.model.server import ServerInfo

FORMAT_VERSION = 3
READABLE_FORMATS = (1, 2, 3)
"""Format 1 stored dependencies as ``{"dependent": ..., "referenced": ...}`` objects;
format 2 had no ``table_stats`` (they read as unknown)."""

CONTAINER_KINDS = frozenset({"schema", "extension", "foreign_data_wrapper", "server"})
"""Kinds an object glob keeps when their own name matches *or* a kept object needs them."""


def schema_key(name: str) -> str:
    """The key of schema ``name`` (as Schema.key gives it)."""
    return f"schema:{quote_ident(name)}"


class Filters(BaseModel):
    """What part of a database a snapshot covers (applied while reading the catalog)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    include_schemas: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    include_objects: tuple[str, ...] = ()
    """Globs on object names (``orders*``) or qualified names (``shop.orders*``)."""
    exclude_objects: tuple[str, ...] = ()
    roles: bool = False
    """Read the cluster's roles too (``--roles``): attributes, memberships, settings."""

    def is_empty(self) -> bool:
        return not (self.include_schemas or self.exclude_schemas or self.include_objects or self.exclude_objects
                    or self.roles)

    def normalised(self) -> Filters:
        """The same filters with each list sorted and without repeats (order never matters)."""
        return Filters(
            include_schemas=tuple(sorted(set(self.include_schemas))),
            exclude_schemas=tuple(sorted(set(self.exclude_schemas))),
            include_objects=tuple(sorted(set(self.include_objects))),
            exclude_objects=tuple(sorted(set(self.exclude_objects))),
            roles=self.roles,
        )

    def same_scope(self, other: Filters) -> bool:
        return self.normalised() == other.normalised()

    def describe(self) -> str:
        """As the options that give these filters (``--schema shop --exclude tmp_*``)."""
        if self.is_empty():
            return "(none)"
        parts = [f"--schema {s}" for s in self.include_schemas]
        parts += [f"--exclude-schema {s}" for s in self.exclude_schemas]
        parts += [f"--include {g}" for g in self.include_objects]
        parts += [f"--exclude {g}" for g in self.exclude_objects]
        if self.roles:
            parts.append("--roles")
        return " ".join(parts)

    def matches(self, schema: str | None, name: str) -> bool:
        """The object globs: ``name`` (or ``schema.name``) matches an include glob, if any, and no exclude glob."""
        if not (self.include_objects or self.exclude_objects):
            return True
        names = [name] if schema is None else [name, f"{schema}.{name}"]
        if self.include_objects and not any(fnmatchcase(n, g) for g in self.include_objects for n in names):
            return False
        return not any(fnmatchcase(n, g) for g in self.exclude_objects for n in names)

    def _kept_by_name(self, objects: Iterable[DbObject]) -> set[str]:
        """The keys kept on their own account (containers only when their name matches)."""
        kept: set[str] = set()
        for o in objects:
            kind = o.kind
            if kind in CONTAINER_KINDS or kind in ("event_trigger", "publication"):
                if self.matches(None, o.name):
                    kept.add(o.key)
            elif kind == "default_privilege":
                if not self.include_objects:
                    kept.add(o.key)
            elif kind != "user_mapping":
                kept.add(o.key)  # the catalog readers applied the globs already
        return kept

    def scope(self, *snapshots: Snapshot) -> list[Snapshot]:
        """The sides of one comparison limited to what the object globs keep, the same way for every kind.

        The catalog readers apply the globs to the objects that have a name of their own
        in a schema (tables and what they hold, views, sequences, functions, types,
        collations); this finishes the job for the rest:

        * containers (``CONTAINER_KINDS``: schemas, extensions, foreign-data wrappers,
          foreign servers) are kept when their own name matches, or when a kept object
          on *either* side needs them (lives in the schema, or depends on the extension,
          wrapper or server), and then on every side that has them, with their grants,
          owner and comment (decided for all sides at once: a container kept on one
          side only would read as created or dropped);
        * event triggers and publications are kept when their name matches;
        * user mappings go with their server; default privileges name no object, so an
          include glob leaves them out (an exclude glob alone keeps them).

        Without object globs the snapshots are returned as they are. Applying it twice
        changes nothing.
        """
        if not (self.include_objects or self.exclude_objects):
            return list(snapshots)
        kept = [self._kept_by_name(snap.objects) for snap in snapshots]
        needs = [_container_needs(snap) for snap in snapshots]
        containers: set[str] = set()
        while True:  # a container one side needs may need another on the other side (an extension's schema)
            before = len(containers)
            for side_kept, side_needs in zip(kept, needs, strict=True):
                containers |= _reached(side_kept | containers, side_needs)
            if len(containers) == before:
                break
        return [_limited(snap, side_kept | containers) for snap, side_kept in zip(snapshots, kept, strict=True)]


def _container_needs(snapshot: Snapshot) -> dict[str, list[str]]:
    """Object key -> the containers it needs: its schema, and the containers it depends on."""
    containers = {o.key for o in snapshot.objects if o.kind in CONTAINER_KINDS}
    needs: dict[str, list[str]] = defaultdict(list)
    for dependent, referenced in snapshot.dependencies:
        if referenced in containers:
            needs[dependent].append(referenced)
    for o in snapshot.objects:
        if o.schema_name is not None:
            needs[o.key].append(schema_key(o.schema_name))
    return needs


def _reached(start: set[str], needs: dict[str, list[str]]) -> set[str]:
    """The containers ``start`` needs, directly or through other containers."""
    found: set[str] = set()
    pending = list(start)
    while pending:
        for container in needs.get(pending.pop(), ()):
            if container not in found:
                found.add(container)
                pending.append(container)
    return found


def _limited(snapshot: Snapshot, keep: set[str]) -> Snapshot:
    """``snapshot`` with the objects in ``keep`` (user mappings follow their server) and their edges."""
    servers = {o.name for o in snapshot.objects if o.kind == "server" and o.key in keep}
    kept = {o.key for o in snapshot.objects
            if o.key in keep or (o.kind == "user_mapping" and getattr(o, "server", None) in servers)}
    if len(kept) == len(snapshot.objects):
        return snapshot
    objects = tuple(o for o in snapshot.objects if o.key in kept)
    dropped = {o.key for o in snapshot.objects} - kept
    dependencies = tuple(d for d in snapshot.dependencies if d[0] not in dropped and d[1] not in dropped)
    return snapshot.model_copy(update={"objects": objects, "dependencies": dependencies})


class Dependency(NamedTuple):
    """``dependent`` needs ``referenced`` to exist (from pg_depend / pg_rewrite).

    A named tuple, not a model: a 10,000-table database has 250,000 edges a side, and a
    tuple of two shared key strings is a sixth of the memory of a model instance.
    Snapshot files store it as a ``[dependent, referenced]`` pair (format 2).
    """

    dependent: str
    referenced: str


class TableStats(BaseModel):
    """How big a table is, as the catalog estimates it when the snapshot is taken.

    Facts about the data, not the schema: they sit beside the objects (``Snapshot.table_stats``),
    never inside a compared model, so two databases with the same schema and different
    data never differ. They size the hazards of statements that rewrite, scan, lock or
    empty a table.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int | None = None
    """The planner's row estimate (``reltuples``); None when never analysed or vacuumed."""
    bytes: int | None = None
    """Pages of the table, its TOAST table and its indexes, in bytes, as of the last VACUUM
    or ANALYZE (None for foreign tables and tables never analysed)."""
    indexes: int = 0
    analyzed_at: str | None = None
    """Last ANALYZE or autoanalyze (ISO 8601), None when never."""
    null_columns: tuple[str, ...] = ()
    """Columns whose statistics (``pg_stats.null_frac``) show nulls."""


catalog_template(TableStats)  # made before any instance, as the kinds' are (see pgsd.model.fast)


def _as_tuples(groups: dict[str, list[Any]]) -> dict[str, tuple[Any, ...]]:
    """``groups`` with each list replaced by a tuple, in place (a defaultdict becomes a plain
    mapping: no copy of the dict, and each list is freed as its tuple replaces it).

    The snapshots' groupings that live as long as the snapshot (children by parent,
    dependents) hold a few items per key and hundreds of thousands of keys: a list built
    by appending carries its header and spare capacity, a tuple neither. Measured on
    gen_schema's 20,000-table pair, ``pgsd diff`` (PostgreSQL 18, 2026-12-02): RSS once
    both sides are read 495 -> 487 MiB; the whole run's peak, which comes later in rename
    detection, moved within the noise (528.9-532.6 MB before, 524.6-531.1 after).
    """
    for key, items in groups.items():
        groups[key] = tuple(items)  # type: ignore[assignment]
    if isinstance(groups, defaultdict):
        groups.default_factory = None
    return groups  # type: ignore[return-value]


_KEY = attrgetter("key")


def _merged(objects: tuple[DbObject, ...], replaced: Mapping[str, DbObject],
            added: tuple[DbObject, ...]) -> tuple[DbObject, ...]:
    """``objects`` (sorted by key) with the replacements and additions of ``Snapshot.revised``,
    sorted by key: the objects whose key changes, and the added ones, are put in their places
    by bisection, and the tuple is made in one pass, without a list to sort beside it (two
    lists of 487,000 pointers and the sort's keys, 12 MB, at 20,000 tables)."""
    if not replaced and not added:
        return objects
    get = replaced.get
    moved = {old for old, new in replaced.items() if new.key != old}
    extra = sorted([*(replaced[old] for old in moved), *added], key=_KEY)

    def in_order() -> Iterator[DbObject]:
        start = 0
        for obj in extra:
            at = bisect_right(objects, obj.key, start, key=_KEY)
            yield from (get(o.key, o) for o in map(objects.__getitem__, range(start, at)) if o.key not in moved)
            yield obj
            start = at
        yield from (get(o.key, o) for o in map(objects.__getitem__, range(start, len(objects))) if o.key not in moved)

    return tuple(in_order())


class SortedKeys(Mapping[str, DbObject]):
    """The key index of a snapshot whose objects are in key order: a bisection in their keys.

    A snapshot's objects are sorted by key (the catalog reader sorts them, and files keep
    that order), so a lookup needs no hash table of its own: the keys in a list beside the
    objects find one by bisection. At 20,000 tables a side holds 487,555 objects, and its
    dict of them cost 14.7 MiB (the keys themselves are the objects', shared); the list
    costs 3.7. Both sides' indexes are alive from the end of reading to the end of
    planning, and the run's peak memory is at the end of reading. Peak RSS of ``pgsd
    diff`` on gen_schema's 20,000-table pair (PostgreSQL 18, 2026-12-03, KiB from
    ``/usr/bin/time``, 4 rounds interleaved with the code before, in each of three sets):
    472,176-482,744 against 488,268-494,800 before, once 490,364 (the peak moves with
    which side finishes reading first); this index alone 482,700-486,056, the rest from
    ``through_column_types`` no longer deduplicating the edges through a dict. A lookup
    is a Python call and about 20 string comparisons instead of one hash probe, a
    fraction of a microsecond; iterating the items walks the two sequences at C speed,
    and ``unmatched`` walks two indexes side by side. At 2,000 tables ``pgsd diff``
    costs the same CPU (1.95 s against 1.97, median of 8 interleaved runs).
    """

    __slots__ = ("_keys", "_objects")

    def __init__(self, keys: list[str], objects: tuple[DbObject, ...]) -> None:
        self._keys = keys
        """The objects' keys, in their order (a list: no second copy for a tuple; never changed)."""
        self._objects = objects

    @staticmethod
    def of(objects: tuple[DbObject, ...]) -> Mapping[str, DbObject]:
        """The key index of ``objects``: a ``SortedKeys`` when their keys strictly increase, else a dict."""
        keys = [o.key for o in objects]
        if all(map(lt, keys, islice(keys, 1, None))):
            return SortedKeys(keys, objects)
        return dict(zip(keys, objects, strict=True))

    def _at(self, key: object) -> int:
        """The position of ``key``, or -1."""
        if key.__class__ is not str:
            return -1
        keys = self._keys
        i = bisect_left(keys, key)
        return i if i != len(keys) and keys[i] == key else -1

    def __getitem__(self, key: str) -> DbObject:
        i = self._at(key)
        if i < 0:
            raise KeyError(key)
        return self._objects[i]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._at(key)
        return default if i < 0 else self._objects[i]

    def __contains__(self, key: object) -> bool:
        return self._at(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def items(self) -> ItemsView[str, DbObject]:
        return _SortedItems(self)

    def values(self) -> ValuesView[DbObject]:
        return _SortedValues(self)


def unmatched(these: Mapping[str, DbObject], others: Mapping[str, DbObject]) -> list[tuple[str, DbObject, Any]]:
    """``(key, object, other)`` for each key of ``these`` whose object ``others`` does not hold
    itself: ``other`` is the object ``others`` has under the key, or None. In key order.

    What a comparison starts from (objects both sides read identically are one shared object,
    see ``catalog.shared_builds``). Two ``SortedKeys`` are walked side by side, one pass and
    no lookups: a bisection per key made ``pgsd diff`` of 2,000 tables spend 0.17 s more
    CPU, as the diff and rename detection each look up every key of both sides.
    """
    if not (isinstance(these, SortedKeys) and isinstance(others, SortedKeys)):
        get = others.get
        return [(key, obj, other) for key, obj in these.items() if (other := get(key)) is not obj]
    out: list[tuple[str, DbObject, Any]] = []
    other_keys, other_objects = others._keys, others._objects
    j, end = 0, len(other_keys)
    for key, obj in zip(these._keys, these._objects, strict=True):
        while j < end and other_keys[j] < key:
            j += 1
        if j < end and other_keys[j] == key:
            if other_objects[j] is not obj:
                out.append((key, obj, other_objects[j]))
        else:
            out.append((key, obj, None))
    return out


def only_in(these: Mapping[str, DbObject], others: Mapping[str, DbObject]) -> list[tuple[str, DbObject]]:
    """``(key, object)`` for each key of ``these`` that ``others`` does not have, in key order (``unmatched``'s walk)."""
    return [(key, obj) for key, obj, other in unmatched(these, others) if other is None]


def within(key: str, keys: Collection[str], *snapshots: Snapshot) -> bool:
    """Whether ``key``, or an object it belongs to (its table, its table's table, as the first of
    ``snapshots`` holding each says), is in ``keys``: a change to a column of a table whose drop
    was withheld is that drop's."""
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current not in seen:
        if current in keys:
            return True
        seen.add(current)
        obj = next((o for o in (s.get(current) for s in snapshots) if o is not None), None)
        current = obj.parent_key if obj is not None else None
    return False


class _SortedItems(ItemsView[str, DbObject]):
    _mapping: SortedKeys

    def __iter__(self) -> Iterator[tuple[str, DbObject]]:
        return zip(self._mapping._keys, self._mapping._objects, strict=True)


class _SortedValues(ValuesView[DbObject]):
    _mapping: SortedKeys

    def __iter__(self) -> Iterator[DbObject]:
        return iter(self._mapping._objects)


class KeyIndex(Mapping[str, DbObject]):
    """The key index of a ``Snapshot.revised`` copy: the original's index, with a few objects
    replaced, removed or added, looked up over it instead of copied.

    A dict of every key of a 20,000-table side costs about 15 MiB, and about half as much
    again while it grows. Rename detection's last pass works on a renamed copy of the
    target (an exact candidate of the earlier passes assumed) while the target's own index
    is alive, and that copy's index was the peak of the whole run. Measured on
    gen_schema's 20,000-table pair, ``pgsd diff`` (PostgreSQL 18, 2026-12-03): that pass
    added 28 MiB to the RSS (VmHWM 509 MiB), now 7 (VmHWM 496, the read's peak then the
    larger). A lookup costs a Python call instead of a C one, a fraction of a microsecond:
    diffing against a renamed target reads every key once, about 0.1 s at 20,000 tables.

    Iteration gives the keys in the order of the copy's objects (key order), as a dict
    built from them would.
    """

    __slots__ = ("_base", "_changed", "_hidden", "_objects")

    def __init__(self, base: Mapping[str, DbObject], new: Iterable[DbObject], replaced_keys: Iterable[str],
                 objects: tuple[DbObject, ...]) -> None:
        self._base = base
        self._changed = {o.key: o for o in new}
        self._hidden = frozenset(k for k in replaced_keys if k not in self._changed)
        self._objects = objects

    def __getitem__(self, key: str) -> DbObject:
        obj = self._changed.get(key)
        if obj is not None:
            return obj
        if key in self._hidden:
            raise KeyError(key)
        return self._base[key]

    def get(self, key: str, default: Any = None) -> Any:
        obj = self._changed.get(key)
        if obj is not None:
            return obj
        if key in self._hidden:
            return default
        return self._base.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._changed or (key not in self._hidden and key in self._base)

    def __iter__(self) -> Iterator[str]:
        return (o.key for o in self._objects)

    def __len__(self) -> int:
        return len(self._objects)


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int = FORMAT_VERSION
    pgsd_version: str = ""
    taken_at: str = ""
    """ISO 8601 time the catalog was read (UTC)."""
    origin: str = ""
    """Masked description of the database it was taken from."""
    server: ServerInfo | None = None
    filters: Filters = Filters()
    objects: tuple[AnyObject, ...] = ()
    """Every object, sorted by key."""
    dependencies: tuple[Dependency, ...] = ()
    table_stats: dict[str, TableStats] = Field(default_factory=dict)
    """Table key -> its size; empty for snapshots that predate them (format 2) or SQL sides."""
    not_compared: dict[str, int] = Field(default_factory=dict)
    """Coverage report: counts of catalogued objects of kinds pgsd does not model."""
    warnings: tuple[str, ...] = ()

    # ------------------------------------------------------------ access

    @cached_property
    def by_key(self) -> Mapping[str, DbObject]:
        """Key -> object, in key order: a ``SortedKeys`` (a dict when the objects are not in
        key order), or a ``KeyIndex`` for a ``revised`` copy."""
        return SortedKeys.of(self.objects)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Snapshot:
        """A copy whose key index is rebuilt (the cached one may describe other objects)."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("by_key", None)
        copied.__dict__.pop("children_by_parent", None)
        copied.__dict__.pop("by_kind", None)
        copied.__dict__.pop("dependents", None)
        copied.__dict__.pop("references", None)
        return copied

    def revised(self, replaced: Mapping[str, DbObject], added: Iterable[DbObject] = (), *,
                dependencies: tuple[Dependency, ...] | None = None,
                table_stats: dict[str, TableStats] | None = None) -> Snapshot:
        """A copy with each object whose key is in ``replaced`` replaced by the object it maps
        to (whose key may differ), ``added`` added, and optionally new edges and table sizes.

        The copy's key and kind indexes, where this snapshot has them built, are derived from
        this one's instead of built again: the key index becomes a ``KeyIndex`` over this
        one's, and the kind index shares the lists of the kinds nothing here touches (the
        rest are built when asked for, as for any snapshot). A renamed copy of the target (see
        ``pgsd.diff.renames``) changes a few objects of hundreds of thousands; rebuilt, its
        tables cost as much as the target's. Measured on gen_schema's 20,000-table pair,
        ``pgsd diff`` (PostgreSQL 18, 2026-12-03), where rename detection's last pass works
        on such a copy: see ``KeyIndex``.
        """
        added = tuple(added)
        update: dict[str, Any] = {"objects": _merged(self.objects, replaced, added)}
        if dependencies is not None:
            update["dependencies"] = dependencies
        if table_stats is not None:
            update["table_stats"] = table_stats
        copy = self.model_copy(update=update)
        if "by_key" in self.__dict__:
            copy.__dict__["by_key"] = KeyIndex(self.by_key, [*replaced.values(), *added], replaced, copy.objects)
        if "by_kind" in self.__dict__:
            touched = {o.kind for o in replaced.values()} | {o.kind for o in added}
            by_kind = dict(self.by_kind)
            for kind in touched:
                members = [replaced.get(o.key, o) for o in by_kind.get(kind, ())]
                members += [o for o in added if o.kind == kind]
                members.sort(key=_KEY)
                by_kind[kind] = members
            copy.__dict__["by_kind"] = by_kind
        return copy

    def build_indexes(self) -> Snapshot:
        """Build the lookup tables diff and plan use now (they are cached either way).

        A side read in its own thread calls this while the other side may still be
        waiting for its server, instead of the comparison building both afterwards.
        """
        missing = [name for name in ("by_key", "by_kind", "children_by_parent") if name not in self.__dict__]
        if len(missing) < 3:
            for name in missing:
                getattr(self, name)
            return self
        # one pass instead of three: at 50,000 objects a side, each pass is mostly cache
        # misses on the objects' dicts
        by_kind: dict[str, list[DbObject]] = defaultdict(list)
        children: dict[str, list[DbObject]] = defaultdict(list)
        for o in self.objects:
            by_kind[o.kind].append(o)
            parent = o.parent_key
            if parent is not None:
                children[parent].append(o)
        self.__dict__.update(by_key=SortedKeys.of(self.objects), by_kind=dict(by_kind),
                             children_by_parent=_as_tuples(children))
        return self

    def limited_to(self, keys: Collection[str]) -> Snapshot:
        """A copy with only the objects whose key is in ``keys`` (user mappings follow their server) and their edges."""
        return _limited(self, keys if isinstance(keys, set) else set(keys))

    def get(self, key: str) -> DbObject | None:
        return self.by_key.get(key)

    def of_kind(self, kind: str) -> Iterator[DbObject]:
        return iter(self.by_kind.get(kind, ()))

    @cached_property
    def by_kind(self) -> dict[str, list[DbObject]]:
        """Objects grouped by kind, in key order; do not mutate."""
        out: dict[str, list[DbObject]] = defaultdict(list)
        for o in self.objects:
            out[o.kind].append(o)
        return dict(out)

    @cached_property
    def children_by_parent(self) -> dict[str, tuple[DbObject, ...]]:
        out: dict[str, list[DbObject]] = defaultdict(list)
        for o in self.objects:
            parent = o.parent_key
            if parent is not None:
                out[parent].append(o)
        return _as_tuples(out)

    def children(self) -> dict[str, tuple[DbObject, ...]]:
        """Objects grouped by parent key (columns, constraints, ... of each table), in key order; do not mutate."""
        return self.children_by_parent

    def edges(self) -> Iterable[tuple[str, str]]:
        """Every (dependent, referenced) pair; Dependency is already such a tuple."""
        return self.dependencies

    @cached_property
    def dependents(self) -> dict[str, tuple[str, ...]]:
        """Referenced key -> the keys depending on it.

        Tuples, not sets: the edges are distinct already, and at 10,000 tables there are
        about 100,000 referenced keys, where a set each would cost 20 MB. The planner
        reads the target's (what depends on what it drops).
        """
        out: defaultdict[str, list[str]] = defaultdict(list)
        for d, r in self.dependencies:
            out[r].append(d)
        return _as_tuples(out)

    @cached_property
    def references(self) -> dict[str, list[str]]:
        """Dependent key -> the keys it depends on; do not mutate (see ``dependents``).

        The app's selection reads the source's (what a selected change needs created first).
        """
        out: defaultdict[str, list[str]] = defaultdict(list)
        for d, r in self.dependencies:
            out[d].append(r)
        out.default_factory = None
        return out

    def references_of(self, keys: Collection[str]) -> dict[str, list[str]]:
        """``references`` of ``keys`` only (a list for each, empty when it depends on nothing).

        The map of every object's references, once built, is cached and used; otherwise one
        pass over the edges finds what ``keys`` need without building or keeping it. A
        plan asks about a few objects of each side, and the whole map is 40 MB at 20,000
        tables (bench/gen_schema.py's pair), a tenth of what the two sides take.
        """
        cached = self.__dict__.get("references")
        if cached is not None:
            return {k: cached.get(k, []) for k in keys}
        out: dict[str, list[str]] = {k: [] for k in keys}
        if out:
            for d, r in self.dependencies:
                found = out.get(d)
                if found is not None:
                    found.append(r)
        return out

    # ------------------------------------------------------------ files

    def to_json(self) -> str:
        return "".join(self.json_chunks())

    def json_chunks(self, batch: int = 2000) -> Iterator[str]:
        """The snapshot as JSON text, in pieces of ``batch`` objects, for writing as it goes.

        A 10,000-table database makes about 200 MB of JSON: written whole, the text (and
        its copies on the way to the file) would cost more memory than the objects.
        Pieces from pydantic's own serializer, so a piece is what ``model_dump_json``
        would have written for the same values; ``from_json`` reads it back.
        """
        head = self.model_dump_json(exclude=_STREAMED)
        yield head[:-1] + ',\n "objects": ['
        objects = self.objects
        for start in range(0, len(objects), batch):
            part = _OBJECT_LIST.dump_json(list(objects[start:start + batch]), indent=1).decode()
            yield ("\n" if start == 0 else ",\n") + part[1:-1].strip("\n")
        yield '\n ],\n "dependencies": ['
        dependencies = self.dependencies
        for start in range(0, len(dependencies), batch):
            part = json.dumps([list(d) for d in dependencies[start:start + batch]], ensure_ascii=False)
            # one pair a line: '"], ["' occurs only between pairs (a quote inside a string is \")
            yield ("\n" if start == 0 else ",\n") + part[1:-1].replace('"], ["', '"],\n["')
        yield "\n ],\n" + self.model_dump_json(include=_TAIL)[1:]

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "snapshot") -> Snapshot:
        """Read a snapshot file's text; anything that is not one is a one-line SnapshotFileError.

        Every message starts with "not a pgsd snapshot:" or names the format problem, and
        none ends in a traceback: invalid UTF-8, truncated or deeply nested JSON, and
        JSON of the wrong shape are all the user's input, not pgsd's bug.
        """
        def refuse(why: str) -> SnapshotFileError:
            return SnapshotFileError(f"not a pgsd snapshot: {source} {why}")

        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as e:
                raise refuse(f"is not UTF-8 text (byte 0x{text[e.start]:02x} at offset {e.start})") from None
        try:
            raw: Any = json.loads(text)
        except json.JSONDecodeError as e:
            raise refuse(f"is not valid JSON (line {e.lineno}): {e.msg}") from None
        except RecursionError:
            raise refuse("is JSON nested too deeply") from None
        if not isinstance(raw, dict) or "format_version" not in raw or "objects" not in raw:
            raise refuse("(no format_version/objects)")
        version = raw.get("format_version")
        if version not in READABLE_FORMATS:
            readable = ", ".join(str(v) for v in READABLE_FORMATS)
            raise SnapshotFileError(f"{source} has snapshot format {version!r}; this pgsd reads formats {readable}")
        if version in (1, 2):
            raw["format_version"] = FORMAT_VERSION  # table_stats default to none
        try:
            if version == 1 and isinstance(raw.get("dependencies"), list):
                raw["dependencies"] = [
                    [d.get("dependent"), d.get("referenced")] if isinstance(d, dict) else d
                    for d in raw["dependencies"]
                ]
                raw["format_version"] = FORMAT_VERSION
            return cls.model_validate(raw)
        except ValidationError as e:
            first = e.errors()[0]
            loc = ".".join(str(p) for p in first.get("loc", ()))
            raise refuse(f"is malformed at {loc}: {first.get('msg')}") from None
        except RecursionError:
            raise refuse("is JSON nested too deeply") from None
        except (TypeError, ValueError, AttributeError) as e:
            raise refuse(f"is malformed ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None


_STREAMED = {"objects", "dependencies", "not_compared", "warnings"}
_TAIL = {"not_compared", "warnings"}
_OBJECT_LIST: TypeAdapter[list[Any]] = TypeAdapter(list[AnyObject])
