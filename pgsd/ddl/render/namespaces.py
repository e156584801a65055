"""Schemas, extensions and collations: the objects other objects live in or refer to."""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer, stmt
from pgsd.ddl.render.columns import server_version
from pgsd.model.names import quote_ident, quote_literal
from pgsd.model.objects import Collation, DbObject, Extension


class SchemaRenderer(Renderer):
    """Only owner, comment and grants can differ between two schemas of one name."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        out = [stmt(f"CREATE SCHEMA {obj.qualified_name}", obj, "create")]
        return out + self.after_create(obj, ctx, compare_owner=ctx.options.owners)

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP SCHEMA {obj.qualified_name}", obj, "drop")]


class ExtensionRenderer(Renderer):
    """CREATE EXTENSION IF NOT EXISTS: some (plpgsql) exist in every new database.

    Extensions have no owner to set and no grants; only their comment is handled.
    """

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Extension)
        sql = f"CREATE EXTENSION IF NOT EXISTS {obj.qualified_name}"
        if obj.schema_name:
            sql += f" WITH SCHEMA {quote_ident(obj.schema_name)}"
        if ctx.options.extension_versions and obj.version:
            sql += f" VERSION {quote_literal(obj.version)}"
        out = [stmt(sql, obj, "create")]
        if obj.comment is not None:
            out.append(self.comment_statement(obj))
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP EXTENSION {obj.qualified_name}", obj, "drop")]

    def alter_common(self, old: DbObject | None, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement]:
        return [self.comment_statement(new)] if "comment" in changed else []

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(new, Extension)
        if changed - {"version", "schema_name"}:
            return None
        out = []
        if "schema_name" in changed and new.schema_name:
            out.append(stmt(f"ALTER EXTENSION {new.qualified_name} SET SCHEMA {quote_ident(new.schema_name)}", new, "alter"))
        if "version" in changed and new.version:
            out.append(stmt(f"ALTER EXTENSION {new.qualified_name} UPDATE TO {quote_literal(new.version)}", new, "alter"))
        return out


_PROVIDERS = {"c": "libc", "i": "icu", "b": "builtin"}


class CollationRenderer(Renderer):
    """Collations cannot be altered (beyond owner/comment): any change recreates."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Collation)
        opts = []
        if obj.provider in _PROVIDERS:
            opts.append(f"provider = {_PROVIDERS[obj.provider]}")
        if obj.provider == "c" and obj.lc_collate is not None and obj.lc_ctype is not None \
                and obj.lc_collate != obj.lc_ctype:
            opts.append(f"lc_collate = {quote_literal(obj.lc_collate)}")
            opts.append(f"lc_ctype = {quote_literal(obj.lc_ctype)}")
        else:
            locale = obj.locale if obj.locale is not None else (obj.lc_collate or obj.lc_ctype)
            if locale is not None:
                opts.append(f"locale = {quote_literal(locale)}")
        if not obj.deterministic:
            opts.append("deterministic = false")
        if obj.rules is not None and server_version(ctx) >= 160000:
            opts.append(f"rules = {quote_literal(obj.rules)}")
        out = [stmt(f"CREATE COLLATION {obj.qualified_name} ({', '.join(opts)})", obj, "create")]
        return out + self.after_create(obj, ctx, compare_owner=ctx.options.owners)

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP COLLATION {obj.qualified_name}", obj, "drop")]

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []  # collations have no privileges


RENDERERS: dict[str, Renderer] = {
    "schema": SchemaRenderer(),
    "extension": ExtensionRenderer(),
    "collation": CollationRenderer(),
}
