"""Ordering: every statement is a node, edges say what must come first, a topological sort decides.

The edges here are generic, the same for every kind:

* an action's statements run in the order the renderer returned them; a recreate's
  drop comes before its create;
* target dependencies (pg_depend): what depends on an object leaves (or changes)
  before the object is dropped, or altered in a way that breaks its dependents;
* source dependencies: an object exists in its new shape before what needs it is
  created or altered;
* a child is created or altered after its parent exists;
* a statement's ``requires``: those keys are ready before it;
* names: a new object that takes a name (``Renderer.occupies``) waits until the
  dropped object holding it is gone.

What only a kind knows comes from its renderer (``Renderer.ordering``, see steps.py).
Ties between statements ready together are broken by phase (drops, alters, creates;
statements that cannot run in a transaction at the very start or end), then by the
kind's creation rank and the renderer's ``tie_break`` (reversed for drops), then by key:
the same change set always gives the same plan.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pgsd.ddl.actions import Actions
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.steps import Edge, Step
from pgsd.model.kinds import kind_of
from pgsd.model.names import quote_literal
from pgsd.model.objects import DbObject

PHASE = {"drop": 0, "alter": 1, "create": 2}
_FOLLOW_LIMIT = 10
"""How far an implicit drop/create is followed up (a sequence -> its column -> its table)."""


@dataclass
class Action:
    """The statements of one action (create, alter or drop) on one key, and what its renderer says of their order."""

    key: str
    kind: str
    statements: list[Statement] = field(default_factory=list)
    reason: str = ""
    edges: list[Edge] = field(default_factory=list)


def order(state: Actions, actions: dict[tuple[str, str], Action]) -> tuple[list[Statement], list[str]]:
    """The statements of every action, in an order PostgreSQL accepts; notes on any cycle broken."""
    g = _build(state, actions)
    return toposort(g.nodes, g.prio, g.edges)


def order_withholding(state: Actions, actions: dict[tuple[str, str], Action],
                      withhold: Callable[[Statement], bool]) -> tuple[list[Statement], list[Statement], list[str]]:
    """``order``, then the statements ``withhold`` picks left out, and with them every
    statement that needs one of them to have run (the closure along the edges): a
    script without them still runs. Returns (kept, withheld, notes); a statement withheld
    only for what it needs says so in its ``reason``."""
    g = _build(state, actions)
    ordered, notes = toposort(g.nodes, g.prio, g.edges)
    because: dict[int, str] = {}
    stack = [i for i, s in enumerate(g.nodes) if withhold(s)]
    for i in stack:
        because[i] = ""
    while stack:
        i = stack.pop()
        for j in g.edges.get(i, ()):
            if j not in because:
                because[j] = f"needs the withheld {g.nodes[i].sql.splitlines()[0][:100]}"
                stack.append(j)
    position = {id(s): i for i, s in enumerate(g.nodes)}
    kept: list[Statement] = []
    withheld: list[Statement] = []
    for s in ordered:
        i = position[id(s)]
        if i not in because:
            kept.append(s)
        else:
            withheld.append(s.model_copy(update={"reason": because[i]}) if because[i] else s)
    return kept, withheld, notes


def _build(state: Actions, actions: dict[tuple[str, str], Action]) -> _Graph:
    g = _Graph(state)
    g.add_nodes(actions)
    g.chain_actions(actions)
    g.target_dependencies()
    g.source_dependencies()
    g.parents_first(actions)
    g.declared(actions)
    g.requirements()
    g.names_freed_first()
    if state.ctx.options.transaction and not state.ctx.options.commit_data_loss_early:
        g.data_loss_after_own_transactions()
    return g


class _Graph:
    def __init__(self, state: Actions) -> None:
        self.state = state
        self.src, self.tgt = state.cs.source, state.cs.target
        self.nodes: list[Statement] = []
        self.prio: list[tuple] = []
        self.first: dict[tuple[str, str], int] = {}
        self.last: dict[tuple[str, str], int] = {}
        self.made: dict[str, int] = {}
        """Key -> its create action's first CREATE (statements freeing a name may come before)."""
        self.edges: dict[int, set[int]] = defaultdict(set)

    def link(self, a: int | None, b: int | None) -> None:
        if a is not None and b is not None and a != b:
            self.edges[a].add(b)

    # ------------------------------------------------------------ nodes

    def add_nodes(self, actions: dict[tuple[str, str], Action]) -> None:
        for (key, kind), action in sorted(actions.items(), key=lambda kv: kv[0]):
            obj = (self.src.get(key) if kind != "drop" else self.tgt.get(key)) or self.tgt.get(key) or self.src.get(key)
            rank, sub = self._ranks(obj)
            if kind == "drop":
                rank, sub = -rank, -sub
            for i, s in enumerate(action.statements):
                idx = len(self.nodes)
                self.nodes.append(s)
                phase = PHASE[kind] if s.transactional else (-1 if kind != "create" else 3)
                self.prio.append((phase, rank, sub, key, i))
                if i == 0:
                    self.first[(key, kind)] = idx
                if kind == "create" and s.action == "create" and key not in self.made:
                    self.made[key] = idx
                self.last[(key, kind)] = idx

    def _ranks(self, obj: DbObject | None) -> tuple[int, int]:
        """The kind's creation rank, and the renderer's tie-break within the kind."""
        if obj is None:
            return 99, 0
        renderer = self.state.rend.get(obj.kind)
        return kind_of(obj.kind).create_rank, renderer.tie_break(obj) if renderer is not None else 0

    # ------------------------------------------------------------ where a key's steps are

    @staticmethod
    def _root(key: str, implicit: dict[str, str]) -> str:
        """The key whose own action performs ``key``'s implicit drop or create."""
        if key not in implicit:
            return key
        k, seen = key, 0
        while k in implicit and seen < _FOLLOW_LIMIT:
            k = implicit[k]
            seen += 1
        return k

    def dropped_at(self, key: str) -> tuple[int | None, int | None]:
        """(first, last) statement that removes ``key`` (its own drop or its parent's)."""
        k = self._root(key, self.state.implicit_drop)
        return self.first.get((k, "drop")), self.last.get((k, "drop"))

    def created_at(self, key: str) -> int | None:
        k = self._root(key, self.state.implicit_create)
        c = self.made.get(k, self.first.get((k, "create")))
        return c if c is not None or k == key else self.last.get((k, "alter"))

    def ready_at(self, key: str) -> int | None:
        """The statement after which ``key`` exists in its new shape."""
        c = self.created_at(key)
        return c if c is not None else self.last.get((key, "alter"))

    def start_of(self, key: str) -> int | None:
        k = self._root(key, self.state.implicit_create)
        c = self.first.get((k, "create"))
        return c if c is not None else self.first.get((k, "alter"))

    def at(self, step: Step) -> int | None:
        key, moment = step
        if moment == "dropped":
            return self.dropped_at(key)[0]
        if moment == "gone":
            return self.dropped_at(key)[1]
        if moment == "ready":
            return self.ready_at(key)
        action, _, end = moment.rpartition("_")
        return (self.first if end == "starts" else self.last).get((key, action))

    # ------------------------------------------------------------ generic edges

    def chain_actions(self, actions: dict[tuple[str, str], Action]) -> None:
        """Each action's statements in order; a recreate's drop before its create."""
        for key, kind in actions:
            start = self.first.get((key, kind))
            if start is None:
                continue
            for i in range(start, self.last[(key, kind)]):
                self.link(i, i + 1)
        for key in self.state.create:
            self.link(self.last.get((key, "drop")), self.first.get((key, "create")))

    def target_dependencies(self) -> None:
        """Dependents leave (or change) before what they use is dropped, or altered in a breaking way.

        Only edges into what leaves matter, found through the target's dependents index:
        on a large schema nearly all edges join two untouched objects.
        """
        state = self.state
        leaving = {k for (k, kind) in self.first if kind == "drop"} | state.implicit_drop.keys() | state.breakers
        dependents = self.tgt.dependents
        for ref in leaving:
            ref_first, _ = self.dropped_at(ref)
            for dep in dependents.get(ref, ()):
                dep_last = self.dropped_at(dep)[1]
                if ref_first is not None:
                    self.link(dep_last, ref_first)
                    if dep_last is None:
                        self.link(self.last.get((dep, "alter")), ref_first)
                if ref in state.breakers:
                    self.link(dep_last, self.first.get((ref, "alter")))

    def source_dependencies(self) -> None:
        """Things exist before what needs them is created or altered."""
        arriving = {k for (k, kind) in self.first if kind != "drop"} | self.state.implicit_create.keys()
        for dep, ref in self.state.cache.source_edges_of(arriving):
            self.link(self.ready_at(ref), self.start_of(dep))

    def parents_first(self, actions: dict[tuple[str, str], Action]) -> None:
        """A child is created or altered after its parent exists."""
        for key, kind in actions:
            if kind == "drop":
                continue
            obj = self.src.get(key)
            if obj is None or obj.parent_key is None:
                continue
            self.link(self.created_at(obj.parent_key), self.first.get((key, kind)))

    def declared(self, actions: dict[tuple[str, str], Action]) -> None:
        """The edges renderers declared for their own kind."""
        for action in actions.values():
            for edge in action.edges:
                self.link(self.at(edge.first), self.at(edge.then))

    def requirements(self) -> None:
        """A statement's ``requires`` (e.g. OWNED BY needs the column)."""
        for i, s in enumerate(self.nodes):
            for req in s.requires:
                self.link(self.ready_at(req), i)

    def names_freed_first(self) -> None:
        """A new object may take the name of one being dropped: after it is gone."""
        state = self.state
        dropped_slots: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for key in state.drop | set(state.implicit_drop):
            obj = self.tgt.get(key)
            if obj is not None:
                for slot in self._occupies(obj):
                    dropped_slots[slot].append(key)
        if not dropped_slots:
            return
        for key in state.create | set(state.implicit_create):
            obj = self.src.get(key)
            if obj is None:
                continue
            for slot in self._occupies(obj):
                for old in dropped_slots.get(slot, ()):
                    # the same key too when something else's drop takes it along (a serial's
                    # sequence goes with its table's DROP): no recreate chains the two
                    if old != key or key in state.implicit_drop:
                        self.link(self.dropped_at(old)[1], self.created_at(key))

    def data_loss_after_own_transactions(self) -> None:
        """A statement that loses data comes after every statement that runs outside the
        transaction, where dependencies allow: committed before such a statement (which may
        fail), the loss would stay while the rest of the plan did not run."""
        outside = [i for i, s in enumerate(self.nodes) if not s.transactional]
        if not outside:
            return
        losing = [i for i, s in enumerate(self.nodes) if HazardType.DATA_LOSS in s.hazard_types()]
        if not losing:
            return
        reverse: dict[int, set[int]] = defaultdict(set)
        for a, targets in self.edges.items():
            for b in targets:
                reverse[b].add(a)
        for n in outside:
            before = _reach(n, reverse)  # what must run before n
            for d in losing:
                if d not in before:
                    self.link(n, d)

    def _occupies(self, obj: DbObject) -> Iterable[tuple[str, ...]]:
        renderer = self.state.rend.get(obj.kind)
        return renderer.occupies(obj) if renderer is not None else ()


def _reach(start: int, edges: dict[int, set[int]]) -> set[int]:
    seen: set[int] = set()
    stack = [start]
    while stack:
        for b in edges.get(stack.pop(), ()):
            if b not in seen:
                seen.add(b)
                stack.append(b)
    return seen


def enum_additions_inside(statements: list[Statement], state: Actions, version: int) -> list[Statement]:
    """``ALTER TYPE ... ADD VALUE`` in the transaction when PostgreSQL allows it.

    From PostgreSQL 12 it runs in a transaction block, but a new label cannot be used
    before that transaction commits. A later statement counts as a use when its text holds
    one of the type's new labels as a literal (a default, a check, an index predicate, a
    view, a function body) or lists the type's labels (``enum_range``, ``enum_first``,
    ``enum_last`` on a statement naming the type): then the labels are added on their own
    first, and the statements say so (hazard).
    """
    out = list(statements)
    for i, s in enumerate(out):
        if s.transactional or " ADD VALUE " not in s.sql or not s.key.startswith("enum:"):
            continue
        if not state.ctx.options.transaction:
            continue  # every statement commits on its own: nothing is split
        new, old = state.cs.source.get(s.key), state.cs.target.get(s.key)
        added = set(getattr(new, "labels", ())) - set(getattr(old, "labels", ()))
        literals = [quote_literal(label) for label in added]
        name = getattr(new, "name", "").lower()
        later = [t for t in out[i + 1:] if " ADD VALUE " not in t.sql]
        used = [t for t in later if any(lit in t.sql for lit in literals)
                or (name in t.sql.lower() and "enum_" in t.sql.lower())]
        if version >= 120000 and not used:
            out[i] = s.model_copy(update={"transactional": True})
            continue
        why = (f"{_first_line(used[0].sql)} uses a label it adds: it commits first"
               if used else f"PostgreSQL {version // 10000} cannot add an enum label in a transaction")
        out[i] = s.model_copy(update={"hazards": (*s.hazards, Hazard(type=HazardType.CANNOT_RUN_IN_TRANSACTION,
                                                                        message=why))})
    return out


def _first_line(sql: str) -> str:
    line = sql.strip().splitlines()[0] if sql.strip() else ""
    return line if len(line) <= 80 else line[:77] + "..."


# ---------------------------------------------------------------------------- sort


def toposort(nodes: list[Statement], prio: list[tuple],
             edges: dict[int, set[int]]) -> tuple[list[Statement], list[str]]:
    """Kahn's algorithm, the lowest priority first among the ready; a cycle is broken and noted.

    Priorities are tuples ending in a key; equal ones fall back to the node's index. The
    heap holds each node's place in that order (one sort up front) instead of the tuples
    themselves: the same order, but every heap comparison is of two ints. Measured from an
    empty database to bench/gen_schema.py's 2,000 tables (23,500 statements, best of 7
    on the shared machine): 60 ms of CPU before, 26 ms after.
    """
    count = len(nodes)
    by_priority = sorted(range(count), key=lambda i: (prio[i], i))
    place = [0] * count
    for rank, i in enumerate(by_priority):
        place[i] = rank
    indegree = [0] * count
    for targets in edges.values():
        for b in targets:
            indegree[b] += 1
    heap = [place[i] for i in range(count) if indegree[i] == 0]
    heapq.heapify(heap)
    out: list[Statement] = []
    done = [False] * count
    notes: list[str] = []
    while len(out) < count:
        if not heap:
            # a cycle: emit the first remaining statement by priority and say so
            i = by_priority[min(place[j] for j in range(count) if not done[j])]
            notes.append(f"dependency cycle broken at: {nodes[i].sql.splitlines()[0][:80]}")
            indegree[i] = 0
            heap.append(place[i])
        i = by_priority[heapq.heappop(heap)]
        if done[i]:
            continue
        done[i] = True
        out.append(nodes[i])
        for b in edges.get(i, ()):
            indegree[b] -= 1
            if indegree[b] == 0 and not done[b]:
                heapq.heappush(heap, place[b])
    return out, notes
