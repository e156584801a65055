"""Sequences, tables, foreign tables, constraints and indexes.

A new table's columns are rendered inside its CREATE TABLE (columns.py builds each
clause); its constraints, indexes, triggers... are separate objects the planner creates
afterwards with their own renderers. Table-level settings that CREATE TABLE cannot
express (row level security, replica identity, clustering) follow as ALTER TABLE.
"""

from __future__ import annotations

import re

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, stmt
from pgsd.ddl.render.columns import (
    COLUMNS,
    away_name,
    bounds_catch_up,
    column_definition,
    column_followups,
    column_grants_after_table_revoke,
    column_ref,
    kept_sequences,
    server_version,
)
from pgsd.ddl.render.moves import (
    after_rows_restored,
    default_rows_aside,
    hold_rows,
    is_rebound,
    moves_rows,
    new_partition_edges,
    rebound_inserts,
    rebound_leader,
    rebound_statements,
    restore_rows,
    rows_moved_before_drop,
    rows_to_default,
)
from pgsd.ddl.render.moves import tree as partition_tree
from pgsd.ddl.render.partitions import (
    attached_columns,
    changed_partition_columns,
    created_partition_columns,
    detached_columns,
    parent_checks,
    parent_columns,
)
from pgsd.ddl.steps import Edge, Step, must_run
from pgsd.model.names import qualified, quote_ident, quote_literal
from pgsd.model.objects import Column, Constraint, DbObject, ForeignTable, Index, Sequence, Table, child_key

# --------------------------------------------------------------------------- option lists

_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?\Z")
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.+-]+\Z")


def _reloption(item: str) -> tuple[str, str]:
    """``fillfactor=70`` -> (``fillfactor``, ``70``), key and value ready for WITH/SET."""
    key, _, value = item.partition("=")
    if not _PLAIN_KEY.match(key):
        key = ".".join(quote_ident(part) for part in key.split("."))
    if not _PLAIN_VALUE.match(value):
        value = quote_literal(value)
    return key, value


def reloptions_clause(options: tuple[str, ...]) -> str:
    """``fillfactor=70, autovacuum_enabled=false`` (for WITH (...) and SET (...))."""
    return ", ".join("=".join(_reloption(o)) for o in options)


def _option_dict(options: tuple[str, ...]) -> dict[str, str]:
    return dict(o.partition("=")[::2] for o in options)


def generic_options(options: tuple[str, ...]) -> str:
    """FDW-style options ``k=v`` -> ``k 'v', ...`` (for OPTIONS (...))."""
    pairs = _option_dict(options)
    return ", ".join(f"{quote_ident(k)} {quote_literal(v)}" for k, v in pairs.items())


def generic_option_changes(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """``ADD k 'v', SET k 'v', DROP k`` turning one FDW option list into another."""
    before, after = _option_dict(old), _option_dict(new)
    parts = [f"DROP {quote_ident(k)}" for k in before if k not in after]
    for k, v in after.items():
        if k not in before:
            parts.append(f"ADD {quote_ident(k)} {quote_literal(v)}")
        elif before[k] != v:
            parts.append(f"SET {quote_ident(k)} {quote_literal(v)}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- sequences


def _sequence_ref(column_key: str, ctx: RenderContext) -> str | None:
    """``s.t.c`` for OWNED BY, from the column object itself (keys are never parsed)."""
    col = ctx.in_source(column_key) or ctx.in_target(column_key)
    return column_ref(col) if isinstance(col, Column) else None


def _becomes_identity(seq: Sequence, ctx: RenderContext) -> bool:
    """Whether ``seq`` is a serial's sequence, going away, whose column becomes an identity."""
    if seq.owned_by is None or ctx.in_source(seq.key) is not None:
        return False
    before, after = ctx.in_target(seq.owned_by), ctx.in_source(seq.owned_by)
    return isinstance(before, Column) and isinstance(after, Column) and bool(after.identity) and not before.identity


class SequenceRenderer(Renderer):
    """Every option is written out on create; alters name only what changed."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Sequence)
        unlogged = "UNLOGGED " if obj.persistence == "u" and server_version(ctx) >= 150000 else ""
        sql = (
            f"CREATE {unlogged}SEQUENCE {obj.qualified_name} AS {obj.data_type}"
            f" INCREMENT BY {obj.increment} MINVALUE {obj.min_value} MAXVALUE {obj.max_value}"
            f" START WITH {obj.start} CACHE {obj.cache} {'CYCLE' if obj.cycle else 'NO CYCLE'}"
        )
        out = [*self._identity_steps_aside(obj, ctx), stmt(sql, obj, "create")]
        if obj.owned_by is not None:
            out.extend(self._owned_by(obj, ctx))
        out.extend(self.after_create(obj, ctx, compare_owner=ctx.options.owners))
        return out

    @staticmethod
    def _identity_steps_aside(obj: Sequence, ctx: RenderContext) -> list[Statement]:
        """A serial's sequence replacing an identity: the identity's own sequence, which is no
        object of pgsd's and may hold the same name, is renamed away first. It still hands
        over its value (``pg_get_serial_sequence`` finds it by the column), and DROP IDENTITY
        drops it. ``IF EXISTS``: an identity sequence named otherwise holds no name to free."""
        col = ctx.in_target(obj.owned_by) if obj.owned_by is not None else None
        if not isinstance(col, Column) or not col.identity or ctx.in_target(obj.key) is not None:
            return []
        away = quote_ident(away_name(obj.name))
        return [stmt(f"ALTER SEQUENCE IF EXISTS {obj.qualified_name} RENAME TO {away}", obj, "alter")]

    def _owned_by(self, obj: Sequence, ctx: RenderContext) -> list[Statement]:
        """OWNED BY apart from CREATE: the column usually needs the sequence first (its default)."""
        if obj.owned_by is None:
            return [stmt(f"ALTER SEQUENCE {obj.qualified_name} OWNED BY NONE", obj, "alter")]
        ref = _sequence_ref(obj.owned_by, ctx)
        if ref is None:
            return []
        return [stmt(f"ALTER SEQUENCE {obj.qualified_name} OWNED BY {ref}", obj, "alter", requires=(obj.owned_by,))]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        """A serial's sequence whose column becomes an identity was renamed away by it."""
        assert isinstance(obj, Sequence)
        name = obj.qualified_name
        if _becomes_identity(obj, ctx):
            name = qualified(obj.schema_name, away_name(obj.name))
        return [stmt(f"DROP SEQUENCE {name}", obj, "drop")]

    def ordering(self, action: str, old: DbObject | None, new: DbObject | None, changed: set[str],
                 ctx: RenderContext) -> list[Edge]:
        """A sequence altered away from its owning column is re-owned before that column goes."""
        if action == "alter" and isinstance(old, Sequence) and old.owned_by:
            return [must_run(Step(old.owned_by, "dropped")).after(Step(old.key, "alter_ends"))]
        return []

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Sequence) and isinstance(new, Sequence)
        clauses = []
        if "data_type" in changed:
            clauses.append(f"AS {new.data_type}")
        if "increment" in changed:
            clauses.append(f"INCREMENT BY {new.increment}")
        if "min_value" in changed:
            clauses.append(f"MINVALUE {new.min_value}")
        if "max_value" in changed:
            clauses.append(f"MAXVALUE {new.max_value}")
        if "start" in changed:
            clauses.append(f"START WITH {new.start}")
        if "cache" in changed:
            clauses.append(f"CACHE {new.cache}")
        if "cycle" in changed:
            clauses.append("CYCLE" if new.cycle else "NO CYCLE")
        out = []
        if clauses:
            regclass = f"{quote_literal(new.qualified_name)}::regclass"
            for sql in bounds_catch_up(regclass, (old.min_value, old.max_value), (new.min_value, new.max_value),
                                       new.increment):
                out.append(stmt(sql, new, "alter"))
            out.append(stmt(f"ALTER SEQUENCE {new.qualified_name} {' '.join(clauses)}", new, "alter"))
        if "persistence" in changed:
            if server_version(ctx) < 150000:
                return None
            word = "UNLOGGED" if new.persistence == "u" else "LOGGED"
            out.append(stmt(f"ALTER SEQUENCE {new.qualified_name} SET {word}", new, "alter"))
        if "owned_by" in changed:
            out.extend(self._owned_by(new, ctx))
        return out


# --------------------------------------------------------------------------- tables


def _index_requirement(table: Table, index_name: str, ctx: RenderContext) -> str:
    """Key of the object that creates index ``index_name`` of ``table``.

    ``cluster_index`` / ``replica_identity_index`` hold the bare index name (an index
    lives in its table's schema). It may be a plain index, or one backing a constraint
    (a primary key, usually), whose key is the constraint's.
    """
    key = f"index:{qualified(table.schema_name, index_name)}"
    if ctx.in_source(key) is not None:
        return key
    for con in ctx.children(table.key, "constraint"):
        if isinstance(con, Constraint) and (con.index_name or con.name) == index_name:
            return con.key
    return key


class TableRenderer(Renderer):
    """Plain, partitioned, partition, inheriting and unlogged tables."""

    def _head(self, obj: Table | ForeignTable, ctx: RenderContext, word: str) -> str:
        """``CREATE ... TABLE s.t (columns) [INHERITS (...)]`` or ``... PARTITION OF p FOR VALUES ...``."""
        if obj.partition_of:
            return f"CREATE {word} {obj.qualified_name} PARTITION OF {obj.partition_of} {obj.partition_bound or 'DEFAULT'}"
        if isinstance(obj, Table) and obj.of_type:
            # a typed table takes its columns from the type; only their options are written
            opts = []
            for c in ctx.children(obj.key, "column"):
                if isinstance(c, Column) and (c.not_null or c.default is not None):
                    extra = (" NOT NULL" if c.not_null else "") + (f" DEFAULT {c.default}" if c.default is not None else "")
                    opts.append(f"    {quote_ident(c.name)} WITH OPTIONS{extra}")
            joined = ",\n".join(opts)
            body = f" (\n{joined}\n)" if opts else ""
            return f"CREATE {word} {obj.qualified_name} OF {obj.of_type}{body}"
        columns = [
            c for c in ctx.children(obj.key, "column")
            if isinstance(c, Column) and (c.is_local or not obj.inherits)
        ]
        body = ",\n".join(f"    {column_definition(c, ctx)}" for c in columns)
        sql = f"CREATE {word} {obj.qualified_name} (\n{body}\n)" if columns else f"CREATE {word} {obj.qualified_name} ()"
        if obj.inherits:
            sql += f" INHERITS ({', '.join(obj.inherits)})"
        return sql

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Table)
        version = server_version(ctx)
        sql = self._head(obj, ctx, "UNLOGGED TABLE" if obj.persistence == "u" else "TABLE")
        if obj.is_partitioned and obj.partition_key:
            sql += f" PARTITION BY {obj.partition_key}"
        if obj.access_method and (not obj.is_partitioned or version >= 170000):
            sql += f" USING {quote_ident(obj.access_method)}"
        if obj.options:
            sql += f" WITH ({reloptions_clause(obj.options)})"
        if obj.tablespace:
            sql += f" TABLESPACE {quote_ident(obj.tablespace)}"
        out = [*default_rows_aside(obj, ctx), stmt(sql, obj, "create", creates=self.brings(obj, ctx))]
        out.extend(self.after_create(obj, ctx, compare_owner=ctx.options.owners))
        if obj.rls_enabled:
            out.append(stmt(f"ALTER TABLE {obj.qualified_name} ENABLE ROW LEVEL SECURITY", obj, "alter"))
        if obj.rls_forced:
            out.append(stmt(f"ALTER TABLE {obj.qualified_name} FORCE ROW LEVEL SECURITY", obj, "alter"))
        if obj.replica_identity != "d":
            out.append(self._replica_identity(obj, ctx))
        if obj.cluster_index:
            out.append(self._cluster(obj, ctx))
        out.extend(self.column_statements(obj, ctx))
        if obj.partition_of:
            out.extend(created_partition_columns(obj, ctx))
            out.extend(rebound_inserts(obj, ctx))
        if moves_rows(ctx.in_target(obj.key), obj, ctx):
            out.extend(restore_rows(obj, ctx))
        out.extend(self.sequences_owned_again(obj, ctx))
        return out

    @staticmethod
    def sequences_let_go(obj: DbObject, ctx: RenderContext) -> list[Statement]:
        """Before a re-created table is dropped: the sequences it keeps stop being owned by it."""
        return [stmt(f"ALTER SEQUENCE {seq.qualified_name} OWNED BY NONE", obj, "drop")
                for seq, _ in kept_sequences(obj.key, ctx)]

    @staticmethod
    def sequences_owned_again(obj: DbObject, ctx: RenderContext) -> list[Statement]:
        """After a re-created table is made: the sequences it kept are owned by its columns again."""
        out = []
        for seq, column in kept_sequences(obj.key, ctx):
            col = ctx.in_source(column)
            assert isinstance(col, Column)
            out.append(stmt(f"ALTER SEQUENCE {seq.qualified_name} OWNED BY {column_ref(col)}", obj, "alter"))
        return out

    def takes_along(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """DROP TABLE takes the partitions along (all levels), but for those the source keeps
        elsewhere (a partition detached, or moved to another parent, goes off first)."""
        if not isinstance(obj, Table) or not obj.is_partitioned:
            return ()
        out = []
        for part in partition_tree(ctx.target, obj):
            new = ctx.in_source(part.key)
            if new is None or (isinstance(new, Table) and new.partition_of == part.partition_of):
                out.append(part.key)
        return tuple(out)

    def ordering(self, action: str, old: DbObject | None, new: DbObject | None, changed: set[str],
                 ctx: RenderContext) -> list[Edge]:
        """Rows brought back before foreign keys check them and triggers fire; new partitions
        after their siblings' bounds moved; a dropped partition after its rows moved."""
        if action == "drop" and isinstance(old, Table):
            leader = rows_moved_before_drop(old, ctx)
            return [must_run(Step(old.key, "dropped")).after(Step(leader, "alter_ends"))] if leader else []
        if action != "create" or not isinstance(new, Table):
            return []
        edges = new_partition_edges(new, ctx) if new.partition_of and old is None else []
        if moves_rows(old, new, ctx):
            edges.extend(after_rows_restored(new, ctx))
        return edges

    def brings(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """Every column of the table, listed, inherited or typed: CREATE TABLE makes them all."""
        return column_keys(obj, ctx)

    def column_statements(self, obj: Table | ForeignTable, ctx: RenderContext) -> list[Statement]:
        """Per column of a new table: inherited-column overrides, storage, statistics, comment, grants."""
        out: list[Statement] = []
        for col in ctx.children(obj.key, "column"):
            assert isinstance(col, Column)
            if not col.is_local and obj.inherits:
                out.extend(self._inherited_overrides(col, obj, ctx))
            out.extend(column_followups(col, ctx, COLUMNS))
        return out

    def _inherited_overrides(self, col: Column, obj: Table | ForeignTable, ctx: RenderContext) -> list[Statement]:
        """A column that only comes from a parent copies the parent's default and NOT NULL;
        set them when this table's differ."""
        parent = None
        for p in obj.inherits:
            found = ctx.in_source(f"column:{p}.{quote_ident(col.name)}")
            if isinstance(found, Column):
                parent = found
                break
        if parent is None:
            return []
        alter = f"ALTER {obj.sql_kind()} {obj.qualified_name} ALTER COLUMN {quote_ident(col.name)}"
        out = []
        if col.default != parent.default and not col.generated:
            sql = f"{alter} SET DEFAULT {col.default}" if col.default is not None else f"{alter} DROP DEFAULT"
            out.append(stmt(sql, col, "alter"))
        if col.not_null and not parent.not_null:
            out.append(stmt(f"{alter} SET NOT NULL", col, "alter"))
        return out

    def _replica_identity(self, obj: Table, ctx: RenderContext) -> Statement:
        if obj.replica_identity == "i" and obj.replica_identity_index:
            return stmt(
                f"ALTER TABLE {obj.qualified_name} REPLICA IDENTITY USING INDEX {quote_ident(obj.replica_identity_index)}",
                obj, "alter", requires=(_index_requirement(obj, obj.replica_identity_index, ctx),))
        word = {"n": "NOTHING", "f": "FULL"}.get(obj.replica_identity, "DEFAULT")
        return stmt(f"ALTER TABLE {obj.qualified_name} REPLICA IDENTITY {word}", obj, "alter")

    def _cluster(self, obj: Table, ctx: RenderContext) -> Statement:
        if not obj.cluster_index:
            return stmt(f"ALTER TABLE {obj.qualified_name} SET WITHOUT CLUSTER", obj, "alter")
        return stmt(f"ALTER TABLE {obj.qualified_name} CLUSTER ON {quote_ident(obj.cluster_index)}", obj, "alter",
                    requires=(_index_requirement(obj, obj.cluster_index, ctx),))

    def alter_common(self, old: DbObject | None, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement]:
        """A table-level REVOKE takes column privileges along: the source's are granted again."""
        out = super().alter_common(old, new, changed, ctx)
        if "acl" in changed and old is not None:
            out.extend(column_grants_after_table_revoke(old.acl, new, ctx, COLUMNS))
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        """A table made anew keeps its rows aside first (moves.py); any other loses them.
        Sequences it keeps (kept_sequences) stop being owned by it first, so DROP TABLE leaves them."""
        along = self.takes_along(obj, ctx)
        let_go = self.sequences_let_go(obj, ctx)
        if isinstance(obj, Table) and moves_rows(obj, ctx.in_source(obj.key), ctx):
            return [*let_go, *hold_rows(obj, ctx), stmt(f"DROP TABLE {obj.qualified_name}", obj, "drop", drops=along)]
        if isinstance(obj, Table) and rows_moved_before_drop(obj, ctx) is not None:
            return [*let_go, stmt(f"DROP TABLE {obj.qualified_name}", obj, "drop", drops=along)]  # emptied by the move
        moved = rows_to_default(obj, ctx) if isinstance(obj, Table) else []
        if moved:
            return moved
        return [*let_go, stmt(f"DROP TABLE {obj.qualified_name}", obj, "drop",
                              hazard(HazardType.DATA_LOSS, f"drops table {obj.qualified_name} and all its rows"), drops=along)]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Table) and isinstance(new, Table)
        handled = {"persistence", "options", "replica_identity", "replica_identity_index", "rls_enabled",
                   "rls_forced", "tablespace", "access_method", "cluster_index", "inherits", "partition_of",
                   "partition_bound", "partition_columns"}
        if changed - handled:
            return None  # is_partitioned, partition_key: only a new table can change them
        name = new.qualified_name
        alter = f"ALTER TABLE {name}"
        out: list[Statement] = []
        if "persistence" in changed:
            word = "UNLOGGED" if new.persistence == "u" else "LOGGED"
            out.append(stmt(f"{alter} SET {word}", new, "alter",
                            hazard(HazardType.TABLE_REWRITE, f"SET {word} rewrites {name}")))
        if "options" in changed:
            out.extend(self._options(old.options, new.options, alter, new))
        if "tablespace" in changed:
            out.append(stmt(f"{alter} SET TABLESPACE {quote_ident(new.tablespace or 'pg_default')}", new, "alter",
                            hazard(HazardType.TABLE_REWRITE, f"SET TABLESPACE copies {name} under an ACCESS EXCLUSIVE lock")))
        if "access_method" in changed:
            version = server_version(ctx)
            if version < 150000:
                return None
            method = quote_ident(new.access_method) if new.access_method else ("DEFAULT" if version >= 170000 else "heap")
            out.append(stmt(f"{alter} SET ACCESS METHOD {method}", new, "alter",
                            hazard(HazardType.TABLE_REWRITE, f"SET ACCESS METHOD rewrites {name}")))
        if {"replica_identity", "replica_identity_index"} & changed:
            out.append(self._replica_identity(new, ctx))
        if "rls_enabled" in changed:
            out.append(stmt(f"{alter} {'ENABLE' if new.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY", new, "alter"))
        if "rls_forced" in changed:
            out.append(stmt(f"{alter} {'FORCE' if new.rls_forced else 'NO FORCE'} ROW LEVEL SECURITY", new, "alter"))
        if "cluster_index" in changed:
            out.append(self._cluster(new, ctx))
        if "inherits" in changed:
            out.extend(inheritance_changes(old, new, alter))
        if is_rebound(old, new):
            if rebound_leader(old, ctx):
                out.extend(rebound_statements(old, ctx))
        elif {"partition_of", "partition_bound"} & changed:
            out.extend(partition_changes(old, new, ctx))
        if "partition_columns" in changed and old.partition_of and old.partition_of == new.partition_of:
            out.extend(changed_partition_columns(old, new, ctx))
        return out

    @staticmethod
    def _options(old: tuple[str, ...], new: tuple[str, ...], alter: str, obj: DbObject) -> list[Statement]:
        before, after = _option_dict(old), _option_dict(new)
        out = []
        reset = [k for k in before if k not in after]
        if reset:
            keys = ", ".join(_reloption(f"{k}=")[0] for k in reset)
            out.append(stmt(f"{alter} RESET ({keys})", obj, "alter"))
        set_ = tuple(o for o in new if before.get(o.partition("=")[0]) != o.partition("=")[2])
        if set_:
            out.append(stmt(f"{alter} SET ({reloptions_clause(set_)})", obj, "alter"))
        return out


def inheritance_changes(old: Table | ForeignTable, new: Table | ForeignTable, alter: str) -> list[Statement]:
    """NO INHERIT from the first parent that differs on; INHERIT the new ones in order.

    The parent order matters to PostgreSQL (column order), so a reordered list is
    redone from the first difference rather than treated as a set.
    """
    same = 0
    while same < min(len(old.inherits), len(new.inherits)) and old.inherits[same] == new.inherits[same]:
        same += 1
    out = [stmt(f"{alter} NO INHERIT {p}", new, "alter") for p in old.inherits[same:]]
    out += [stmt(f"{alter} INHERIT {p}", new, "alter", requires=(f"table:{p}",)) for p in new.inherits[same:]]
    return out


def column_keys(obj: DbObject, ctx: RenderContext, side: str = "source") -> tuple[str, ...]:
    return tuple(c.key for c in ctx.children(obj.key, "column", side=side))


def partition_changes(old: Table | ForeignTable, new: Table | ForeignTable,
                      ctx: RenderContext | None = None) -> list[Statement]:
    """DETACH from the old parent, ATTACH to the new one (with the new bound).

    With ``ctx``, a table that stops being a partition says its DETACH creates its
    columns (the catalog lists a partition's columns only as the parent's: DETACH makes
    them the table's own), and one that becomes a partition says its ATTACH drops them.
    """
    out = []
    detaching = bool(old.partition_of) and not new.partition_of
    attaching = bool(new.partition_of) and not old.partition_of
    columns = ctx is not None and isinstance(old, Table) and isinstance(new, Table)
    if old.partition_of:
        revealed = column_keys(new, ctx) if ctx is not None and detaching else ()
        out.append(stmt(f"ALTER TABLE {old.partition_of} DETACH PARTITION {new.qualified_name}", new, "alter",
                        hazard(HazardType.ACCESS_EXCLUSIVE_LOCK,
                               f"DETACH PARTITION locks {old.partition_of} and {new.qualified_name}"),
                        creates=revealed))
        if columns and isinstance(old, Table) and isinstance(new, Table) and ctx is not None:
            out.extend(_detached_clones(old, new, ctx, out))
        if detaching and columns:
            assert ctx is not None and isinstance(old, Table) and isinstance(new, Table)
            out.extend(detached_columns(old, new, ctx))
    if new.partition_of:
        moving = columns and old.partition_of != new.partition_of
        before, after = attached_columns(old, new, ctx) if moving else ([], [])  # type: ignore[arg-type]
        out.extend(before)
        if moving:
            out.extend(parent_checks(old, new, ctx))  # type: ignore[arg-type]
        hidden = column_keys(old, ctx, side="target") if ctx is not None and attaching else ()
        out.append(stmt(
            f"ALTER TABLE {new.partition_of} ATTACH PARTITION {new.qualified_name} {new.partition_bound or 'DEFAULT'}",
            new, "alter",
            hazard(HazardType.LONG_LOCK, f"ATTACH PARTITION scans {new.qualified_name} to check its bound"),
            requires=(f"table:{new.partition_of}", *(parent_columns(new, ctx) if moving else ())),  # type: ignore[arg-type]
            drops=hidden))
        out.extend(after)
    return out


def _detached_clones(old: Table, new: Table, ctx: RenderContext, done: list[Statement]) -> list[Statement]:
    """DETACH leaves the partition its copies of the parent's constraints and indexes as its
    own: those the source's table has under the same name are what the DETACH makes (on its
    statement, ``creates``), the others are dropped after it. A partition moving to another
    parent drops them all: ATTACH copies the new parent's."""
    staying = not new.partition_of
    out: list[Statement] = []
    kept: list[str] = []
    for kind, name in old.partition_clones:
        if kind == "constraint":
            key = child_key("constraint", new.qualified_name, name)
            sql = f"ALTER TABLE {new.qualified_name} DROP CONSTRAINT {quote_ident(name)}"
        else:
            key = f"index:{qualified(new.schema_name, name)}"
            sql = f"DROP INDEX {qualified(new.schema_name, name)}"
        if staying and ctx.in_source(key) is not None:
            kept.append(key)
        else:
            out.append(stmt(sql, new, "alter"))
    if kept:
        done[-1] = done[-1].model_copy(update={"creates": (*done[-1].creates, *kept)})
    return out


class ForeignTableRenderer(TableRenderer):
    def grant_target(self, obj: DbObject) -> str:
        return f"TABLE {obj.qualified_name}"  # GRANT has no ON FOREIGN TABLE

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, ForeignTable)
        sql = f"{self._head(obj, ctx, 'FOREIGN TABLE')} SERVER {quote_ident(obj.server)}"
        if obj.options:
            sql += f" OPTIONS ({generic_options(obj.options)})"
        out = [stmt(sql, obj, "create", creates=self.brings(obj, ctx))]
        out.extend(self.after_create(obj, ctx, compare_owner=ctx.options.owners))
        out.extend(self.column_statements(obj, ctx))
        out.extend(self.sequences_owned_again(obj, ctx))
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [*self.sequences_let_go(obj, ctx), stmt(f"DROP FOREIGN TABLE {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, ForeignTable) and isinstance(new, ForeignTable)
        if changed - {"options", "inherits", "partition_of", "partition_bound"}:
            return None  # another server: recreate
        alter = f"ALTER FOREIGN TABLE {new.qualified_name}"
        out: list[Statement] = []
        if "options" in changed:
            out.append(stmt(f"{alter} OPTIONS ({generic_option_changes(old.options, new.options)})", new, "alter"))
        if "inherits" in changed:
            out.extend(inheritance_changes(old, new, alter))
        if {"partition_of", "partition_bound"} & changed:
            out.extend(partition_changes(old, new))
        return out


# --------------------------------------------------------------------------- constraints

_DEFERRAL = re.compile(r"(\s+(NOT\s+)?DEFERRABLE|\s+INITIALLY\s+(DEFERRED|IMMEDIATE)|\s+NOT\s+VALID)+\s*\Z")


def _core_definition(definition: str) -> str:
    """The definition without the trailing DEFERRABLE/INITIALLY/NOT VALID words."""
    return _DEFERRAL.sub("", definition.strip())


# Among constraints ready together: primary keys first (foreign keys may need them), foreign keys last.
_CONSTRAINT_RANK = {"p": 0, "u": 1, "x": 2, "c": 3, "f": 4}


class ConstraintRenderer(Renderer):
    """ALTER TABLE ... ADD/DROP/ALTER/VALIDATE CONSTRAINT."""

    def occupies(self, obj: DbObject) -> list[tuple[str, ...]]:
        """Its name on its table, and the name of the index that backs it in the relation namespace."""
        assert isinstance(obj, Constraint)
        out: list[tuple[str, ...]] = []
        if obj.index_name:
            out.append(("rel", obj.schema_name or "", obj.index_name))
        out.append(("con", obj.parent_key or "", obj.name))
        return out

    def tie_break(self, obj: DbObject) -> int:
        return _CONSTRAINT_RANK.get(getattr(obj, "type", ""), 2)

    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, Constraint)
        return f"CONSTRAINT {quote_ident(obj.name)} ON {obj.table_name}"

    @staticmethod
    def _alter(obj: Constraint) -> str:
        word = "FOREIGN TABLE" if obj.table_kind == "foreign_table" else "TABLE"
        return f"ALTER {word} {obj.table_name}"

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        """Deferral and NOT VALID are already in pg_get_constraintdef's text.

        With the ``not_valid`` option a validated FK or CHECK on an existing table is
        added NOT VALID (a brief lock) and validated separately (a weaker lock while
        it scans).
        """
        assert isinstance(obj, Constraint)
        existing = ctx.in_target(obj.parent_key)
        definition = obj.definition.strip()
        alter = self._alter(obj)
        split = (ctx.options.not_valid and existing is not None and obj.type in ("f", "c") and obj.validated
                 and obj.enforced and not getattr(existing, "is_partitioned", False)
                 and obj.table_kind != "foreign_table")
        hazards = []
        if existing is not None and not split and obj.table_kind != "foreign_table":
            if obj.type in ("p", "u", "x"):
                hazards.append(hazard(HazardType.LONG_LOCK,
                                      f"builds the index of {obj.name} while {obj.table_name} is locked against writes"))
            elif obj.validated and obj.enforced:
                hazards.append(hazard(HazardType.LONG_LOCK,
                                      f"checks every row of {obj.table_name} for {obj.name} under a lock"))
        name = quote_ident(obj.name)
        if split:
            # after the commit, in its own short transaction: in the add's transaction it
            # would hold the add's lock through the scan
            validate = [hazard(HazardType.LONG_LOCK, f"VALIDATE scans {obj.table_name} (writes continue)")]
            if ctx.options.transaction:
                validate.append(hazard(HazardType.CANNOT_RUN_IN_TRANSACTION,
                                       f"VALIDATE CONSTRAINT {obj.name} runs after the commit, in its own transaction"))
            out = [stmt(f"{alter} ADD CONSTRAINT {name} {definition} NOT VALID", obj, "create"),
                   stmt(f"{alter} VALIDATE CONSTRAINT {name}", obj, "alter", *validate,
                        transactional=not ctx.options.transaction)]
        else:
            out = [stmt(f"{alter} ADD CONSTRAINT {name} {definition}", obj, "create", *hazards)]
        out.extend(self.after_create(obj, ctx))
        if obj.index_comment is not None:
            out.append(self._index_comment(obj))
        return out

    @staticmethod
    def _index_comment(obj: Constraint) -> Statement:
        text = "NULL" if obj.index_comment is None else quote_literal(obj.index_comment)
        index = qualified(obj.schema_name, obj.index_name or obj.name)
        return stmt(f"COMMENT ON INDEX {index} IS {text}", obj, "alter")

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Constraint)
        return [stmt(f"{self._alter(obj)} DROP CONSTRAINT {quote_ident(obj.name)}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """Validation and (foreign key) deferral and enforcement in place; anything else recreates."""
        assert isinstance(old, Constraint) and isinstance(new, Constraint)
        if changed - {"definition", "validated", "deferrable", "deferred", "enforced", "index_comment"}:
            return None
        if "definition" in changed and _core_definition(old.definition) != _core_definition(new.definition):
            return None
        if "validated" in changed and old.validated and not new.validated:
            return None  # PostgreSQL cannot un-validate: dropped and added NOT VALID again (no scan)
        alter, name = self._alter(new), quote_ident(new.name)
        out: list[Statement] = []
        if {"deferrable", "deferred"} & changed:
            if new.type != "f":
                return None
            clause = "DEFERRABLE" if new.deferrable else "NOT DEFERRABLE"
            if new.deferrable:
                clause += " INITIALLY DEFERRED" if new.deferred else " INITIALLY IMMEDIATE"
            out.append(stmt(f"{alter} ALTER CONSTRAINT {name} {clause}", new, "alter"))
        if "enforced" in changed:
            if new.type != "f" or server_version(ctx) < 180000:
                return None
            out.append(stmt(f"{alter} ALTER CONSTRAINT {name} {'ENFORCED' if new.enforced else 'NOT ENFORCED'}",
                            new, "alter", *([hazard(HazardType.LONG_LOCK, f"checks every row of {new.table_name}")]
                                            if new.enforced else [])))
        if "validated" in changed and new.validated and not old.validated and new.enforced:
            out.append(stmt(f"{alter} VALIDATE CONSTRAINT {name}", new, "alter",
                            hazard(HazardType.LONG_LOCK, f"VALIDATE scans {new.table_name} (writes continue)")))
        if "index_comment" in changed and new.index_name:
            out.append(self._index_comment(new))
        return out


# --------------------------------------------------------------------------- indexes


class IndexRenderer(Renderer):
    """pg_get_indexdef text, made to cascade to partitions and optionally CONCURRENTLY."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Index)
        sql = obj.definition.strip()
        head = _INDEX_HEAD.match(sql)
        # ON ONLY would leave the parent's index invalid until every partition's is attached:
        # kept only where the source's is (its attached partitions' indexes follow).
        if head and head.group("only") and obj.is_partitioned and obj.valid:
            sql = f"{head.group('create')}{head.group('name')} ON {sql[head.end():]}"
            head = _INDEX_HEAD.match(sql)
        existing = ctx.in_target(obj.parent_key) is not None
        if ctx.options.concurrently and not obj.is_partitioned and existing and head:
            sql = f"{head.group('create')}CONCURRENTLY {sql[len(head.group('create')):]}"
            out = [stmt(sql, obj, "create", hazard(HazardType.CANNOT_RUN_IN_TRANSACTION,
                                                   f"CREATE INDEX CONCURRENTLY {obj.qualified_name} runs on its own"),
                        transactional=False)]
        elif existing and obj.valid:  # ON ONLY (not valid) builds nothing
            out = [stmt(sql, obj, "create", hazard(HazardType.LONG_LOCK,
                                                   f"building {obj.qualified_name} blocks writes to {obj.table_name}"))]
        else:
            out = [stmt(sql, obj, "create")]
        if obj.tablespace and " TABLESPACE " not in sql:
            out.append(stmt(f"ALTER INDEX {obj.qualified_name} SET TABLESPACE {quote_ident(obj.tablespace)}", obj, "alter"))
        out.extend(self._attach(obj, ctx))
        out.extend(self.after_create(obj, ctx))
        return out

    @staticmethod
    def _attach(obj: Index, ctx: RenderContext) -> list[Statement]:
        """An index the source has ``ON ONLY`` its table: the partitions' indexes attached to it,
        each made first unless it backs a constraint of the partition (made with it)."""
        out: list[Statement] = []
        for a in obj.attached:
            part = ctx.in_source(f"table:{a.table}")
            schema = part.schema_name if part is not None else obj.schema_name
            requires = (f"table:{a.table}",)
            if a.definition is not None:
                out.append(stmt(a.definition, obj, "alter", requires=requires))
            else:
                cons = [c.key for c in ctx.children(f"table:{a.table}", "constraint")
                        if isinstance(c, Constraint) and (c.index_name or c.name) == a.name]
                requires = (*requires, *cons)
            out.append(stmt(f"ALTER INDEX {obj.qualified_name} ATTACH PARTITION {qualified(schema, a.name)}", obj,
                            "alter", requires=requires))
        return out

    def occupies(self, obj: DbObject) -> list[tuple[str, ...]]:
        """Its name, and those of the partitions' indexes it makes and attaches (``_attach``)."""
        out = super().occupies(obj)
        if isinstance(obj, Index):
            out.extend(("rel", obj.schema_name or "", a.name) for a in obj.attached if a.definition is not None)
        return out

    def takes_along(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """A partitioned index takes along the constraints of partitions whose index is attached
        to it (a partition's own primary key or unique constraint adopted by the parent's
        index): neither can go first on its own, so DROP INDEX ... CASCADE removes both."""
        if not isinstance(obj, Index) or not obj.is_partitioned:
            return ()
        deps = ctx.target.references.get(obj.key, ())  # the edge is turned round: see dependencies.sql
        return tuple(sorted(k for k in deps if isinstance(ctx.in_target(k), Constraint)
                            and getattr(ctx.in_target(k), "type", "") in ("p", "u", "x")))

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Index)
        along = self.takes_along(obj, ctx)
        if along:
            return [stmt(f"DROP INDEX {obj.qualified_name} CASCADE", obj, "drop", drops=along)]
        if ctx.options.concurrently and not obj.is_partitioned:
            return [stmt(f"DROP INDEX CONCURRENTLY {obj.qualified_name}", obj, "drop",
                         hazard(HazardType.CANNOT_RUN_IN_TRANSACTION, f"DROP INDEX CONCURRENTLY {obj.qualified_name} runs on its own"),
                         transactional=False)]
        return [stmt(f"DROP INDEX {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """Tablespace and storage options in place; any other definition change recreates.

        The options are printed inside the definition (``WITH (fillfactor='70')``), so a
        definition that differs only there is still an in-place change.
        """
        assert isinstance(old, Index) and isinstance(new, Index)
        if changed - {"tablespace", "options", "definition"}:
            return None  # validity and attachments too: an index is never detached, nor made invalid
        if "definition" in changed and _without_with(old.definition) != _without_with(new.definition):
            return None
        out: list[Statement] = []
        alter = f"ALTER INDEX {new.qualified_name}"
        if "options" in changed:
            out.extend(TableRenderer._options(old.options, new.options, alter, new))
        if "tablespace" in changed:
            out.append(stmt(f"{alter} SET TABLESPACE {quote_ident(new.tablespace or 'pg_default')}", new, "alter",
                            hazard(HazardType.LONG_LOCK, f"moving {new.qualified_name} copies it under an ACCESS EXCLUSIVE lock")))
        return out


# pg_get_indexdef's opening; the name is matched rather than rebuilt, since two servers
# may disagree on whether a keyword-like name needs quotes.
_INDEX_HEAD = re.compile(r'(?P<create>CREATE (?:UNIQUE )?INDEX )(?P<name>"(?:[^"]|"")*"|[^\s"]+) ON (?P<only>ONLY )?')
_WITH = re.compile(r" WITH \((?:[^()']|'(?:[^']|'')*')*\)")


def _without_with(definition: str) -> str:
    """An index definition without its ``WITH (...)`` storage parameters."""
    return _WITH.sub("", definition.strip(), count=1)


RENDERERS: dict[str, Renderer] = {
    "sequence": SequenceRenderer(),
    "table": TableRenderer(),
    "foreign_table": ForeignTableRenderer(),
    "constraint": ConstraintRenderer(),
    "index": IndexRenderer(),
}
