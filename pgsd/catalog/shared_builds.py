"""Shared builds: objects that source and target read identically are built once.

A migration changes a few percent of a schema, so when both sides are read at once,
almost every column, constraint and index one side builds, the other builds too, equal
field for field. The hot loaders therefore look a row up here before building: its
*signature* is everything the object is built from (the row's named fields minus its
OIDs, plus the parent table's identity strings), and when the other side already built
an object from an equal signature, that object is taken as it is. Otherwise the side
builds its own and leaves it here for the other side.

Sharing halves the memory of what both sides hold (frozen models can be shared), skips
building the second copy, and lets the diff see identical objects by identity (measured
when introduced: about a third of a 2,000-table diff's client CPU saved).

Correctness rests on one rule each loader keeps: the object must be a function of the
signature alone. The signature is therefore built from *named* fields: every column of
the query except the ones a loader names as not describing the object (OIDs), never a
positional slice such as ``row[3:]``, which would silently share two different objects
once a meaningful column moved into the sliced-off prefix. Sides on different major
versions never share (their queries differ). A signature holding a list (an array
column, such as an ACL) is unhashable and simply not shared.

Each side's signatures are unique within the side (they contain the object's identity),
so an entry found here always comes from the other side. If both sides miss at the same
moment, each builds its own copy: wasteful, never wrong. Entries nobody takes (the
objects that differ) are dropped once every side is done with the kind (``done``).

A loader uses one ``SharedKind`` per kind::

    shared = shared_kind(ctx, "constraint", CONSTRAINTS_COLUMNS, not_signature={"oid", "conrelid"})
    for row in ctx.rows("constraints", CONSTRAINTS_COLUMNS):
        obj = shared.build(table.key, row, _build_constraint, table, template)
    shared.done()

(``columns`` is None for dict rows: every key but ``not_signature`` is then the signature.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from functools import partial
from operator import itemgetter
from typing import Any, TypeVar

T = TypeVar("T")


class SharedBuilds:
    """Shared between the sides of one comparison: per kind, the objects waiting for the other side."""

    def __init__(self, sides: int = 2) -> None:
        self._sides = sides
        self._waiting: dict[str, dict[Hashable, Any]] = {}
        self._registries: dict[str, dict[Hashable, Any]] = {}
        self._done: dict[str, int] = {}

    def waiting_for(self, kind: str) -> dict[Hashable, Any]:
        """The objects of ``kind`` built by one side and not yet taken by the other, by signature."""
        return self._waiting.setdefault(kind, {})

    def registry(self, kind: str) -> dict[Hashable, Any]:
        """A dict both sides keep one instance of each value in (for small immutable values)."""
        return self._registries.setdefault(kind, {})

    def done(self, kind: str) -> None:
        """A side is done with ``kind``: once every side is, its waiting objects and registry go.

        What nobody took stays with the side that built it; the dicts themselves (sized
        for the most that ever waited, a table of 100,000 slots at 10,000 tables) would
        otherwise last until both sides are read.
        """
        done = self._done[kind] = self._done.get(kind, 0) + 1
        if done >= self._sides:
            self._waiting.pop(kind, None)
            self._registries.pop(kind, None)

    def waiting(self) -> int:
        """How many objects wait for a twin (the ones that differ, once both sides are read)."""
        return sum(len(w) for w in self._waiting.values())


def row_signature(row: dict[str, Any], not_signature: Collection[str]) -> tuple:
    """A dict row as a signature: its values without the ``not_signature`` keys, arrays as tuples."""
    # a list comprehension, not a generator: a fifth faster per row
    return tuple([tuple(v) if v.__class__ is list else v for k, v in row.items() if k not in not_signature])


def fields_getter(columns: tuple[str, ...], not_signature: Collection[str]) -> Callable[[tuple], Any]:
    """A getter of a tuple row's signature fields: every column of ``columns`` not in ``not_signature``.

    Chosen by name, so a column moved within the query stays in (or out of) the signature.
    """
    unknown = set(not_signature) - set(columns)
    if unknown:
        raise ValueError(f"not_signature names columns the query does not have: {sorted(unknown)}")
    kept = [i for i, c in enumerate(columns) if c not in not_signature]
    if not kept:
        return lambda row: ()
    if len(kept) == 1:
        index = kept[0]
        return lambda row: (row[index],)
    return itemgetter(*kept)


class SharedKind:
    """One side's use of one kind's shared builds (see the module docstring).

    ``fields(row)`` is the row's signature fields (for a loader combining several rows
    into one signature): an ``itemgetter`` for tuple rows, so no Python call per row.
    """

    __slots__ = ("_builds", "_kind", "_waiting", "fields")

    def __init__(self, builds: SharedBuilds | None, kind: str, columns: tuple[str, ...] | None,
                 not_signature: Collection[str]) -> None:
        self._builds = builds
        self._kind = kind
        self._waiting = builds.waiting_for(kind) if builds is not None else None
        if columns is None:
            self.fields: Callable[[Any], Any] = partial(_dict_fields, not_signature=frozenset(not_signature))
        else:
            self.fields = fields_getter(columns, not_signature)

    def build(self, context: Hashable, row: Any, builder: Callable[..., T], *args: Any) -> T:
        """``builder(row, *args)``, or the other side's equal object: signature ``(context, fields(row))``.

        ``context`` is what the object depends on besides the row (the parent table's key), or None.
        """
        waiting = self._waiting
        if waiting is None:
            return builder(row, *args)
        signature = (context, self.fields(row))
        # (the lookup inlined, as in build_signed: this runs once per object built)
        try:
            obj = waiting.pop(signature, None)
        except TypeError:  # a list in the row: not shareable
            return builder(row, *args)
        if obj is None:
            obj = builder(row, *args)
            try:
                waiting[signature] = obj
            except TypeError:  # (an empty dict's pop does not hash the key)
                pass
        return obj

    def build_signed(self, signature: Hashable, row: Any, builder: Callable[..., T], *args: Any) -> T:
        """``build`` with a signature the loader made from ``fields`` (several rows, one object)."""
        waiting = self._waiting
        if waiting is None:
            return builder(row, *args)
        try:
            obj = waiting.pop(signature, None)
        except TypeError:
            return builder(row, *args)
        if obj is None:
            obj = builder(row, *args)
            try:
                waiting[signature] = obj
            except TypeError:
                pass
        return obj

    def done(self) -> None:
        """This side is done with the kind (see SharedBuilds.done); nothing when read alone."""
        if self._builds is not None:
            self._builds.done(self._kind)


def _dict_fields(row: dict[str, Any], not_signature: frozenset[str]) -> tuple:
    return tuple([tuple(v) if v.__class__ is list else v for k, v in row.items() if k not in not_signature])


def shared_kind(ctx: Any, kind: str, columns: tuple[str, ...] | None = None, *,
                not_signature: Collection[str]) -> SharedKind:
    """The shared builds of ``kind`` for a loader's context (a LoadContext); never shares when read alone.

    ``columns`` are the tuple rows' column names (None for dict rows); ``not_signature``
    the columns that do not describe the object (OIDs). Sides of different major versions
    share nothing: their queries may differ, and equal rows should mean equal queries too.
    """
    return SharedKind(ctx.shared_builds, f"{kind}@{ctx.major}", columns, not_signature)


def shared_registry(ctx: Any, kind: str) -> dict[Hashable, Any]:
    """The registry of ``kind`` shared with the other side, or a new dict for a side read alone.

    Unlike shared builds, nothing is taken out: a value equal to one already there is
    replaced by it, so equal values (a dependency edge between shared keys) exist once in memory.
    """
    if ctx.shared_builds is None:
        return {}
    return ctx.shared_builds.registry(f"{kind}@{ctx.major}")


def done_with(ctx: Any, kind: str) -> None:
    """Tell the shared builds this side is done with ``kind``'s registry; nothing when read alone."""
    if ctx.shared_builds is not None:
        ctx.shared_builds.done(f"{kind}@{ctx.major}")
