"""What a partition sets on its columns itself: NOT NULL and defaults.

A partition's columns are its parent's (the catalog lists them only on the top table);
PostgreSQL lets a partition differ in two things, its NOT NULL (only where the parent has
none) and its default, which ``Table.partition_columns`` records. A parent's ALTER COLUMN
SET/DROP DEFAULT, SET/DROP NOT NULL and type change go down to every partition, so a
partition's own setting is written again after its parent's column changed.

The *effective* state of a column on a table is what a row inserted into that table gets:
the table's own column for a plain or partitioned top table, the partition's own setting
or else its parent's effective one for a partition.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import HazardType, Statement
from pgsd.ddl.render.base import hazard, stmt
from pgsd.model.names import quote_ident
from pgsd.model.objects import Column, Constraint, DbObject, Table
from pgsd.model.snapshot import Snapshot

State = tuple[bool, str | None]
"""(NOT NULL, default) of a column."""

_MAX_DEPTH = 50


def _table(snap: Snapshot, qualified_name: str) -> Table | None:
    found = snap.get(f"table:{qualified_name}")
    return found if isinstance(found, Table) else None


def root_column(snap: Snapshot, table: Table, name: str) -> Column | None:
    """The top table's column ``name`` of the partition tree ``table`` is in."""
    t: Table | None = table
    for _ in range(_MAX_DEPTH):
        if t is None:
            return None
        if not t.partition_of:
            col = snap.get(f"column:{t.qualified_name}.{quote_ident(name)}")
            return col if isinstance(col, Column) else None
        t = _table(snap, t.partition_of)
    return None


def effective(snap: Snapshot, table: Table, name: str) -> State | None:
    """What column ``name`` of ``table`` is (NOT NULL, default) in ``snap``; None when unknown
    (no such column, or a generated or identity column: those are the parent's alone)."""
    t: Table | None = table
    for _ in range(_MAX_DEPTH):
        if t is None:
            return None
        if not t.partition_of:
            col = snap.get(f"column:{t.qualified_name}.{quote_ident(name)}")
            if not isinstance(col, Column) or col.generated or col.identity:
                return None
            return col.not_null, col.default
        for own in t.partition_columns:
            if own.name == name:
                return own.not_null, own.default
        t = _table(snap, t.partition_of)
    return None


def _parent_state(snap: Snapshot, table: Table, name: str) -> State | None:
    parent = _table(snap, table.partition_of) if table.partition_of else None
    return effective(snap, parent, name) if parent is not None else None


def set_statements(table: Table, name: str, have: State | None, want: State, requires: tuple[str, ...],
                   *, always: tuple[bool, bool] = (False, False)) -> list[Statement]:
    """ALTER COLUMN steps on ``table`` from ``have`` to ``want`` (both written when ``have``
    is unknown; ``always`` forces the NOT NULL / default step even when they agree)."""
    alter = f"ALTER TABLE {table.qualified_name} ALTER COLUMN {quote_ident(name)}"
    out: list[Statement] = []
    if have is None or have[1] != want[1] or always[1]:
        sql = f"{alter} SET DEFAULT {want[1]}" if want[1] is not None else f"{alter} DROP DEFAULT"
        out.append(stmt(sql, table, "alter", requires=requires))
    if have is None or have[0] != want[0] or always[0]:
        if want[0]:
            out.append(stmt(f"{alter} SET NOT NULL", table, "alter",
                            hazard(HazardType.LONG_LOCK, f"SET NOT NULL scans {table.qualified_name} for nulls"),
                            requires=requires))
        else:
            out.append(stmt(f"{alter} DROP NOT NULL", table, "alter", requires=requires))
    return out


def _requires(snap: Snapshot, table: Table, name: str) -> tuple[str, ...]:
    """After the top table's column is in its new shape (its ALTERs reach the partitions)."""
    col = root_column(snap, table, name)
    return (col.key,) if col is not None else ()


def created_partition_columns(table: Table, ctx: RenderContext) -> list[Statement]:
    """A new partition's own settings: PARTITION OF gave it its parent's."""
    out: list[Statement] = []
    for own in table.partition_columns:
        have = _parent_state(ctx.source, table, own.name)
        out.extend(set_statements(table, own.name, have, (own.not_null, own.default),
                                  _requires(ctx.source, table, own.name)))
    return out


def changed_partition_columns(old: Table, new: Table, ctx: RenderContext) -> list[Statement]:
    """A partition whose own settings changed (it stays a partition of the same parent).

    Where the parent's setting changes too, the parent's ALTER has already reached the
    partition, so the partition's is written whatever it was.
    """
    names = [c.name for c in new.partition_columns]
    names += [c.name for c in old.partition_columns if c.name not in names]
    out: list[Statement] = []
    for name in names:
        want = effective(ctx.source, new, name)
        if want is None:
            continue
        was = effective(ctx.target, old, name)
        parent_was, parent_now = _parent_state(ctx.target, old, name), _parent_state(ctx.source, new, name)
        if was is not None and parent_was is not None and parent_now is not None:
            # the parent's ALTER has reached the partition where the parent's setting changes
            have: State | None = (parent_now[0] if parent_was[0] != parent_now[0] else was[0],
                                  parent_now[1] if parent_was[1] != parent_now[1] else was[1])
        else:
            have = None
        # on PostgreSQL 18 a NOT NULL the partition set itself outlives the parent's DROP NOT NULL
        kept = parent_was is not None and parent_now is not None and parent_was[0] and not parent_now[0]
        out.extend(set_statements(new, name, have, want, _requires(ctx.source, new, name), always=(kept, False)))
    return out


def _column_names(snap: Snapshot, table: Table) -> list[str]:
    """The columns of ``table`` (of its top table, for a partition), in order."""
    t: Table | None = table
    for _ in range(_MAX_DEPTH):
        if t is None or not t.partition_of:
            break
        t = _table(snap, t.partition_of)
    if t is None:
        return []
    cols = [c for c in snap.children().get(t.key, ()) if isinstance(c, Column)]
    return [c.name for c in sorted(cols, key=lambda c: c.position)]


def attached_columns(old: Table, new: Table, ctx: RenderContext) -> tuple[list[Statement], list[Statement]]:
    """A table that becomes a partition (or moves to another parent): NOT NULL its new parent
    requires, before ATTACH (which refuses a nullable column there), and its own settings
    after it (ATTACH keeps the table's defaults and NOT NULL)."""
    before: list[Statement] = []
    after: list[Statement] = []
    for name in _column_names(ctx.target, old):
        have = effective(ctx.target, old, name)
        want = effective(ctx.source, new, name)
        if have is None or want is None:
            continue
        parent = _parent_state(ctx.source, new, name)
        requires = _requires(ctx.source, new, name)
        if parent is not None and parent[0] and not have[0]:
            before.extend(set_statements(new, name, have, (True, have[1]), requires))
            have = (True, have[1])
        after.extend(set_statements(new, name, have, want, requires))
    return before, after


def parent_checks(old: Table, new: Table, ctx: RenderContext) -> list[Statement]:
    """CHECK constraints of the new parent the table lacks: ATTACH refuses a table without
    them ("child table is missing constraint"), and merges those it has."""
    parent = _table(ctx.source, new.partition_of) if new.partition_of else None
    if parent is None:
        return []
    have = {c.name for c in ctx.children(old.key, "constraint", side="target") if isinstance(c, Constraint)}
    out: list[Statement] = []
    for con in ctx.children(parent.key, "constraint"):
        if isinstance(con, Constraint) and con.type == "c" and not con.no_inherit and con.name not in have:
            out.append(stmt(f"ALTER TABLE {new.qualified_name} ADD CONSTRAINT {quote_ident(con.name)} {con.definition}",
                            new, "alter", hazard(HazardType.LONG_LOCK, f"checks every row of {new.qualified_name}"),
                            requires=(con.key,)))
    return out


def parent_columns(new: Table, ctx: RenderContext) -> tuple[str, ...]:
    """Keys of the top table's columns of the tree ``new`` joins: ATTACH waits for their
    ALTERs (whether it needs NOT NULL first depends on them)."""
    names = _column_names(ctx.source, new)
    cols = (root_column(ctx.source, new, name) for name in names)
    return tuple(c.key for c in cols if c is not None)


def detached_columns(old: Table, new: Table, ctx: RenderContext) -> list[Statement]:
    """A partition that becomes a table of its own: DETACH leaves its columns as they were
    on the partition; they are set to the source's table's (no ``requires``: the columns
    appear with the DETACH, in the same alter)."""
    out: list[Statement] = []
    for col in ctx.children(new.key, "column"):
        if not isinstance(col, Column) or col.generated or col.identity:
            continue
        have = effective(ctx.target, old, col.name)
        if have is not None:
            out.extend(set_statements(new, col.name, have, (col.not_null, col.default), ()))
    return out


def after_parent_column(col: Column, ctx: RenderContext) -> list[Statement]:
    """After an ALTER COLUMN on a partitioned table (which reaches its partitions): the own
    settings of its existing partitions for that column, written again, parents first.

    Partitions whose own settings change say so themselves (``changed_partition_columns``);
    new ones get theirs when created.
    """
    table = ctx.in_source(col.parent_key)
    if not isinstance(table, Table) or not table.is_partitioned:
        return []
    out: list[Statement] = []
    todo = [table.qualified_name]
    seen: set[str] = set()
    while todo:
        parent = todo.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        for part in _partitions(ctx, parent):
            todo.append(part.qualified_name)
            old = ctx.in_target(part.key)
            if not isinstance(old, Table) or old.partition_of != part.partition_of:
                continue
            if old.partition_columns != part.partition_columns:
                continue
            for own in part.partition_columns:
                if own.name == col.name:
                    out.extend(set_statements(part, own.name, None, (own.not_null, own.default), ()))
    return out


def _partitions(ctx: RenderContext, parent: str) -> list[Table]:
    return sorted((t for t in _source_partitions(ctx).get(parent, ())), key=lambda t: t.qualified_name)


def _source_partitions(ctx: RenderContext) -> dict[str, list[Table]]:
    """Parent qualified name -> its partitions in the source (computed once per context)."""
    cached: dict[str, list[Table]] | None = getattr(ctx, "_partitions_by_parent", None)
    if cached is None:
        cached = {}
        for t in ctx.source.of_kind("table"):
            if isinstance(t, Table) and t.partition_of:
                cached.setdefault(t.partition_of, []).append(t)
        setattr(ctx, "_partitions_by_parent", cached)  # noqa: B010 - a cache beside the context's own
    return cached


def is_partition_table(obj: DbObject) -> bool:
    return isinstance(obj, Table) and bool(obj.partition_of)
