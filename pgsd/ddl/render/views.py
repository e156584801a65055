"""Views and materialized views.

Both store their query as ``pg_get_viewdef`` output, which ends in a semicolon that a
statement must not carry. A view can often be changed in place with ``CREATE OR REPLACE
VIEW``, but PostgreSQL only accepts that when the new column list *starts with* the old
one (same names, same types, same order): columns may only be appended. Anything else,
and every change of a materialized view's query, means drop and recreate, which the
planner does together with whatever depends on the view.

GRANT names views and materialized views ``TABLE`` (there is no ``GRANT ... ON VIEW``),
while COMMENT ON / ALTER ... OWNER use ``VIEW`` and ``MATERIALIZED VIEW``.
"""

from __future__ import annotations

import re

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, stmt
from pgsd.model.names import quote_ident, quote_literal
from pgsd.model.objects import DbObject, MaterializedView, View

_BARE_VALUE = re.compile(r"(?:[a-z_][a-z0-9_]*|-?[0-9]+(?:\.[0-9]+)?)\Z")
_QUERY_FIELDS = frozenset({"definition", "columns", "column_types"})


def strip_definition(text: str) -> str:
    """A pg_get_*def text without surrounding blank space and its one trailing semicolon."""
    text = text.strip()
    if text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def split_option(option: str) -> tuple[str, str]:
    """``key=value`` -> (key, value); the value may itself contain ``=``."""
    key, _, value = option.partition("=")
    return key, value


def _option_key(key: str) -> str:
    # Namespaced storage parameters (toast.fillfactor) are two identifiers.
    return ".".join(quote_ident(part) for part in key.split("."))


def _option_value(value: str) -> str:
    # A word or a number is accepted bare (as pg_dump writes them); anything else is
    # a string constant, which every reloption also accepts.
    return value if _BARE_VALUE.match(value) else quote_literal(value)


def reloptions_sql(options: tuple[str, ...] | list[str]) -> str:
    """``key=value`` storage parameters as the inside of ``WITH (...)`` / ``SET (...)``."""
    return ", ".join(f"{_option_key(k)}={_option_value(v)}" for k, v in map(split_option, options))


def reloption_changes(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(options to SET, keys to RESET) that turn ``old`` into ``new``."""
    before = dict(map(split_option, old))
    after = dict(map(split_option, new))
    to_set = [f"{k}={v}" for k, v in sorted(after.items()) if before.get(k) != v]
    to_reset = sorted(k for k in before if k not in after)
    return to_set, to_reset


def column_comment_statements(obj: View | MaterializedView, old: tuple[tuple[str, str], ...]) -> list[Statement]:
    """COMMENT ON COLUMN for every column whose comment differs from ``old`` (NULL removes one)."""
    before = dict(old)
    after = dict(obj.column_comments)
    out: list[Statement] = []
    for column in sorted(set(before) | set(after)):
        if before.get(column) == after.get(column):
            continue
        text = "NULL" if column not in after else quote_literal(after[column])
        out.append(stmt(f"COMMENT ON COLUMN {obj.qualified_name}.{quote_ident(column)} IS {text}", obj, "alter"))
    return out


def columns_only_appended(old: View | MaterializedView, new: View | MaterializedView) -> bool:
    """True when ``new``'s columns are ``old``'s (names and types, in order) plus trailing ones."""
    n = len(old.columns)
    if new.columns[:n] != old.columns or len(new.columns) < n:
        return False
    return new.column_types[: len(old.column_types)] == old.column_types


class _RelationLike(Renderer):
    """What views and materialized views share: GRANT ... ON TABLE, reloptions, column comments."""

    def grant_target(self, obj: DbObject) -> str:
        return f"TABLE {obj.qualified_name}"

    def options_statements(self, old: View | MaterializedView, new: View | MaterializedView,
                           word: str) -> list[Statement]:
        to_set, to_reset = reloption_changes(old.options, new.options)
        out: list[Statement] = []
        if to_reset:
            keys = ", ".join(_option_key(k) for k in to_reset)
            out.append(stmt(f"ALTER {word} {new.qualified_name} RESET ({keys})", new, "alter"))
        if to_set:
            out.append(stmt(f"ALTER {word} {new.qualified_name} SET ({reloptions_sql(to_set)})", new, "alter"))
        return out


class ViewRenderer(_RelationLike):
    """``CREATE VIEW``; query changes that only append columns use ``CREATE OR REPLACE``."""

    def _create_sql(self, obj: View, *, replace: bool) -> str:
        # check_option is a reloption, but the SQL-standard trailing clause is what
        # pg_dump writes and what readers expect; both mean the same to the server.
        options = [o for o in obj.options if split_option(o)[0] != "check_option"]
        check = next((split_option(o)[1] for o in obj.options if split_option(o)[0] == "check_option"), None)
        head = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
        with_ = f" WITH ({reloptions_sql(options)})" if options else ""
        sql = f"{head} {obj.qualified_name}{with_} AS\n{strip_definition(obj.definition)}"
        if check:
            sql += f"\n  WITH {check.upper()} CHECK OPTION"
        return sql

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, View)
        out = [stmt(self._create_sql(obj, replace=False), obj, "create")]
        out += self.after_create(obj, ctx, compare_owner=ctx.options.owners)
        out += column_comment_statements(obj, ())
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP VIEW {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, View) and isinstance(new, View)
        out: list[Statement] = []
        if changed & _QUERY_FIELDS:
            if not columns_only_appended(old, new):
                return None
            # CREATE OR REPLACE VIEW also replaces the options (a missing WITH resets
            # them), so it carries the complete new set and no SET/RESET is needed.
            out.append(stmt(self._create_sql(new, replace=True), new, "alter"))
        elif "options" in changed:
            out += self.options_statements(old, new, "VIEW")
        if "column_comments" in changed:
            out += column_comment_statements(new, old.column_comments)
        unknown = changed - _QUERY_FIELDS - {"options", "column_comments"}
        return None if unknown else out


class MaterializedViewRenderer(_RelationLike):
    """``CREATE MATERIALIZED VIEW``; a changed query always means recreate (no OR REPLACE exists)."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, MaterializedView)
        sql = f"CREATE MATERIALIZED VIEW {obj.qualified_name}"
        if obj.options:
            sql += f" WITH ({reloptions_sql(obj.options)})"
        if obj.tablespace:
            sql += f" TABLESPACE {quote_ident(obj.tablespace)}"
        sql += f" AS\n{strip_definition(obj.definition)}"
        if not obj.is_populated:
            sql += "\nWITH NO DATA"
        out = [stmt(sql, obj, "create")]
        out += self.after_create(obj, ctx, compare_owner=ctx.options.owners)
        out += column_comment_statements(obj, ())
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP MATERIALIZED VIEW {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, MaterializedView) and isinstance(new, MaterializedView)
        if changed & _QUERY_FIELDS or changed - _QUERY_FIELDS - {
            "options", "tablespace", "is_populated", "column_comments"
        }:
            return None
        name = new.qualified_name
        out: list[Statement] = []
        if "options" in changed:
            out += self.options_statements(old, new, "MATERIALIZED VIEW")
        if "tablespace" in changed:
            out.append(stmt(
                f"ALTER MATERIALIZED VIEW {name} SET TABLESPACE {quote_ident(new.tablespace or 'pg_default')}",
                new, "alter",
                hazard(HazardType.ACCESS_EXCLUSIVE_LOCK,
                       f"moving {name} to another tablespace copies its data under an ACCESS EXCLUSIVE lock"),
            ))
        if "is_populated" in changed:
            # Populating runs the whole query while holding an ACCESS EXCLUSIVE lock.
            if new.is_populated:
                out.append(stmt(
                    f"REFRESH MATERIALIZED VIEW {name}", new, "alter",
                    hazard(HazardType.LONG_LOCK,
                           f"refreshing {name} runs its query under an ACCESS EXCLUSIVE lock"),
                ))
            else:
                out.append(stmt(f"REFRESH MATERIALIZED VIEW {name} WITH NO DATA", new, "alter"))
        if "column_comments" in changed:
            out += column_comment_statements(new, old.column_comments)
        return out


RENDERERS: dict[str, Renderer] = {
    "view": ViewRenderer(),
    "materialized_view": MaterializedViewRenderer(),
}
