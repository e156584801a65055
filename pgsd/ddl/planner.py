"""build_plan: a change set -> the ordered, hazard-annotated statements that apply it.

The planner is four steps, each in its own module:

1. actions.py, ``classify``: each change becomes an action on its key (create, drop,
   alter, or recreate = drop + create).
2. actions.py, ``propagate``: drops and recreates spread to children and dependents.
3. here, ``_render``: every action renders to statements through its kind's renderer
   (ddl/render), with the ordering facts only that kind knows (``Renderer.ordering``).
4. graph.py, ``order``: statements are ordered from the dependency edges and those
   facts, by a deterministic topological sort.

selection.py's ``required_changes`` (what a selection of changes needs) is the part the
app calls as the user picks changes; it is importable from here too. incremental.py's
``PlanCache`` keeps what no selection changes, for planning one change set again and again.
"""

from __future__ import annotations

from pgsd.ddl.actions import Actions, classify, propagate
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.graph import Action, enum_additions_inside, order, order_withholding
from pgsd.ddl.incremental import PlanCache
from pgsd.ddl.plan import HazardType, Plan, Statement
from pgsd.ddl.render.columns import server_version
from pgsd.ddl.render.renames import rename_statements
from pgsd.ddl.selection import required_changes
from pgsd.ddl.steps import Edge
from pgsd.diff.changes import ChangeSet

__all__ = ["PlanCache", "build_plan", "required_changes"]


def build_plan(cs: ChangeSet, options: PlanOptions | None = None, *, selected: set[str] | None = None,
               cache: PlanCache | None = None) -> Plan:
    """Plan the statements that make the target of ``cs`` match its source.

    ``selected`` restricts the plan to those change keys (plus what they need). ``cache``
    (made for ``cs`` and these options; another is ignored) keeps what no selection
    changes for the next plan of ``cs``: the plan is the same with or without it.
    """
    opts = options or PlanOptions()
    if cache is None or not cache.fits(cs, opts):
        cache = PlanCache(cs, opts, one_plan=True)
    state = Actions(cs=cs, ctx=cache.ctx, rend=cache.rend, cache=cache)
    changes = [c for c in cs.changes if not c.same_meaning and not c.is_rename_only]
    left_out: tuple[str, ...] = ()
    if selected is not None:
        wanted = cache.required(selected)
        left_out = tuple(c.key for c in changes if c.key not in wanted)
        changes = [c for c in changes if c.key in wanted]
    classify(state, changes)
    propagate(state)
    made_anyway = _made_all_the_same(state, left_out)
    if made_anyway:
        left_out = tuple(k for k in left_out if k not in made_anyway)
    kept: list[Statement]
    withheld: list[Statement] = []
    if opts.safe:
        # closed under dependencies: what needs a withheld statement to have run is withheld too
        kept, withheld, notes = order_withholding(state, _render(state),
                                                  lambda s: HazardType.DATA_LOSS in s.hazard_types())
    else:
        kept, notes = order(state, _render(state))
    kept = enum_additions_inside(kept, state, server_version(state.ctx))
    if cs.rename_steps:  # decided renames run first: everything above reads the target as they leave it
        kept = rename_statements(cs.rename_steps, state.ctx, state.rend) + kept
    if made_anyway:
        listed = ", ".join(made_anyway[:5]) + (f" and {len(made_anyway) - 5} more" if len(made_anyway) > 5 else "")
        notes.append(f"{len(made_anyway)} change(s) not selected are made all the same: the plan drops and "
                     f"recreates their objects around the selected ones, as the source has them ({listed})")
    if withheld:
        needing = sum(1 for s in withheld if s.reason.startswith("needs the withheld"))
        notes.append(f"safe mode withheld {len(withheld)} statement(s): {len(withheld) - needing} would lose data"
                     + (f", {needing} need one of those to have run" if needing else ""))
    return Plan(
        statements=tuple(kept),
        withheld=tuple(withheld),
        left_out=left_out,
        transaction=opts.transaction,
        commit_data_loss_early=opts.commit_data_loss_early,
        lock_timeout=opts.lock_timeout,
        notes=tuple(notes),
    )


def _made_all_the_same(state: Actions, left_out: tuple[str, ...]) -> list[str]:
    """The left-out changes the plan makes anyway: an object dropped around a selected change
    (a view over a column whose type changes) is recreated as the source has it, and one the
    source lacks is not recreated. Such a change is in the plan, not left out of it."""
    source = state.cs.source
    return [key for key in left_out
            if key in state.create or (state.gone(key) and source.get(key) is None)]


def _render(state: Actions) -> dict[tuple[str, str], Action]:
    """Every explicit action's statements (implicit ones have none), with its renderer's ordering facts."""
    actions: dict[tuple[str, str], Action] = {}
    for key in sorted(state.drop):
        if key not in state.implicit_drop:
            actions[(key, "drop")] = _action(state, key, "drop")
    for key, stmts in sorted(state.alter.items()):
        if stmts:
            actions[(key, "alter")] = _action(state, key, "alter")
    for key in sorted(state.create):
        if key not in state.implicit_create:
            actions[(key, "create")] = _action(state, key, "create")
    return actions


def _action(state: Actions, key: str, kind: str) -> Action:
    """One action: its statements (each with the action's reason unless it has its own) and ordering facts.

    Both are pure functions of the key, the kind of action and its reason (an alter's
    statements are its classification's), so the cache keeps them.
    """
    reason = state.reasons.get(key, "")
    cache = state.cache
    statements, edges = cache.memo(("render", key, kind), lambda: _statements(state, key, kind))
    reasoned = cache.memo(("reasoned", key, kind, reason), lambda: tuple(
        s.with_reason(reason) if not s.reason else s for s in statements))
    return Action(key, kind, list(reasoned), reason, list(edges))


def _statements(state: Actions, key: str, kind: str) -> tuple[tuple[Statement, ...], tuple[Edge, ...]]:
    src, tgt, ctx = state.cs.source, state.cs.target, state.ctx
    if kind == "drop":
        obj = tgt.get(key)
        assert obj is not None
        r = state.renderer(obj)
        return tuple(r.drop(obj, ctx)), tuple(r.ordering("drop", obj, src.get(key), set(), ctx))
    if kind == "alter":
        new = src.get(key)
        assert new is not None
        change = state.cs.by_key.get(key)
        changed = change.changed_fields if change is not None else set()
        edges = state.renderer(new).ordering("alter", tgt.get(key), new, changed, ctx)
        return tuple(state.alter[key]), tuple(edges)
    obj = src.get(key)
    assert obj is not None
    r = state.renderer(obj)
    stmts = r.create(obj, ctx)
    if ctx.options.owners and obj.owner:
        stmts = stmts + r.alter_common(None, obj, {"owner"}, ctx)
    return tuple(stmts), tuple(r.ordering("create", tgt.get(key), obj, set(), ctx))
