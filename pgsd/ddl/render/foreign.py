"""Foreign-data wrappers, foreign servers, user mappings and publications.

Generic options (``OPTIONS (host 'db', port '5432')``) are stored as ``key=value``
strings, split on the first ``=``; they change in place with ``OPTIONS (ADD|SET|DROP)``.

User mappings may hold secrets (``password``). The catalog masks such values as
``***``; those are never rendered (that would set the password to three asterisks).
The statement goes out without them and carries an UNTRACKED_DEPENDENCIES hazard
telling the operator to set the value by hand.

Names that refer to other objects (a server's wrapper, a mapping's server, a
publication's schemas) are raw names, as the catalog reads them, and are quoted here.
A publication's tables are SQL text already (qualified, with column list and WHERE).
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, stmt
from pgsd.ddl.render.routines import function_reference
from pgsd.model.names import quote_ident, quote_literal, quote_role
from pgsd.model.objects import DbObject, ForeignDataWrapper, ForeignServer, Publication, UserMapping

MASKED = "***"
ALL_OPERATIONS = ("insert", "update", "delete", "truncate")


def _split(option: str) -> tuple[str, str]:
    key, _, value = option.partition("=")
    return key, value


def options_clause(options: tuple[str, ...]) -> str:
    """`` OPTIONS (k 'v', ...)`` for a CREATE, or the empty string."""
    if not options:
        return ""
    return " OPTIONS (" + ", ".join(f"{quote_ident(k)} {quote_literal(v)}" for k, v in map(_split, options)) + ")"


def options_changes(old: tuple[str, ...], new: tuple[str, ...], *, skip: frozenset[str] = frozenset()) -> str:
    """`` OPTIONS (ADD k 'v', SET k 'v', DROP k)`` turning ``old`` into ``new``, or ''.

    Keys in ``skip`` are only ever dropped, never added or set (masked secrets).
    """
    before = dict(map(_split, old))
    after = dict(map(_split, new))
    parts: list[str] = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            parts.append(f"DROP {quote_ident(key)}")
        elif key in skip or before.get(key) == after[key]:
            continue
        else:
            verb = "SET" if key in before else "ADD"
            parts.append(f"{verb} {quote_ident(key)} {quote_literal(after[key])}")
    return f" OPTIONS ({', '.join(parts)})" if parts else ""


def _procedure_name(ref: str, ctx: RenderContext) -> str:
    """A handler/validator as SQL: regproc text as stored, or a ``function:`` key."""
    return function_reference(ref, ctx) if ref.startswith("function:") else ref


class ForeignDataWrapperRenderer(Renderer):
    """``CREATE FOREIGN DATA WRAPPER``; handler, validator and options change in place."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, ForeignDataWrapper)
        sql = f"CREATE FOREIGN DATA WRAPPER {obj.qualified_name}"
        if obj.handler:
            sql += f" HANDLER {_procedure_name(obj.handler, ctx)}"
        if obj.validator:
            sql += f" VALIDATOR {_procedure_name(obj.validator, ctx)}"
        sql += options_clause(obj.options)
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP FOREIGN DATA WRAPPER {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, ForeignDataWrapper) and isinstance(new, ForeignDataWrapper)
        if changed - {"handler", "validator", "options"}:
            return None
        head = f"ALTER FOREIGN DATA WRAPPER {new.qualified_name}"
        out: list[Statement] = []
        if "handler" in changed:
            clause = f"HANDLER {_procedure_name(new.handler, ctx)}" if new.handler else "NO HANDLER"
            out.append(stmt(f"{head} {clause}", new, "alter"))
        if "validator" in changed:
            # A new validator does not re-check the options already stored anywhere.
            clause = f"VALIDATOR {_procedure_name(new.validator, ctx)}" if new.validator else "NO VALIDATOR"
            out.append(stmt(f"{head} {clause}", new, "alter"))
        if "options" in changed and (opts := options_changes(old.options, new.options)):
            out.append(stmt(head + opts, new, "alter"))
        return out


class ServerRenderer(Renderer):
    """``CREATE SERVER``; version and options change in place, type and wrapper do not."""

    def grant_target(self, obj: DbObject) -> str:
        # COMMENT ON SERVER / ALTER SERVER, but GRANT ... ON FOREIGN SERVER.
        return f"FOREIGN SERVER {obj.qualified_name}"

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, ForeignServer)
        sql = f"CREATE SERVER {obj.qualified_name}"
        if obj.server_type is not None:
            sql += f" TYPE {quote_literal(obj.server_type)}"
        if obj.server_version is not None:
            sql += f" VERSION {quote_literal(obj.server_version)}"
        sql += f" FOREIGN DATA WRAPPER {quote_ident(obj.wrapper)}" + options_clause(obj.options)
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP SERVER {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, ForeignServer) and isinstance(new, ForeignServer)
        if changed - {"server_version", "options"}:
            return None
        clauses = ""
        if "server_version" in changed:
            version = "NULL" if new.server_version is None else quote_literal(new.server_version)
            clauses += f" VERSION {version}"
        if "options" in changed:
            clauses += options_changes(old.options, new.options)
        return [stmt(f"ALTER SERVER {new.qualified_name}{clauses}", new, "alter")] if clauses else []


class UserMappingRenderer(Renderer):
    """``CREATE USER MAPPING FOR role SERVER s``; masked secrets are left for the operator."""

    @staticmethod
    def _target(obj: UserMapping) -> str:
        return f"FOR {quote_role(obj.name)} SERVER {quote_ident(obj.server)}"

    @staticmethod
    def _masked(options: tuple[str, ...]) -> list[str]:
        return sorted(k for k, v in map(_split, options) if v == MASKED)

    @staticmethod
    def _secret_hazards(obj: UserMapping, keys: list[str]) -> list[Hazard]:
        return [
            hazard(HazardType.UNTRACKED_DEPENDENCIES,
                   f"option {key} of the user mapping for {obj.name} on server {obj.server} "
                   "is secret and not copied: set it by hand")
            for key in keys
        ]

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, UserMapping)
        masked = self._masked(obj.options)
        shown = tuple(o for o in obj.options if _split(o)[0] not in masked)
        sql = f"CREATE USER MAPPING {self._target(obj)}" + options_clause(shown)
        return [stmt(sql, obj, "create", *self._secret_hazards(obj, masked))]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, UserMapping)
        return [stmt(f"DROP USER MAPPING {self._target(obj)}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, UserMapping) and isinstance(new, UserMapping)
        if changed != {"options"}:
            return None
        masked = frozenset(self._masked(new.options))
        before = dict(map(_split, old.options))
        # A masked value that is new or was readable before cannot be carried over.
        lost = sorted(k for k in masked if before.get(k) != MASKED)
        opts = options_changes(old.options, new.options, skip=masked)
        if not opts:
            # Nothing else to alter: recreating is the one statement that can carry the
            # hazard, and it loses nothing (the secret was not in the old mapping).
            return None if lost else []
        return [stmt(f"ALTER USER MAPPING {self._target(new)}{opts}", new, "alter",
                     *self._secret_hazards(new, lost))]


class PublicationRenderer(Renderer):
    """``CREATE PUBLICATION``; tables, schemas and WITH parameters change in place."""

    @staticmethod
    def _objects(tables: tuple[str, ...], schemas: tuple[str, ...]) -> str:
        parts = []
        if tables:
            parts.append("TABLE " + ", ".join(tables))
        if schemas:
            parts.append("TABLES IN SCHEMA " + ", ".join(quote_ident(s) for s in schemas))
        return ", ".join(parts)

    @staticmethod
    def _publish(obj: Publication) -> str:
        ops = [op for op in ALL_OPERATIONS if op in obj.operations]
        return f"publish = {quote_literal(', '.join(ops))}"

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Publication)
        sql = f"CREATE PUBLICATION {obj.qualified_name}"
        if obj.all_tables:
            sql += " FOR ALL TABLES"
        elif obj.tables or obj.schemas:
            sql += " FOR " + self._objects(obj.tables, obj.schemas)
        params = []
        if set(obj.operations) != set(ALL_OPERATIONS):
            params.append(self._publish(obj))
        if obj.via_root:
            params.append("publish_via_partition_root = true")
        if params:
            sql += f" WITH ({', '.join(params)})"
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP PUBLICATION {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Publication) and isinstance(new, Publication)
        if changed - {"tables", "schemas", "operations", "via_root"}:
            return None
        head = f"ALTER PUBLICATION {new.qualified_name}"
        out: list[Statement] = []
        if changed & {"tables", "schemas"}:
            if new.tables or new.schemas:
                # SET replaces both lists at once (tables *and* schemas), so it names both.
                out.append(stmt(f"{head} SET {self._objects(new.tables, new.schemas)}", new, "alter"))
            else:
                # SET needs at least one object; emptying the publication is a DROP.
                # DROP takes bare table names: no column list, no WHERE.
                names = tuple(table_name_part(t) for t in old.tables)
                out.append(stmt(f"{head} DROP {self._objects(names, old.schemas)}", new, "alter"))
        params = []
        if "operations" in changed and set(old.operations) != set(new.operations):
            params.append(self._publish(new))
        if "via_root" in changed:
            params.append(f"publish_via_partition_root = {'true' if new.via_root else 'false'}")
        if params:
            out.append(stmt(f"{head} SET ({', '.join(params)})", new, "alter"))
        return out


def table_name_part(entry: str) -> str:
    """``s."T x" (a, b) WHERE (...)`` -> ``s."T x"``: the name, without column list or filter."""
    in_quotes = False
    for i, ch in enumerate(entry):
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in " (":
            return entry[:i]
    return entry


RENDERERS: dict[str, Renderer] = {
    "foreign_data_wrapper": ForeignDataWrapperRenderer(),
    "server": ServerRenderer(),
    "user_mapping": UserMappingRenderer(),
    "publication": PublicationRenderer(),
}
