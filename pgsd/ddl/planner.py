"""build_plan: a change set -> the ordered, hazard-annotated statements that apply it.

How it works:

1. Each change becomes an *action* on its key: ``create`` (added), ``drop`` (removed),
   ``alter`` (changed, when the renderer can alter in place) or ``recreate`` (drop +
   create, when it cannot).
2. Actions spread along the dependency edges: whatever depends (in the target) on an
   object that is dropped must be dropped first, and is recreated afterwards when the
   source still has it; an in-place alter that PostgreSQL refuses while views use the
   object (``breaks_dependents``) does the same to its view-like dependents. Children
   (columns, constraints, indexes, ...) go and come with their table.
3. Every action renders to statements, and each statement is a node of a graph whose
   edges come from the snapshots' dependency edges (not from a fixed order of kinds):
   drops before what they depended on is dropped, creates after what they need exists.
4. A deterministic topological sort (ties broken by phase, kind and key) gives the plan.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.plan import HazardType, Plan, Statement
from pgsd.ddl.render import renderers
from pgsd.ddl.render.base import Renderer, hazard
from pgsd.diff.changes import Change, ChangeSet, Status
from pgsd.errors import PlanError
from pgsd.model.names import quote_ident
from pgsd.model.objects import DbObject

# Kinds that PostgreSQL refuses to keep while an object they use changes shape.
VIEWISH = frozenset({"view", "materialized_view", "rule", "policy", "trigger"})

# Creation order used only to break ties between statements that are ready together.
KIND_RANK = {
    k: i
    for i, k in enumerate(
        (
            "role", "schema", "extension", "collation", "shell_type", "base_type", "enum", "domain", "composite", "range",
            "text_search_parser", "text_search_template", "text_search_dictionary", "text_search_configuration",
            "language", "conversion", "operator", "operator_family", "operator_class",
            "foreign_data_wrapper", "server", "user_mapping", "sequence", "table", "foreign_table",
            "column", "constraint", "index", "function", "view", "materialized_view", "trigger",
            "rule", "policy", "statistics", "event_trigger", "publication", "default_privilege",
        )
    )
}
# pg_class (relations and their row types) and pg_type share names within a schema.
RELATION_KINDS = frozenset({"table", "foreign_table", "view", "materialized_view", "sequence", "index", "composite"})
TYPE_KINDS = frozenset({"enum", "domain", "composite", "range", "shell_type", "base_type"})
PHASE = {"drop": 0, "alter": 1, "create": 2}
CONSTRAINT_RANK = {"p": 0, "u": 1, "x": 2, "c": 3, "f": 4}


@dataclass
class _Action:
    key: str
    kind: str  # create, drop, alter
    statements: list[Statement] = field(default_factory=list)
    reason: str = ""


@dataclass
class _State:
    cs: ChangeSet
    ctx: RenderContext
    rend: dict[str, Renderer]
    drop: set[str] = field(default_factory=set)
    """Keys dropped explicitly (removed, or first half of a recreate)."""
    create: set[str] = field(default_factory=set)
    alter: dict[str, list[Statement]] = field(default_factory=dict)
    implicit_drop: dict[str, str] = field(default_factory=dict)
    """Key -> the key whose drop takes it along (a table's columns, an owned sequence)."""
    implicit_create: dict[str, str] = field(default_factory=dict)
    """Key -> the key whose create brings it (a new table's columns)."""
    breakers: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)


def _renderer(state: _State, obj: DbObject) -> Renderer:
    try:
        return state.rend[obj.kind]
    except KeyError:
        raise PlanError(f"no DDL renderer for {obj.kind} {obj.display_name}") from None


def build_plan(cs: ChangeSet, options: PlanOptions | None = None, *, selected: set[str] | None = None) -> Plan:
    """Plan the statements that make the target of ``cs`` match its source.

    ``selected`` restricts the plan to those change keys (plus what they need).
    """
    opts = options or PlanOptions()
    ctx = RenderContext(source=cs.source, target=cs.target, options=opts)
    state = _State(cs=cs, ctx=ctx, rend=renderers())
    changes = [c for c in cs.changes if not c.textual_only]
    if selected is not None:
        wanted = required_changes(cs, selected)
        changes = [c for c in changes if c.key in wanted]
    _classify(state, changes)
    _propagate(state)
    actions = _render(state)
    ordered, notes = _order(state, actions)
    kept: list[Statement] = []
    withheld: list[Statement] = []
    for s in ordered:
        if opts.safe and HazardType.DATA_LOSS in s.hazard_types():
            withheld.append(s)
        else:
            kept.append(s)
    if withheld:
        notes.append(f"safe mode withheld {len(withheld)} statement(s) that would lose data")
    return Plan(
        statements=tuple(kept),
        withheld=tuple(withheld),
        transaction=opts.transaction,
        lock_timeout=opts.lock_timeout,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------- classify


def _classify(state: _State, changes: list[Change]) -> None:
    src, tgt = state.cs.source, state.cs.target
    for c in changes:
        if c.status is Status.ADDED:
            state.create.add(c.key)
            state.reasons[c.key] = "added in the source"
        elif c.status is Status.REMOVED:
            state.drop.add(c.key)
            state.reasons[c.key] = "not in the source"
        else:
            old, new = tgt.get(c.key), src.get(c.key)
            assert old is not None and new is not None
            changed = c.changed_fields
            if "kind" in changed:
                out = None
            else:
                r = _renderer(state, new)
                out = r.alter(old, new, changed, state.ctx)
            names = ", ".join(sorted(changed))
            if out is None:
                state.drop.add(c.key)
                state.create.add(c.key)
                state.reasons[c.key] = f"changed ({names}): recreated"
            else:
                state.alter[c.key] = out
                state.reasons[c.key] = f"changed ({names})"
                if _renderer(state, new).breaks_dependents(old, new, changed, state.ctx):
                    state.breakers.add(c.key)


def _propagate(state: _State) -> None:
    """Spread drops and recreates to children and dependents until nothing changes."""
    src, tgt = state.cs.source, state.cs.target
    dependents = tgt.dependents
    children = tgt.children()
    src_children = src.children()
    src_edges: set[tuple[str, str]] | None = None  # built on first use: most plans never ask
    owned: dict[str, list[str]] = defaultdict(list)
    for seq in tgt.of_kind("sequence"):
        if seq.owned_by:  # type: ignore[attr-defined]
            owned[seq.owned_by].append(seq.key)  # type: ignore[attr-defined]
    inherited = _inherited_columns(tgt)

    def gone(key: str) -> bool:
        return key in state.drop or key in state.implicit_drop

    def take_along(key: str, by: str) -> bool:
        """``key`` disappears when ``by`` is dropped; bring it back if the source has it."""
        if key in state.implicit_drop:
            return False
        state.drop.discard(key)
        state.alter.pop(key, None)
        state.implicit_drop[key] = by
        if src.get(key) is not None:
            state.create.add(key)
            state.reasons[key] = f"recreated: it goes with {by}"
        return True

    def drop_dependent(key: str, because: str, *, viewish_only: bool = False) -> bool:
        obj = tgt.get(key)
        if obj is None or gone(key):
            return False
        if viewish_only and obj.kind not in VIEWISH:
            return False
        nonlocal src_edges
        if key in state.alter and src.get(key) is not None:
            if src_edges is None:
                src_edges = set(src.edges())
            if (key, because) not in src_edges:
                return False  # its own alter moves it off the object that goes away
        state.alter.pop(key, None)
        state.drop.add(key)
        if src.get(key) is not None:
            state.create.add(key)
            state.reasons[key] = f"recreated because {because} changes"
        else:
            state.reasons.setdefault(key, f"dropped with {because}")
        return True

    changed = True
    while changed:
        changed = False
        for key in sorted(state.drop | set(state.implicit_drop)):
            # children go with their parent; the parent's create brings source children back
            for child in children.get(key, ()):
                if take_along(child.key, key):
                    changed = True
            for seq in owned.get(key, ()):
                s_obj = src.get(seq)
                if s_obj is not None and s_obj.owned_by != key and seq in state.alter:  # type: ignore[attr-defined]
                    continue  # re-owned by its alter before the column goes
                if take_along(seq, key):
                    changed = True
            for col in inherited.get(key, ()):
                if take_along(col, key):
                    changed = True
            for dep in sorted(dependents.get(key, ())):
                if drop_dependent(dep, key):
                    changed = True
        for key in sorted(state.breakers):
            for dep in sorted(dependents.get(key, ())):
                if drop_dependent(dep, key, viewish_only=True):
                    changed = True
    _partition_membership(state)
    # a new or recreated table brings its source columns inside CREATE TABLE
    for key in sorted(state.create):
        obj = src.get(key)
        if obj is None or obj.kind not in ("table", "foreign_table"):
            continue
        for child in src_children.get(key, ()):
            if child.kind == "column":
                state.implicit_create[child.key] = key
                state.create.discard(child.key)
            elif tgt.get(child.key) is None or gone(child.key):
                state.create.add(child.key)
                state.reasons.setdefault(child.key, f"created with {key}")
    # a column that only comes from a parent arrives with the parent's column (only
    # created columns can: looking at those, not at every column of the source)
    for key in sorted(state.create):
        col = src.get(key)
        if col is not None and col.kind == "column" and not col.is_local:  # type: ignore[attr-defined]
            parent_col = _parent_column(src, col)
            if parent_col is not None and (parent_col in state.create or parent_col in state.implicit_create):
                state.create.discard(col.key)
                state.implicit_create[col.key] = parent_col


def _inherited_columns(snap) -> dict[str, list[str]]:
    """Parent column key -> keys of child columns that exist only through it.

    Only tables that inherit have such columns: looking at their columns, not at every
    column of the snapshot (35,000 at 2,000 tables), costs next to nothing.
    """
    out: dict[str, list[str]] = defaultdict(list)
    children = snap.children()
    for kind in ("table", "foreign_table"):
        for table in snap.of_kind(kind):
            if not getattr(table, "inherits", ()):
                continue
            for col in children.get(table.key, ()):
                if col.kind == "column" and not col.is_local:
                    parent_col = _parent_column(snap, col)
                    if parent_col is not None:
                        out[parent_col].append(col.key)
    return out


def _parent_column(snap, col) -> str | None:
    table = snap.get(col.parent_key)
    if table is None:
        return None
    for parent_name in getattr(table, "inherits", ()) or ():
        candidate = f"column:{parent_name}.{quote_ident(col.name)}"
        if snap.get(candidate) is not None:
            return candidate
    return None


def _partition_membership(state: _State) -> None:
    """Columns of a table that becomes (or stops being) a partition are not listed on one side.

    They exist all along: ATTACH hides them from the listing, DETACH reveals them, so
    they need no ADD/DROP COLUMN of their own.
    """
    src, tgt = state.cs.source, state.cs.target
    for key in list(state.alter):
        old, new = tgt.get(key), src.get(key)
        if old is None or new is None or old.kind != "table":
            continue
        was, now = getattr(old, "partition_of", None), getattr(new, "partition_of", None)
        if was and not now:
            for col in state.ctx.children(key, "column", side="source"):
                if col.key in state.create:
                    state.create.discard(col.key)
                    state.implicit_create[col.key] = key
        elif now and not was:
            for col in state.ctx.children(key, "column", side="target"):
                if col.key in state.drop:
                    state.drop.discard(col.key)
                    state.implicit_drop[col.key] = key


# ---------------------------------------------------------------------------- render


def _render(state: _State) -> dict[tuple[str, str], _Action]:
    src, tgt, ctx = state.cs.source, state.cs.target, state.ctx
    actions: dict[tuple[str, str], _Action] = {}
    for key in sorted(state.drop):
        if key in state.implicit_drop:
            continue
        obj = tgt.get(key)
        assert obj is not None
        stmts = _renderer(state, obj).drop(obj, ctx)
        actions[(key, "drop")] = _Action(key, "drop", stmts, state.reasons.get(key, ""))
    for key, stmts in sorted(state.alter.items()):
        if stmts:
            actions[(key, "alter")] = _Action(key, "alter", stmts, state.reasons.get(key, ""))
    for key in sorted(state.create):
        if key in state.implicit_create:
            continue
        obj = src.get(key)
        assert obj is not None
        r = _renderer(state, obj)
        stmts = r.create(obj, ctx)
        if ctx.options.owners and obj.owner:
            stmts = stmts + r.alter_common(None, obj, {"owner"}, ctx)
        actions[(key, "create")] = _Action(key, "create", stmts, state.reasons.get(key, ""))
    for action in actions.values():
        action.statements = [
            s.model_copy(update={"reason": action.reason}) if not s.reason else s for s in action.statements
        ]
    return actions


# ---------------------------------------------------------------------------- order


def _slots(obj: DbObject) -> list[tuple[str, ...]]:
    """Names an object occupies that another object of another kind could also want."""
    out: list[tuple[str, ...]] = []
    if obj.kind in RELATION_KINDS:
        out.append(("rel", obj.schema_name or "", obj.name))
    if obj.kind in TYPE_KINDS or obj.kind in RELATION_KINDS - {"index", "sequence"}:
        out.append(("type", obj.schema_name or "", obj.name))
    if obj.kind == "constraint" and getattr(obj, "index_name", None):
        out.append(("rel", obj.schema_name or "", obj.index_name))  # type: ignore[attr-defined]
    if obj.kind == "constraint":
        out.append(("con", obj.parent_key or "", obj.name))
    return out


def _order(state: _State, actions: dict[tuple[str, str], _Action]) -> tuple[list[Statement], list[str]]:
    src, tgt = state.cs.source, state.cs.target
    nodes: list[Statement] = []
    prio: list[tuple] = []
    first: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], int] = {}
    for (key, kind), action in sorted(actions.items(), key=lambda kv: kv[0]):
        prev = None
        for i, s in enumerate(action.statements):
            idx = len(nodes)
            nodes.append(s)
            obj = (src.get(key) if kind != "drop" else tgt.get(key)) or tgt.get(key) or src.get(key)
            rank = KIND_RANK.get(obj.kind if obj else "", 99)
            phase = PHASE[kind]
            if not s.transactional:
                phase = -1 if kind != "create" else 3
            # primary keys first, foreign keys last among constraints ready together
            sub = CONSTRAINT_RANK.get(getattr(obj, "type", ""), 2) if obj is not None and obj.kind == "constraint" else 0
            if kind == "drop":
                rank, sub = -rank, -sub
            prio.append((phase, rank, sub, key, i))
            if prev is None:
                first[(key, kind)] = idx
            prev = idx
        if prev is not None:
            last[(key, kind)] = prev
    edges: dict[int, set[int]] = defaultdict(set)

    def link(a: int | None, b: int | None) -> None:
        if a is not None and b is not None and a != b:
            edges[a].add(b)

    # chain each action's statements; recreate: drop before create
    for (key, kind), action in actions.items():
        start = first.get((key, kind))
        if start is None:
            continue
        for i in range(start, last[(key, kind)]):
            link(i, i + 1)
    for key in state.create:
        link(last.get((key, "drop")), first.get((key, "create")))

    def dropped_at(key: str) -> tuple[int | None, int | None]:
        """(first, last) statement that removes ``key`` (its own drop or its parent's)."""
        k = key
        seen = 0
        while k in state.implicit_drop and seen < 10:
            k = state.implicit_drop[k]
            seen += 1
        return first.get((k, "drop")), last.get((k, "drop"))

    def created_at(key: str) -> int | None:
        k = key
        seen = 0
        while k in state.implicit_create and seen < 10:
            k = state.implicit_create[k]
            seen += 1
        c = first.get((k, "create"))
        return c if c is not None or k == key else last.get((k, "alter"))

    def ready_at(key: str) -> int | None:
        """The statement after which ``key`` exists in its new shape."""
        c = created_at(key)
        if c is not None:
            return c
        return last.get((key, "alter"))

    def start_of(key: str) -> int | None:
        k = key
        seen = 0
        while k in state.implicit_create and seen < 10:
            k = state.implicit_create[k]
            seen += 1
        c = first.get((k, "create"))
        return c if c is not None else first.get((k, "alter"))

    # Only edges that touch a planned statement can add an order; on a large schema
    # nearly all edges join two untouched objects, so test that cheaply first.
    leaving = {k for (k, kind) in first if kind == "drop"} | state.implicit_drop.keys() | state.breakers
    arriving = {k for (k, kind) in first if kind != "drop"} | state.implicit_create.keys()

    # target edges: dependents leave (or change) before what they use is dropped/altered;
    # only edges into what leaves matter, found through the target's dependents index
    dependents = tgt.dependents
    for ref in leaving:
        ref_first, _ = dropped_at(ref)
        for dep in dependents.get(ref, ()):
            dep_first, dep_last = dropped_at(dep)
            if ref_first is not None:
                link(dep_last, ref_first)
                if dep_last is None:
                    link(last.get((dep, "alter")), ref_first)
            if ref in state.breakers:
                link(dep_last, first.get((ref, "alter")))
    # owned sequences re-owned before their old column goes
    for seq in tgt.of_kind("sequence"):
        owner = seq.owned_by  # type: ignore[attr-defined]
        if owner and (seq.key, "alter") in actions:
            link(last[(seq.key, "alter")], dropped_at(owner)[0])
    # source edges: things exist before what needs them is created or altered
    for dep, ref in [edge for edge in src.edges() if edge[0] in arriving]:
        link(ready_at(ref), start_of(dep))
    # children after their parent; a table's own alters after its columns are in place
    for (key, kind), action in actions.items():
        obj = src.get(key) if kind != "drop" else tgt.get(key)
        if obj is None or obj.parent_key is None:
            continue
        if kind in ("create", "alter"):
            link(created_at(obj.parent_key), first[(key, kind)])
            if obj.kind == "column":
                old_parent, new_parent = tgt.get(obj.parent_key), src.get(obj.parent_key)
                detaching = bool(getattr(old_parent, "partition_of", None)) and not getattr(new_parent, "partition_of", None)
                change = state.cs.by_key.get(key)
                only_grants = kind == "alter" and change is not None and change.changed_fields <= {"acl", "comment"}
                if detaching or only_grants:
                    # after DETACH the columns are the table's own; a table-level REVOKE
                    # also takes back column grants, so column grants come after it
                    link(last.get((obj.parent_key, "alter")), first[(key, kind)])
                else:
                    link(last[(key, kind)], first.get((obj.parent_key, "alter")))
    # explicit requirements (e.g. OWNED BY needs the column)
    for i, s in enumerate(nodes):
        for req in s.requires:
            link(ready_at(req), i)
    # names: a new object may take the name of one being dropped
    dropped_slots: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in state.drop | set(state.implicit_drop):
        obj = tgt.get(key)
        if obj is not None:
            for slot in _slots(obj):
                dropped_slots[slot].append(key)
    for key in state.create | set(state.implicit_create):
        obj = src.get(key)
        if obj is None:
            continue
        for slot in _slots(obj):
            for old in dropped_slots.get(slot, ()):
                if old != key:
                    link(dropped_at(old)[1], created_at(key))
    return _toposort(nodes, prio, edges)


def _toposort(nodes: list[Statement], prio: list[tuple], edges: dict[int, set[int]]) -> tuple[list[Statement], list[str]]:
    indegree = [0] * len(nodes)
    for a, bs in edges.items():
        for b in bs:
            indegree[b] += 1
    heap = [(prio[i], i) for i in range(len(nodes)) if indegree[i] == 0]
    heapq.heapify(heap)
    out: list[Statement] = []
    done = [False] * len(nodes)
    notes: list[str] = []
    while len(out) < len(nodes):
        if not heap:
            # a cycle: emit the first remaining statement by priority and say so
            i = min((j for j in range(len(nodes)) if not done[j]), key=lambda j: prio[j])
            notes.append(f"dependency cycle broken at: {nodes[i].sql.splitlines()[0][:80]}")
            indegree[i] = 0
            heap.append((prio[i], i))
        _, i = heapq.heappop(heap)
        if done[i]:
            continue
        done[i] = True
        out.append(nodes[i])
        for b in sorted(edges.get(i, ())):
            indegree[b] -= 1
            if indegree[b] == 0 and not done[b]:
                heapq.heappush(heap, (prio[b], b))
    return out, notes


# ---------------------------------------------------------------------------- selection


def required_changes(cs: ChangeSet, selected: set[str]) -> set[str]:
    """The selected change keys plus every change they need (created dependencies first)."""
    by_key = cs.by_key
    src_refs: dict[str, set[str]] = defaultdict(set)
    for d, r in cs.source.edges():
        src_refs[d].add(r)
    tgt_deps: dict[str, set[str]] = defaultdict(set)
    for d, r in cs.target.edges():
        tgt_deps[r].add(d)
    out: set[str] = set()
    stack = [k for k in selected if k in by_key]
    while stack:
        key = stack.pop()
        if key in out:
            continue
        out.add(key)
        change = by_key[key]
        obj = cs.source.get(key) or cs.target.get(key)
        if obj is not None and obj.parent_key and obj.parent_key in by_key:
            parent = by_key[obj.parent_key]
            if parent.status is Status.ADDED:
                stack.append(obj.parent_key)
        if change.status is not Status.REMOVED:
            stack.extend(r for r in src_refs.get(key, ()) if r in by_key and by_key[r].status is not Status.REMOVED)
        if change.status is Status.REMOVED:
            stack.extend(d for d in tgt_deps.get(key, ()) if d in by_key)
    return out
