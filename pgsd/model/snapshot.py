"""The snapshot: one database's schema as data, and its versioned JSON file format."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from pgsd.errors import SnapshotFileError
from pgsd.model.objects import AnyObject, DbObject
from pgsd.model.server import ServerInfo

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
"""Format 1 stored dependencies as ``{"dependent": ..., "referenced": ...}`` objects."""


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


class Dependency(NamedTuple):
    """``dependent`` needs ``referenced`` to exist (from pg_depend / pg_rewrite).

    A named tuple, not a model: a 10,000-table database has 250,000 edges a side, and a
    tuple of two shared key strings is a sixth of the memory of a model instance.
    Snapshot files store it as a ``[dependent, referenced]`` pair (format 2).
    """

    dependent: str
    referenced: str


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
    not_compared: dict[str, int] = Field(default_factory=dict)
    """Coverage report: counts of catalogued objects of kinds pgsd does not model."""
    warnings: tuple[str, ...] = ()

    # ------------------------------------------------------------ access

    @cached_property
    def by_key(self) -> dict[str, DbObject]:
        return {o.key: o for o in self.objects}

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Snapshot:
        """A copy whose key index is rebuilt (the cached one may describe other objects)."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("by_key", None)
        copied.__dict__.pop("children_by_parent", None)
        copied.__dict__.pop("by_kind", None)
        copied.__dict__.pop("dependents", None)
        return copied

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
        by_key: dict[str, DbObject] = {}
        by_kind: dict[str, list[DbObject]] = defaultdict(list)
        children: dict[str, list[DbObject]] = defaultdict(list)
        for o in self.objects:
            by_key[o.key] = o
            by_kind[o.kind].append(o)
            parent = o.parent_key
            if parent is not None:
                children[parent].append(o)
        self.__dict__.update(by_key=by_key, by_kind=dict(by_kind), children_by_parent=dict(children))
        return self

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
    def children_by_parent(self) -> dict[str, list[DbObject]]:
        out: dict[str, list[DbObject]] = defaultdict(list)
        for o in self.objects:
            parent = o.parent_key
            if parent is not None:
                out[parent].append(o)
        return dict(out)

    def children(self) -> dict[str, list[DbObject]]:
        """Objects grouped by parent key (columns, constraints, ... of each table); do not mutate."""
        return self.children_by_parent

    def edges(self) -> Iterable[tuple[str, str]]:
        """Every (dependent, referenced) pair; Dependency is already such a tuple."""
        return self.dependencies

    @cached_property
    def dependents(self) -> dict[str, list[str]]:
        """Referenced key -> the keys depending on it; do not mutate.

        Lists, not sets: the edges are distinct already, and at 10,000 tables there are
        about 100,000 referenced keys, where a set each would cost 20 MB. The planner
        reads the target's (what depends on what it drops).
        """
        out: dict[str, list[str]] = defaultdict(list)
        for d, r in self.dependencies:
            out[r].append(d)
        out.default_factory = None  # a plain mapping from here on, without copying it
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
    def from_json(cls, text: str, *, source: str = "snapshot") -> Snapshot:
        try:
            raw: Any = json.loads(text)
        except json.JSONDecodeError as e:
            raise SnapshotFileError(f"{source} is not valid JSON (line {e.lineno}): {e.msg}") from None
        if not isinstance(raw, dict) or "format_version" not in raw or "objects" not in raw:
            raise SnapshotFileError(f"{source} is not a pgsd snapshot (no format_version/objects)")
        version = raw.get("format_version")
        if version not in READABLE_FORMATS:
            readable = ", ".join(str(v) for v in READABLE_FORMATS)
            raise SnapshotFileError(f"{source} has snapshot format {version!r}; this pgsd reads formats {readable}")
        if version == 1 and isinstance(raw.get("dependencies"), list):
            raw["dependencies"] = [
                [d.get("dependent"), d.get("referenced")] if isinstance(d, dict) else d for d in raw["dependencies"]
            ]
            raw["format_version"] = FORMAT_VERSION
        try:
            return cls.model_validate(raw)
        except ValidationError as e:
            first = e.errors()[0]
            loc = ".".join(str(p) for p in first.get("loc", ()))
            raise SnapshotFileError(f"{source} is malformed at {loc}: {first.get('msg')}") from None


_STREAMED = {"objects", "dependencies", "not_compared", "warnings"}
_TAIL = {"not_compared", "warnings"}
_OBJECT_LIST: TypeAdapter[list[Any]] = TypeAdapter(list[AnyObject])
