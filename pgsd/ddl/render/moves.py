"""Rows that move: a table made anew, partitions that change bounds.

A table PostgreSQL cannot change in place (plain to partitioned and back, another
partition key, a typed table's type) is made anew. Its rows go with it: before the old
table is dropped they are copied into a holding table beside it (``t__pgsd_rows``); once the
new table and its partitions exist they are inserted back (through the new table, so a
partitioned one routes each row to its partition) and the holding table is dropped.

Partitions whose bounds change (a range moved, a hash modulus changed) are detached, their
rows held the same way and the partitions emptied, then attached with their new bounds
and the rows inserted through the parent: a row lands where the new bounds put it,
whichever partition held it before. One partition of the parent (the first by name) does
this for all of them, since every detach must come before any attach.

Rows moved between partitions are deleted, truncated and inserted as any rows are: the
triggers of the tables they leave and land in fire for them (an audit trigger records a
delete and an insert). Those statements carry the ``fires-triggers`` hazard naming the
triggers. A table made anew gets its triggers only after its rows are back
(``after_rows_restored``), so nothing fires there.

Both refuse up front, with the table named, where PostgreSQL would stop the script half-way:
a partition that another table's foreign key references cannot be detached while it has rows
referenced, so such a bound change is not planned.
"""

from __future__ import annotations

import re

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import hazard, stmt
from pgsd.ddl.render.columns import kept_sequences
from pgsd.ddl.steps import Edge, Step, must_run
from pgsd.errors import PlanError
from pgsd.model.names import qualified, quote_ident, quote_literal
from pgsd.model.objects import Column, Constraint, DbObject, Table, Trigger
from pgsd.model.snapshot import Snapshot

HOLD_SUFFIX = "__pgsd_rows"


def hold_name(table: Table) -> str:
    """The holding table's qualified name: ``t__pgsd_rows``, short enough that PostgreSQL's
    63-byte truncation cannot make it another name."""
    short = table.name.encode()[: 63 - len(HOLD_SUFFIX)].decode(errors="ignore")
    return qualified(table.schema_name, short + HOLD_SUFFIX)


def moves_rows(old: DbObject | None, new: DbObject | None, ctx: RenderContext) -> bool:
    """Whether recreating ``old`` (the target's) as ``new`` (the source's) carries its rows.

    Only a table that is no partition in the target: its drop is always its own statement
    (a partition may go with its parent's DROP TABLE, whose held rows include its own).
    A partitioned table without partitions in the source can hold no rows: it is made anew
    empty, the drop carrying the data-loss hazard.
    """
    if not isinstance(old, Table) or not isinstance(new, Table) or old.partition_of:
        return False
    return not new.is_partitioned or bool(tree(ctx.source, new))


_TRIGGER_EVENTS = re.compile(r"(?:BEFORE|AFTER|INSTEAD OF)\s(.*?)\sON\s", re.DOTALL)
TRIGGERS_NAMED = 5
"""Triggers a fires-triggers hazard names; the rest are counted."""


def _fires(trigger: Trigger, event: str, *, row_only: bool) -> bool:
    """Whether ``trigger`` (enabled for ordinary sessions) fires on ``event`` (INSERT, DELETE, TRUNCATE)."""
    if trigger.enabled not in ("O", "A") or trigger.is_constraint:
        return False
    named = f"TRIGGER {quote_ident(trigger.name)} "
    at = trigger.definition.find(named)
    rest = trigger.definition[at + len(named):] if at >= 0 else ""
    events = _TRIGGER_EVENTS.match(rest)
    if events is None or not re.search(rf"\b{event}\b", events.group(1)):
        return False
    return not row_only or " FOR EACH ROW " in rest


def _triggers_fired(ctx: RenderContext, named: Table, event: str, *, routed: list[Table] | None = None) -> list[Hazard]:
    """The fires-triggers hazard of a statement that moves rows by ``event`` in the table it
    names; none when nothing fires.

    The named table's triggers fire; of its ancestors and of the partitions its rows are
    routed to (``routed``), only row triggers do (an ancestor's are cloned onto each
    partition; statement triggers fire for the named table alone). A table's triggers are
    the target's when it has the table (they exist when the rows move), else the source's
    (a new partition gets them as it is created)."""
    fired: dict[str, str] = {}
    seen: set[str] = set()
    for start in (named, *(routed or ())):
        current: Table | None = start
        while current is not None and current.key not in seen:
            seen.add(current.key)
            snap = ctx.target if ctx.in_target(current.key) is not None else ctx.source
            for trg in snap.children().get(current.key, ()):
                if isinstance(trg, Trigger) and _fires(trg, event, row_only=current is not named):
                    fired[trg.key] = trg.display_name
            parent = snap.get(f"table:{current.partition_of}") if current.partition_of else None
            current = parent if isinstance(parent, Table) else None
    if not fired:
        return []
    names = sorted(fired.values())
    shown = ", ".join(names[:TRIGGERS_NAMED]) + (f" and {len(names) - TRIGGERS_NAMED} more"
                                                  if len(names) > TRIGGERS_NAMED else "")
    return [hazard(HazardType.FIRES_TRIGGERS, f"the rows it moves fire {event} triggers: {shown}")]


def _columns(snap: Snapshot, table: Table) -> list[Column]:
    cols = [c for c in snap.children().get(table.key, ()) if isinstance(c, Column)]
    return sorted(cols, key=lambda c: c.position)


def _copied(old: Table, new: Table, ctx: RenderContext) -> tuple[list[Column], list[Column], list[str]]:
    """(the target's columns copied, the source's columns they go to, names not kept)."""
    new_cols = {c.name: c for c in _columns(ctx.source, new) if not c.generated}
    src: list[Column] = []
    dst: list[Column] = []
    lost: list[str] = []
    for c in _columns(ctx.target, old):
        if c.generated:
            continue
        if c.name in new_cols:
            src.append(c)
            dst.append(new_cols[c.name])
        else:
            lost.append(c.name)
    return src, dst, lost


def hold_rows(old: Table, ctx: RenderContext) -> list[Statement]:
    """Before the old table is dropped: its rows into the holding table."""
    new = ctx.in_source(old.key)
    assert isinstance(new, Table)
    src, _dst, lost = _copied(old, new, ctx)
    names = ", ".join(quote_ident(c.name) for c in src) or "NULL AS pgsd_none"
    only = "" if old.is_partitioned else "ONLY "
    hazards = [hazard(HazardType.TABLE_REWRITE, f"copies the rows of {old.qualified_name} aside to make it anew")]
    if lost:
        hazards.append(hazard(HazardType.DATA_LOSS, f"the new {old.qualified_name} has no column "
                              + ", ".join(quote_ident(n) for n in lost) + ": their values are dropped"))
    return [stmt(f"CREATE TABLE {hold_name(old)} AS SELECT {names} FROM {only}{old.qualified_name}", old, "drop",
                 *hazards)]


def tree(snap: Snapshot, table: Table) -> list[Table]:
    """Every partition below ``table`` in ``snap``, parents before their partitions."""
    by_parent: dict[str, list[Table]] = {}
    for t in snap.of_kind("table"):
        if isinstance(t, Table) and t.partition_of:
            by_parent.setdefault(t.partition_of, []).append(t)
    out: list[Table] = []
    todo = [table.qualified_name]
    while todo:
        parent = todo.pop(0)
        for t in sorted(by_parent.get(parent, ()), key=lambda t: t.qualified_name):
            if t.key not in {o.key for o in out}:
                out.append(t)
                todo.append(t.qualified_name)
    return out


def _insert(into: Table, src: list[Column], dst: list[Column], hold: str, requires: tuple[str, ...],
            *hazards) -> Statement:  # noqa: ANN002
    targets = ", ".join(quote_ident(c.name) for c in dst)
    values = ", ".join(
        quote_ident(s.name) if s.type == d.type else f"CAST({quote_ident(s.name)} AS {d.type})"
        for s, d in zip(src, dst, strict=True)
    )
    overriding = " OVERRIDING SYSTEM VALUE" if any(d.identity == "a" for d in dst) else ""
    return stmt(f"INSERT INTO {into.qualified_name} ({targets}){overriding} SELECT {values} FROM {hold}", into, "alter",
                *hazards, requires=requires)


_NEXTVAL = re.compile(r"nextval\(('(?:[^']|'')+')::regclass\)\Z")


def _sequences_catch_up(table: Table, dst: list[Column], kept: set[str]) -> list[Statement]:
    """Identity and serial columns' sequences, made anew, continue after the rows brought back
    (a serial's named by its default; setval of an empty table's max is skipped). A serial
    whose sequence the table kept (``kept``: its columns, see kept_sequences) keeps its value."""
    out = []
    for d in dst:
        if d.key in kept:
            continue
        serial = _NEXTVAL.match(d.default or "") if not d.identity else None
        if d.identity:
            seq = f"pg_get_serial_sequence({quote_literal(table.qualified_name)}, {quote_literal(quote_ident(d.name))})"
        elif serial is not None:
            seq = serial.group(1)
        else:
            continue
        column = quote_ident(d.name)
        out.append(stmt(f"SELECT setval({seq}, max({column})) FROM {table.qualified_name} HAVING max({column}) IS NOT NULL",
                        table, "alter", requires=(d.key,)))
    return out


def restore_rows(new: Table, ctx: RenderContext) -> list[Statement]:
    """After the new table (and its partitions) exist: the held rows back, the holding table gone."""
    old = ctx.in_target(new.key)
    assert isinstance(old, Table)
    src, dst, _lost = _copied(old, new, ctx)
    hold = hold_name(old)
    parts = tree(ctx.source, new)
    out: list[Statement] = []
    if dst:
        hazards = []
        if new.is_partitioned:
            hazards.append(hazard(HazardType.FAILS_IF_ROWS,
                                  f"a row of {old.qualified_name} that none of the new partitions takes stops the plan"))
        out.append(_insert(new, src, dst, hold, tuple(p.key for p in parts), *hazards))
        out.extend(_sequences_catch_up(new, dst, {column for _, column in kept_sequences(new.key, ctx)}))
    out.append(stmt(f"DROP TABLE {hold}", new, "alter"))
    return out


def after_rows_restored(new: Table, ctx: RenderContext) -> list[Edge]:
    """What must wait for the rows to be back: foreign keys that reference the table (they
    check every row) and triggers of the table and its partitions (they would fire)."""
    edges: list[Edge] = []
    names = {new.qualified_name} | {p.qualified_name for p in tree(ctx.source, new)}
    keys = {f"table:{n}" for n in names}
    for con in ctx.source.of_kind("constraint"):
        if isinstance(con, Constraint) and con.type == "f" and con.references in names:
            edges.append(must_run(Step(con.key, "create_starts")).after(Step(new.key, "create_ends")))
    for trg in ctx.source.of_kind("trigger"):
        if isinstance(trg, Trigger) and trg.parent_key in keys:
            edges.append(must_run(Step(trg.key, "create_starts")).after(Step(new.key, "create_ends")))
    return edges


# --------------------------------------------------------------------------- bounds


def _siblings_moving(ctx: RenderContext, parent: str) -> list[tuple[Table, Table]]:
    """(target, source) of the partitions of ``parent`` that stay its partitions with another bound.

    None when the parent itself is made anew (another key): its partitions go with it.
    """
    if _siblings_moving_blocked(ctx, parent):
        return []
    out = []
    for t in ctx.target.of_kind("table"):
        if not isinstance(t, Table) or t.partition_of != parent:
            continue
        s = ctx.in_source(t.key)
        if isinstance(s, Table) and s.partition_of == parent and s.partition_bound != t.partition_bound \
                and s.is_partitioned == t.is_partitioned and s.partition_key == t.partition_key:
            out.append((t, s))
    return sorted(out, key=lambda pair: pair[0].qualified_name)


def _leaving(ctx: RenderContext, parent: str) -> list[Table]:
    """Partitions of ``parent`` the source does not have: when their siblings move, their rows
    move with them (to whichever partition the new bounds give them) before they are dropped."""
    return sorted((t for t in ctx.target.of_kind("table")
                   if isinstance(t, Table) and t.partition_of == parent and ctx.in_source(t.key) is None),
                  key=lambda t: t.qualified_name)


def _default(ctx: RenderContext, parent: str) -> Table | None:
    """The parent's DEFAULT partition, kept as such by the source. It holds the rows no other
    partition takes: those a new or moved bound takes must leave it first (else ATTACH or
    PARTITION OF refuses: "updated partition constraint for default partition ... would be
    violated"), and come back through the parent."""
    for t in ctx.target.of_kind("table"):
        if isinstance(t, Table) and t.partition_of == parent and t.partition_bound == "DEFAULT":
            s = ctx.in_source(t.key)
            if isinstance(s, Table) and s.partition_of == parent and s.partition_bound == "DEFAULT" \
                    and s.is_partitioned == t.is_partitioned:
                return t
    return None


def _held(ctx: RenderContext, parent: str) -> list[Table]:
    """Every partition of ``parent`` whose rows move: those changing bounds, those the source
    drops, and the default partition; or, when no bound changes but partitions are added,
    the default partition alone."""
    moving = [t for t, _s in _siblings_moving(ctx, parent)]
    default = _default(ctx, parent)
    if moving:
        held = moving + _leaving(ctx, parent)
        return [*held, default] if default is not None and default.key not in {t.key for t in held} else held
    after = ctx.in_source(f"table:{parent}")
    if default is not None and isinstance(after, Table) and _last_new_direct(ctx, after) is not None \
            and ctx.in_target(after.key) is not None and not _siblings_moving_blocked(ctx, parent):
        return [default]
    return []


def _siblings_moving_blocked(ctx: RenderContext, parent: str) -> bool:
    """The parent is made anew (another key): its partitions go with it, nothing moves."""
    before, after = ctx.in_target(f"table:{parent}"), ctx.in_source(f"table:{parent}")
    return not isinstance(before, Table) or not isinstance(after, Table) or before.partition_key != after.partition_key \
        or before.is_partitioned != after.is_partitioned


def rows_moved_before_drop(old: Table, ctx: RenderContext) -> str | None:
    """For a partition the source drops: the key of the partition that moves its rows first
    (the leader of its siblings whose bounds change), or None when none does."""
    if not old.partition_of or ctx.in_source(old.key) is not None:
        return None
    moving = _siblings_moving(ctx, old.partition_of)
    return moving[0][0].key if moving else None


def rows_to_default(old: Table, ctx: RenderContext) -> list[Statement]:
    """A partition the source drops, beside a default partition the source keeps (and no bound
    moving): its rows are taken out, the partition dropped, and the rows put back through the
    parent, which routes them to the default (or another partition that takes them). Empty
    when that does not apply (the drop then loses the rows, and says so)."""
    parent = ctx.in_source(f"table:{old.partition_of}") if old.partition_of else None
    if not isinstance(parent, Table) or ctx.in_source(old.key) is not None or old.partition_bound == "DEFAULT" \
            or _siblings_moving(ctx, parent.qualified_name) or _siblings_moving_blocked(ctx, parent.qualified_name) \
            or _default(ctx, parent.qualified_name) is None:
        return []
    cols = _held_columns(ctx, parent)
    if not cols:
        return []
    names = ", ".join(quote_ident(c.name) for c in cols)
    hold = hold_name(old)
    return [
        stmt(f"CREATE TABLE {hold} AS WITH moved AS (DELETE FROM {old.qualified_name} RETURNING {names})"
             f" SELECT {names} FROM moved", old, "drop",
             hazard(HazardType.TABLE_REWRITE, f"moves the rows of {old.qualified_name} aside: the parent's default"
                                              " partition takes them"),
             *_triggers_fired(ctx, old, "DELETE")),
        stmt(f"DROP TABLE {old.qualified_name}", old, "drop"),
        _insert(parent, cols, cols, hold, (), hazard(HazardType.FAILS_IF_ROWS, f"a row of {old.qualified_name}"
                                                     f" that no partition of {parent.qualified_name} takes stops the plan"),
                *_triggers_fired(ctx, parent, "INSERT", routed=tree(ctx.source, parent))),
        stmt(f"DROP TABLE {hold}", old, "drop"),
    ]


def rebound_leader(old: Table, ctx: RenderContext) -> bool:
    """Whether ``old`` is the partition (first by name) that moves its parent's rows."""
    moving = _siblings_moving(ctx, old.partition_of or "")
    return bool(moving) and moving[0][0].key == old.key


def is_rebound(old: Table, new: Table) -> bool:
    """A partition that stays its parent's, with another bound (the rows move)."""
    return bool(old.partition_of) and old.partition_of == new.partition_of and old.partition_bound != new.partition_bound


def _refuse_referenced(parent: str, moving: list[tuple[Table, Table]], ctx: RenderContext) -> None:
    names = {parent} | {t.qualified_name for t, _ in moving}
    refs = sorted(c.display_name for c in ctx.target.of_kind("constraint")
                  if isinstance(c, Constraint) and c.type == "f" and c.references in names)
    if refs:
        raise PlanError(f"cannot plan the new bounds of the partitions of {parent}: their rows move through"
                        f" DETACH PARTITION, which foreign keys referencing them refuse ({', '.join(refs[:3])});"
                        " drop those foreign keys first")


def _new_partitions(ctx: RenderContext, parent: Table) -> list[Table]:
    """Partitions of ``parent`` (at any depth) the plan creates."""
    return [p for p in tree(ctx.source, parent) if ctx.in_target(p.key) is None]


def _last_new_direct(ctx: RenderContext, parent: Table) -> Table | None:
    direct = [p for p in _new_partitions(ctx, parent) if p.partition_of == parent.qualified_name]
    return direct[-1] if direct else None


def _held_columns(ctx: RenderContext, parent: Table) -> list[Column]:
    root = _root(ctx.source, parent)
    return [c for c in _columns(ctx.source, root) if not c.generated] if root is not None else []


def rebound_statements(old: Table, ctx: RenderContext) -> list[Statement]:
    """The leader's statements for every partition of its parent whose bound changes: all
    detached, their rows held and the partitions emptied, all attached with their new bounds;
    then the rows back through the parent, unless the plan creates partitions of the parent
    (the last of those brings them back, once they all exist: see ``rebound_inserts``)."""
    parent_name = old.partition_of or ""
    parent = ctx.in_source(f"table:{parent_name}")
    if not isinstance(parent, Table):
        return []
    moving = _siblings_moving(ctx, parent_name)
    _refuse_referenced(parent_name, moving, ctx)
    held = _held(ctx, parent_name)
    default = _default(ctx, parent_name)
    moved = {t.key for t, _s in moving}
    cols = _held_columns(ctx, parent)
    names = ", ".join(quote_ident(c.name) for c in cols) or "NULL AS pgsd_none"
    out: list[Statement] = []
    for t in held:
        if default is None or t.key != default.key or t.key in moved:
            out.append(stmt(f"ALTER TABLE {parent_name} DETACH PARTITION {t.qualified_name}", t, "alter",
                            hazard(HazardType.ACCESS_EXCLUSIVE_LOCK,
                                   f"DETACH PARTITION locks {parent_name} and {t.qualified_name}")))
    for t in held:
        out.append(stmt(f"CREATE TABLE {hold_name(t)} AS SELECT {names} FROM {t.qualified_name}", t, "alter",
                        hazard(HazardType.TABLE_REWRITE, f"copies the rows of {t.qualified_name} aside: they move to the"
                                                         " partitions the new bounds give them")))
        out.append(stmt(f"TRUNCATE {t.qualified_name}", t, "alter", *_triggers_fired(ctx, t, "TRUNCATE")))
    for t, s in moving:
        out.append(stmt(f"ALTER TABLE {parent_name} ATTACH PARTITION {t.qualified_name} {s.partition_bound or 'DEFAULT'}",
                        t, "alter", requires=(f"table:{parent_name}",)))
    if _last_new_direct(ctx, parent) is None:
        out.extend(_inserts(ctx, parent, held, cols, ()))
    return out


def _inserts(ctx: RenderContext, parent: Table, held: list[Table], cols: list[Column],
             requires: tuple[str, ...]) -> list[Statement]:
    out: list[Statement] = []
    fired = _triggers_fired(ctx, parent, "INSERT", routed=tree(ctx.source, parent))
    for t in held:
        if cols:
            out.append(_insert(parent, cols, cols, hold_name(t), requires,
                               hazard(HazardType.FAILS_IF_ROWS, f"a row of {t.qualified_name} that no partition of"
                                                                f" {parent.qualified_name} takes stops the plan"),
                               *fired))
        out.append(stmt(f"DROP TABLE {hold_name(t)}", t, "alter"))
    return out


def rebound_inserts(new: Table, ctx: RenderContext) -> list[Statement]:
    """For a new partition: when it is the last new one of a parent whose rows move (see
    ``_held``), the held rows go back through the parent after it (and the others) exist."""
    parent = ctx.in_source(f"table:{new.partition_of}") if new.partition_of else None
    last = _last_new_direct(ctx, parent) if isinstance(parent, Table) else None
    if not isinstance(parent, Table) or last is None or last.key != new.key:
        return []
    held = _held(ctx, parent.qualified_name)
    if not held:
        return []
    others = tuple(p.key for p in _new_partitions(ctx, parent) if p.key != new.key)
    return _inserts(ctx, parent, held, _held_columns(ctx, parent), others)


def _first_new_direct(ctx: RenderContext, parent: Table) -> Table | None:
    direct = [p for p in _new_partitions(ctx, parent) if p.partition_of == parent.qualified_name]
    return direct[0] if direct else None


def default_rows_aside(new: Table, ctx: RenderContext) -> list[Statement]:
    """Before the first new partition of a parent whose bounds do not move otherwise: the
    default partition's rows taken out into a holding table, in one statement (the other new
    partitions wait for it: ``new_partition_edges``); the last new one brings them back."""
    parent = ctx.in_source(f"table:{new.partition_of}") if new.partition_of else None
    if not isinstance(parent, Table) or _siblings_moving(ctx, parent.qualified_name):
        return []
    first = _first_new_direct(ctx, parent)
    held = _held(ctx, parent.qualified_name)
    if first is None or first.key != new.key or not held:
        return []
    default = held[0]
    cols = ", ".join(quote_ident(c.name) for c in _held_columns(ctx, parent)) or "NULL AS pgsd_none"
    return [stmt(f"CREATE TABLE {hold_name(default)} AS WITH moved AS (DELETE FROM {default.qualified_name}"
                 f" RETURNING {cols}) SELECT {cols} FROM moved", default, "alter",
                 hazard(HazardType.TABLE_REWRITE, f"moves the rows of the default partition {default.qualified_name}"
                                                  " aside: the new partitions may take some of them"),
                 *_triggers_fired(ctx, default, "DELETE"))]


def new_partition_edges(new: Table, ctx: RenderContext) -> list[Edge]:
    """A new partition of a parent whose partitions change bounds is created once they have
    let go of their old bounds and taken the new ones (the leader's alter); one of a parent
    whose default partition is emptied, after the first new one (which empties it)."""
    if not new.partition_of:
        return []
    moving = _siblings_moving(ctx, new.partition_of)
    if moving:
        return [must_run(Step(new.key, "create_starts")).after(Step(moving[0][0].key, "alter_ends"))]
    parent = ctx.in_source(f"table:{new.partition_of}")
    first = _first_new_direct(ctx, parent) if isinstance(parent, Table) else None
    if first is not None and first.key != new.key and _held(ctx, new.partition_of):
        return [must_run(Step(new.key, "create_starts")).after(Step(first.key, "create_starts"))]
    return []


def _root(snap: Snapshot, table: Table | None) -> Table | None:
    t = table
    for _ in range(50):
        if t is None or not t.partition_of:
            return t
        found = snap.get(f"table:{t.partition_of}")
        t = found if isinstance(found, Table) else None
    return None
