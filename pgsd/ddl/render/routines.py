"""Functions (with procedures, aggregates and window functions) and event triggers.

A routine is created from its stored definition as is: ``pg_get_functiondef`` prints a
complete ``CREATE OR REPLACE FUNCTION|PROCEDURE`` (language, volatility, strictness,
SECURITY DEFINER, PARALLEL, COST, ROWS, SET, LEAKPROOF and body are all in it), and the
catalog loader builds a ``CREATE AGGREGATE`` for aggregates. So every change to one of
those attributes is applied by running the new definition again, which PostgreSQL
accepts as long as the kind, the result type and the argument list (names, defaults)
stay the same, and which keeps the routine's OID, owner, grants and dependents.

Aggregates have no such path here: any change recreates them.

Routines are named by signature everywhere: ``FUNCTION s.f(integer, text)``. Aggregates
are ``AGGREGATE s.a(integer)`` for COMMENT/ALTER/DROP but ``FUNCTION`` for GRANT (which
has no AGGREGATE form), and an aggregate without arguments is written ``s.a(*)``.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, stmt
from pgsd.model.names import quote_literal
from pgsd.model.objects import DbObject, EventTrigger, Function

# Fields whose value is written inside the definition text: changing them is just
# running CREATE OR REPLACE again.
_IN_DEFINITION = frozenset({
    "definition", "language", "volatility", "strict", "security_definer", "leakproof",
    "parallel", "cost", "rows", "config", "body_references_untracked", "identity_arguments",
})

# ALTER EVENT TRIGGER / ALTER TABLE words for pg_trigger.tgenabled-style letters.
ENABLE_WORDS = {"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}


def routine_arguments(fn: Function) -> str:
    """The argument list that identifies ``fn`` (``*`` for an aggregate without arguments)."""
    if fn.routine_kind == "a" and not fn.argument_types:
        return "*"
    return fn.argument_types


def function_reference(key: str, ctx: RenderContext) -> str:
    """``s.f`` for a function key, for EXECUTE FUNCTION / HANDLER clauses.

    The function is looked up in the source snapshot; when it is not there (filtered
    out, or a built-in), the key text itself already holds the quoted qualified name.
    """
    fn = ctx.in_source(key)
    if isinstance(fn, Function):
        return fn.qualified_name
    name = key.removeprefix("function:")
    if name.endswith(")") and "(" in name:
        # The argument list starts at the first "(" outside a quoted identifier.
        in_quotes = False
        for i, ch in enumerate(name):
            if ch == '"':
                in_quotes = not in_quotes
            elif ch == "(" and not in_quotes:
                return name[:i]
    return name


class FunctionRenderer(Renderer):
    """Functions, procedures, window functions and aggregates: one kind in the model."""

    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, Function)
        return f"{obj.sql_kind()} {obj.qualified_name}({routine_arguments(obj)})"

    def grant_target(self, obj: DbObject) -> str:
        assert isinstance(obj, Function)
        word = "PROCEDURE" if obj.routine_kind == "p" else "FUNCTION"
        # GRANT takes a plain function argument list: no "*", and an ordered-set
        # aggregate's direct and aggregated arguments as one flat list (which
        # argument_types already is).
        return f"{word} {obj.qualified_name}({obj.argument_types})"

    def default_acl(self, obj: DbObject) -> tuple[str, ...] | None:
        # Every new routine is executable by PUBLIC unless default privileges say otherwise.
        return ("PUBLIC=X",)

    def _definition_statement(self, fn: Function, action: str) -> Statement:
        hazards = []
        if fn.body_references_untracked:
            hazards.append(hazard(
                HazardType.UNTRACKED_DEPENDENCIES,
                f"the body of {fn.signature} is not tracked by the catalog: "
                "objects it uses are not ordered before it",
            ))
        return stmt(fn.definition.rstrip().removesuffix(";").rstrip(), fn, action, *hazards)

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Function)
        return [self._definition_statement(obj, "create"),
                *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Function)
        if any(obj.key in t.functions and ctx.in_source(t.key) is None  # type: ignore[attr-defined]
               for t in ctx.target.of_kind("base_type")):
            return []  # the support function of a dropped base type: DROP TYPE ... CASCADE takes it (base_types)
        return [stmt(f"DROP {self.object_ref(obj)}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Function) and isinstance(new, Function)
        # A new kind, result type or argument list (names, defaults) is refused by
        # CREATE OR REPLACE; aggregates are always recreated.
        if "a" in (old.routine_kind, new.routine_kind) or changed - _IN_DEFINITION:
            return None
        if not changed & (_IN_DEFINITION - {"body_references_untracked", "identity_arguments"}):
            return []
        return [self._definition_statement(new, "alter")]

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        return False


class EventTriggerRenderer(Renderer):
    """``CREATE EVENT TRIGGER``; only the enabled state can change in place."""

    def _enable_statement(self, obj: EventTrigger) -> Statement:
        word = ENABLE_WORDS.get(obj.enabled, "ENABLE")
        return stmt(f"ALTER EVENT TRIGGER {obj.qualified_name} {word}", obj, "alter")

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, EventTrigger)
        sql = f"CREATE EVENT TRIGGER {obj.qualified_name} ON {obj.event}"
        if obj.tags:
            sql += f"\n  WHEN TAG IN ({', '.join(quote_literal(t) for t in obj.tags)})"
        sql += f"\n  EXECUTE FUNCTION {function_reference(obj.function, ctx)}()"
        out = [stmt(sql, obj, "create")]
        if obj.enabled != "O":
            out.append(self._enable_statement(obj))
        out += self.after_create(obj, ctx, compare_owner=ctx.options.owners)
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP EVENT TRIGGER {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(new, EventTrigger)
        if changed != {"enabled"}:
            return None
        return [self._enable_statement(new)]


RENDERERS: dict[str, Renderer] = {
    "function": FunctionRenderer(),
    "event_trigger": EventTriggerRenderer(),
}
