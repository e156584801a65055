"""Shell types and base types (types defined by their input/output functions).

A base type is created in three steps that the plan orders from the dependency graph:
its shell (``CREATE TYPE s.t``), its support functions (which take or return ``s.t``),
then the definition (``CREATE TYPE s.t (INPUT = ..., OUTPUT = ...)``), which fills the
shell in. Dropping goes the other way round in one statement: the type and its support
functions depend on each other, so ``DROP TYPE s.t CASCADE`` drops them together. It is
ordered after everything else that uses the type (which the plan drops first), so the
cascade takes nothing but the support functions and the shell, which the renderer says it
takes along (``takes_along``: no DROP of their own); when the source keeps a bare shell,
the planner makes it again after the drop.

ALTER TYPE ... SET changes the optional support functions and the storage in place;
anything else would need the type and every column of it dropped, which pgsd does not
plan: it stops with an error that says so.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer, stmt
from pgsd.errors import PlanError
from pgsd.model.names import quote_literal
from pgsd.model.objects import BaseType, DbObject, ShellType

_ALIGN = {"c": "char", "s": "int2", "i": "int4", "d": "double"}
_STORAGE = {"p": "plain", "e": "external", "m": "main", "x": "extended"}
_OPTIONAL = (("RECEIVE", "receive"), ("SEND", "send"), ("TYPMOD_IN", "typmod_in"),
             ("TYPMOD_OUT", "typmod_out"), ("ANALYZE", "analyze"), ("SUBSCRIPT", "subscript"))
_SETTABLE = frozenset(field for _, field in _OPTIONAL) | {"storage"}


def base_type_key_of_shell(shell: DbObject) -> str:
    return f"base_type:{shell.qualified_name}"


class ShellTypeRenderer(Renderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, ShellType)
        return [stmt(f"CREATE TYPE {obj.qualified_name}", obj, "create"),
                *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        if ctx.in_target(base_type_key_of_shell(obj)) is not None:
            return []  # the base type's DROP TYPE ... CASCADE removes the one catalog row
        return [stmt(f"DROP TYPE {obj.qualified_name}", obj, "drop")]

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []


class BaseTypeRenderer(Renderer):
    def default_acl(self, obj: DbObject) -> tuple[str, ...] | None:
        return ("PUBLIC=U",)

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, BaseType)
        opts = [f"INPUT = {obj.input}", f"OUTPUT = {obj.output}"]
        opts += [f"{word} = {getattr(obj, field)}" for word, field in _OPTIONAL if getattr(obj, field)]
        opts.append("INTERNALLENGTH = " + ("VARIABLE" if obj.internal_length == -1 else str(obj.internal_length)))
        if obj.passed_by_value:
            opts.append("PASSEDBYVALUE")
        opts.append(f"ALIGNMENT = {_ALIGN.get(obj.alignment, 'int4')}")
        opts.append(f"STORAGE = {_STORAGE.get(obj.storage, 'plain')}")
        if obj.category != "U":
            opts.append(f"CATEGORY = {quote_literal(obj.category)}")
        if obj.preferred:
            opts.append("PREFERRED = true")
        if obj.default is not None:
            opts.append(f"DEFAULT = {quote_literal(obj.default)}")
        if obj.element:
            opts.append(f"ELEMENT = {obj.element}")
        if obj.delimiter != ",":
            opts.append(f"DELIMITER = {quote_literal(obj.delimiter)}")
        if obj.collatable:
            opts.append("COLLATABLE = true")
        body = ",\n  ".join(opts)
        return [stmt(f"CREATE TYPE {obj.qualified_name} (\n  {body}\n)", obj, "create"),
                *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP TYPE {obj.qualified_name} CASCADE", obj, "drop", drops=self.takes_along(obj, ctx))]

    def takes_along(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """The shell and the support functions: the CASCADE drops them with the type (the
        planner then writes no DROP of their own, and recreates what the source keeps)."""
        assert isinstance(obj, BaseType)
        keys = (f"shell_type:{obj.qualified_name}", *obj.functions)
        return tuple(k for k in keys if ctx.in_target(k) is not None)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(new, BaseType)
        fixed = changed - _SETTABLE
        if fixed:
            raise PlanError(
                f"base type {new.qualified_name} differs in {', '.join(sorted(fixed))}, which only recreating it "
                "(and every column of it) can change: pgsd does not plan that; change it by hand"
            )
        sets = [f"{word} = {getattr(new, field) or 'NONE'}" for word, field in _OPTIONAL if field in changed]
        if "storage" in changed:
            sets.append(f"STORAGE = {_STORAGE.get(new.storage, 'plain')}")
        return [stmt(f"ALTER TYPE {new.qualified_name} SET ({', '.join(sets)})", new, "alter")]


RENDERERS: dict[str, Renderer] = {
    "shell_type": ShellTypeRenderer(),
    "base_type": BaseTypeRenderer(),
}
