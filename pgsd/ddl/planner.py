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
app calls as the user picks changes; it is importable from here too.
"""

from __future__ import annotations

from pgsd.ddl.actions import Actions, classify, propagate
from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.graph import Action, enum_additions_inside, order, order_withholding
from pgsd.ddl.plan import HazardType, Plan, Statement
from pgsd.ddl.render import renderers
from pgsd.ddl.render.columns import server_version
from pgsd.ddl.render.renames import rename_statements
from pgsd.ddl.selection import required_changes
from pgsd.diff.changes import ChangeSet

__all__ = ["build_plan", "required_changes"]


def build_plan(cs: ChangeSet, options: PlanOptions | None = None, *, selected: set[str] | None = None) -> Plan:
    """Plan the statements that make the target of ``cs`` match its source.

    ``selected`` restricts the plan to those change keys (plus what they need).
    """
    opts = options or PlanOptions()
    ctx = RenderContext(source=cs.source, target=cs.target, options=opts)
    state = Actions(cs=cs, ctx=ctx, rend=renderers())
    changes = [c for c in cs.changes if not c.same_meaning and not c.is_rename_only]
    left_out: tuple[str, ...] = ()
    if selected is not None:
        wanted = required_changes(cs, selected)
        left_out = tuple(c.key for c in changes if c.key not in wanted)
        changes = [c for c in changes if c.key in wanted]
    classify(state, changes)
    propagate(state)
    kept: list[Statement]
    withheld: list[Statement] = []
    if opts.safe:
        # closed under dependencies: what needs a withheld statement to have run is withheld too
        kept, withheld, notes = order_withholding(state, _render(state),
                                                  lambda s: HazardType.DATA_LOSS in s.hazard_types())
    else:
        kept, notes = order(state, _render(state))
    kept = enum_additions_inside(kept, state, server_version(ctx))
    if cs.rename_steps:  # decided renames run first: everything above reads the target as they leave it
        kept = rename_statements(cs.rename_steps, ctx, state.rend) + kept
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


def _render(state: Actions) -> dict[tuple[str, str], Action]:
    """Every explicit action's statements (implicit ones have none), with its renderer's ordering facts."""
    src, tgt, ctx = state.cs.source, state.cs.target, state.ctx
    actions: dict[tuple[str, str], Action] = {}
    for key in sorted(state.drop):
        if key in state.implicit_drop:
            continue
        obj = tgt.get(key)
        assert obj is not None
        r = state.renderer(obj)
        actions[(key, "drop")] = Action(key, "drop", r.drop(obj, ctx), state.reasons.get(key, ""),
                                        r.ordering("drop", obj, src.get(key), set(), ctx))
    for key, stmts in sorted(state.alter.items()):
        if stmts:
            new = src.get(key)
            assert new is not None
            change = state.cs.by_key.get(key)
            changed = change.changed_fields if change is not None else set()
            edges = state.renderer(new).ordering("alter", tgt.get(key), new, changed, ctx)
            actions[(key, "alter")] = Action(key, "alter", stmts, state.reasons.get(key, ""), edges)
    for key in sorted(state.create):
        if key in state.implicit_create:
            continue
        obj = src.get(key)
        assert obj is not None
        r = state.renderer(obj)
        stmts = r.create(obj, ctx)
        if ctx.options.owners and obj.owner:
            stmts = stmts + r.alter_common(None, obj, {"owner"}, ctx)
        actions[(key, "create")] = Action(key, "create", stmts, state.reasons.get(key, ""),
                                          r.ordering("create", tgt.get(key), obj, set(), ctx))
    for action in actions.values():
        action.statements = [
            s.model_copy(update={"reason": action.reason}) if not s.reason else s for s in action.statements
        ]
    return actions
