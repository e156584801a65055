"""Casts, procedural languages, conversions and transforms.

None of them can change in place beyond its comment, owner and (languages) grants: any
other difference recreates the object, and the planner drops what depends on it first
(the functions written in a language, for one). Casts and transforms have no owner.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer, stmt
from pgsd.model.names import quote_ident, quote_literal
from pgsd.model.objects import Cast, Conversion, DbObject, Language, Transform

_CAST_CONTEXT = {"a": " AS ASSIGNMENT", "i": " AS IMPLICIT"}


class _Recreated(Renderer):
    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP {self.object_ref(obj)}", obj, "drop")]

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []

    def _created(self, obj: DbObject, sql: str, ctx: RenderContext) -> list[Statement]:
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]


class CastRenderer(_Recreated):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Cast)
        if obj.method == "f" and obj.function:
            how = f"WITH FUNCTION {obj.function}"
        elif obj.method == "i":
            how = "WITH INOUT"
        else:
            how = "WITHOUT FUNCTION"
        sql = f"CREATE CAST {obj.qualified_name} {how}{_CAST_CONTEXT.get(obj.context, '')}"
        return self._created(obj, sql, ctx)


class LanguageRenderer(_Recreated):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Language)
        sql = f"CREATE {'TRUSTED ' if obj.trusted else ''}LANGUAGE {obj.qualified_name}"
        if obj.handler:
            sql += f" HANDLER {obj.handler}"
            if obj.inline:
                sql += f" INLINE {obj.inline}"
            if obj.validator:
                sql += f" VALIDATOR {obj.validator}"
        return self._created(obj, sql, ctx)

    def default_acl(self, obj: DbObject) -> tuple[str, ...] | None:
        return ("PUBLIC=U",)

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return Renderer.grant_statements(self, old_acl, new)


class ConversionRenderer(_Recreated):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Conversion)
        sql = (f"CREATE {'DEFAULT ' if obj.is_default else ''}CONVERSION {obj.qualified_name}"
               f" FOR {quote_literal(obj.source_encoding)} TO {quote_literal(obj.target_encoding)}"
               f" FROM {obj.function}")
        return self._created(obj, sql, ctx)


class TransformRenderer(_Recreated):
    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, Transform)
        return f"TRANSFORM FOR {obj.type} LANGUAGE {quote_ident(obj.language)}"

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Transform)
        parts = []
        if obj.from_sql:
            parts.append(f"FROM SQL WITH FUNCTION {obj.from_sql}")
        if obj.to_sql:
            parts.append(f"TO SQL WITH FUNCTION {obj.to_sql}")
        return self._created(obj, f"CREATE {self.object_ref(obj)} ({', '.join(parts)})", ctx)


RENDERERS: dict[str, Renderer] = {
    "cast": CastRenderer(),
    "language": LanguageRenderer(),
    "conversion": ConversionRenderer(),
    "transform": TransformRenderer(),
}
