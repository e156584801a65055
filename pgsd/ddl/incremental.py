"""PlanCache: re-planning a selection of one change set without redoing what no selection changes.

The app plans again after every toggle. Most of what ``build_plan`` computes does not
depend on which changes are picked: how a changed object is altered (or that it must be
recreated, and whether that breaks its dependents), the statements of each create, drop
and alter and the ordering facts their renderer states, what a drop takes along and a
create brings, the render context's indexes (owned sequences, inherited columns). Those
are pure functions of the object's key, the two snapshots and the plan options, so a
``PlanCache`` made for one change set and one set of options keeps them, and each plan
of a selection only walks the selection: its dependency closure, the propagation of its
drops, its statements' graph and the sort.

Nothing here decides anything: ``build_plan(cs, options, selected=..., cache=c)`` runs
the same steps with or without a cache (without one it makes a throwaway one), so the
plan is the same either way; tests/unit/ddl/test_incremental.py checks that on many
random selections of a snapshot pair read from bench/gen_schema.py's databases.

Measured on snapshots of bench/gen_schema.py's databases (``pgsd snapshot``), in one
process, re-planning every change but one, on the shared 2-core machine at load ~3:
at 10,000 tables (3,936 changes, 2,718 statements) 0.47-0.73 s per plan before (the
whole planner each time), 0.115 s with a cache; at 2,000 tables (801 changes) about
20 ms. Most of the rest is the walk over the selection itself (its closure, the spread
of its drops, the graph of its statements, the sort). In the app, from the key to the
new plan on the screen: bench/README.md, "The app".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TypeVar

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.render import renderers
from pgsd.ddl.render.base import Renderer
from pgsd.ddl.selection import required_changes
from pgsd.diff.changes import ChangeSet

T = TypeVar("T")


class PlanCache:
    """What planning ``cs`` with ``options`` computes that no selection changes, kept across plans.

    Safe to share between threads: a value is computed outside any lock and stored whole,
    so two threads asking at once at worst compute it twice.
    """

    def __init__(self, cs: ChangeSet, options: PlanOptions, *, one_plan: bool = False) -> None:
        self.cs = cs
        self.options = options
        self.one_plan = one_plan
        """Made by ``build_plan`` for itself: ``memo`` keeps nothing (see there)."""
        self.ctx = RenderContext(source=cs.source, target=cs.target, options=options)
        self.rend: dict[str, Renderer] = renderers()
        self._memo: dict[tuple, object] = {}
        self.brought: dict[int, tuple[str, ...]] = {}
        """``Renderer.brings`` by object (its id: the snapshots live as long as the cache)."""
        self.taken_along: dict[int, tuple[str, ...]] = {}
        """``Renderer.takes_along`` by object, likewise.

        These two are asked for every object created or dropped, most of them twice, so
        they have their own dicts instead of ``memo``'s slots: from an empty database to
        bench/gen_schema.py's 2,000 tables (37,000 objects asked) ``memo`` cost 88 ms of
        CPU the first time and 47 ms the second, these dicts 31 ms and 18 ms (best of 7).
        """
        self._required: tuple[frozenset[str], frozenset[str]] | None = None
        self._source_edges: dict[str, list[tuple[int, str]]] | None = None
        self._source_edges_asked = False
        self._target_references_asked = False

    def fits(self, cs: ChangeSet, options: PlanOptions) -> bool:
        """Whether this cache was made for ``cs`` (the same object) planned with ``options``."""
        return cs is self.cs and options == self.options

    def memo(self, slot: tuple, compute: Callable[[], T]) -> T:
        """The value kept in ``slot``, computed (once) by ``compute``: a pure function of the slot.

        A cache for one plan keeps nothing: a plan asks each slot once (a change's
        classification, an action's statements and their reasoned copies), and kept, the
        statements would live twice until the plan is made. gen_schema's 20,000-table
        pair (``pgsd diff``, PostgreSQL 18, 2026-12-03): planning added 8 MiB to the RSS,
        5 without keeping them.
        """
        if self.one_plan:
            return compute()
        try:
            return self._memo[slot]  # type: ignore[return-value]
        except KeyError:
            value = compute()
            self._memo[slot] = value
            return value

    def required(self, selected: Iterable[str]) -> frozenset[str]:
        """``required_changes`` of the selection (the last answer is kept: the app asks twice per toggle)."""
        wanted = frozenset(selected)
        last = self._required
        if last is not None and last[0] == wanted:
            return last[1]
        out = frozenset(required_changes(self.cs, set(wanted)))
        self._required = (wanted, out)
        return out

    def target_references_of(self, keys: Collection[str]) -> dict[str, list[str]]:
        """What each of ``keys`` depends on in the target (``Snapshot.references_of``).

        The first plan has them found in one pass over the target's edges, as
        ``source_edges_of`` does; from the second on (the app) the target's map of every
        object's references is built once and answers.
        """
        if self._target_references_asked:
            self.cs.target.references  # noqa: B018 - built once, then references_of reads it
        self._target_references_asked = True
        return self.cs.target.references_of(keys)

    def source_edges_of(self, dependents: Iterable[str]) -> list[tuple[str, str]]:
        """The source's (dependent, referenced) edges out of ``dependents``, in the snapshot's order.

        The same pairs, in the same order, as filtering every edge of the source (which at
        10,000 tables is 130,000 pairs for the few hundred a plan touches). The first call
        does filter them, in one pass: a plan asks once, and ``pgsd diff`` plans once. From
        the second on (the app re-plans on every toggle) an index of the edges by
        dependent answers, built once and kept.
        """
        index = self._source_edges
        if index is None and not self._source_edges_asked:
            self._source_edges_asked = True
            wanted = dependents if isinstance(dependents, (set, frozenset)) else set(dependents)
            return [(dep, ref) for dep, ref in self.cs.source.edges() if dep in wanted]
        if index is None:
            index = {}
            for i, (dep, ref) in enumerate(self.cs.source.edges()):
                index.setdefault(dep, []).append((i, ref))
            self._source_edges = index
        found = [(i, dep, ref) for dep in dependents for i, ref in index.get(dep, ())]
        found.sort()
        return [(dep, ref) for _, dep, ref in found]
