"""Twins: objects that source and target read identically are built once and shared.

A migration changes a few percent of a schema, so when both sides are read at once,
almost every column, constraint and index one side builds, the other builds too, equal
field for field. The hot loaders therefore look a row up here before building: its
*signature* is everything the object is built from (the row without its OIDs, plus
the parent table's identity strings), and when the other side already built an object
from an equal signature, that object is taken as it is. Otherwise the side builds its
own and leaves it here for the other side.

Sharing halves the memory of what both sides hold (frozen models can be shared), skips
building the second copy, and lets the diff see identical objects by identity.

Correctness rests on one rule each loader keeps: the object must be a function of the
signature alone (nothing side-specific such as OIDs goes into it without being in the
signature). Sides on different major versions never share (their queries differ). A
signature holding a list (an array column, such as an ACL) is unhashable and simply
not shared.

Each side's signatures are unique within the side (they contain the object's identity),
so an entry found here always comes from the other side. If both sides miss at the same
moment, each builds its own copy: wasteful, never wrong. Entries nobody takes (the
objects that differ) are dropped once every side is done with the kind (``leave``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

Take = Callable[[Hashable], Any]
Offer = Callable[[Hashable, Any], None]


class Twins:
    """Shared between the sides of one comparison; one waiting room per object kind."""

    def __init__(self, sides: int = 2) -> None:
        self._sides = sides
        self._waiting: dict[str, dict[Hashable, Any]] = {}
        self._registries: dict[str, dict[Hashable, Any]] = {}
        self._left: dict[str, int] = {}

    def room(self, kind: str) -> tuple[Take, Offer]:
        """(take, offer) for ``kind``: ``take(sig)`` returns the other side's object or None."""
        waiting = self._waiting.setdefault(kind, {})
        pop = waiting.pop

        def take(signature: Hashable) -> Any:
            try:
                return pop(signature, None)
            except TypeError:  # a list in the row: not shareable
                return None

        def offer(signature: Hashable, obj: Any) -> None:
            try:
                waiting[signature] = obj
            except TypeError:
                pass

        return take, offer

    def registry(self, kind: str) -> dict[Hashable, Any]:
        """A dict both sides keep one instance of each value in (for small immutable values)."""
        return self._registries.setdefault(kind, {})

    def leave(self, kind: str) -> None:
        """A side is done with ``kind``: once every side is, its room and registry go.

        What nobody took stays with the side that built it; the dicts themselves (sized
        for the most that ever waited, a table of 100,000 slots at 10,000 tables) would
        otherwise last until both sides are read.
        """
        left = self._left[kind] = self._left.get(kind, 0) + 1
        if left >= self._sides:
            self._waiting.pop(kind, None)
            self._registries.pop(kind, None)

    def waiting(self) -> int:
        """How many objects wait for a twin (the ones that differ, once both sides are read)."""
        return sum(len(w) for w in self._waiting.values())


def row_signature(row: dict[str, Any], oid_columns: frozenset[str]) -> tuple:
    """A dict row as a signature: its values without the OID columns, arrays as tuples.

    For the kinds read as dicts (tables, views, functions, sequences): the object built
    from the row must depend on nothing else (see the module docstring).
    """
    # a list comprehension, not a generator: a fifth faster per row
    return tuple([tuple(v) if v.__class__ is list else v for k, v in row.items() if k not in oid_columns])


def _take_nothing(signature: Hashable) -> None:
    return None


def _offer_nowhere(signature: Hashable, obj: Any) -> None:
    return None


def room(ctx: Any, kind: str) -> tuple[Take, Offer]:
    """The room of ``kind`` for a loader's context (a LoadContext), or one that never shares.

    Sides of different major versions get different rooms: their queries may differ, and
    equal rows should mean equal queries too.
    """
    if ctx.twins is None:
        return _take_nothing, _offer_nowhere
    return ctx.twins.room(f"{kind}@{ctx.major}")


def registry(ctx: Any, kind: str) -> dict[Hashable, Any]:
    """The registry of ``kind`` shared with the other side, or a new dict for a side read alone.

    Unlike a room, nothing is taken out: a value equal to one already there is replaced by
    it, so equal values (a dependency edge between shared keys) exist once in memory.
    """
    if ctx.twins is None:
        return {}
    return ctx.twins.registry(f"{kind}@{ctx.major}")


def leave(ctx: Any, kind: str) -> None:
    """Tell the twins this side is done with ``kind`` (see Twins.leave); nothing when alone."""
    if ctx.twins is not None:
        ctx.twins.leave(f"{kind}@{ctx.major}")
