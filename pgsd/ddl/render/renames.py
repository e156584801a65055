"""The statements of decided renames: ``ALTER ... RENAME TO``, ``SET SCHEMA``, ``RENAME COLUMN``,
``RENAME CONSTRAINT``, ``RENAME VALUE`` and ``ALTER SCHEMA ... RENAME``.

They run first in a plan, in the order ``pgsd.diff.renames.rename_target`` made them
(schemas, then what lives in a schema, then columns, constraints, indexes and enum
labels), each naming the object as it is at that moment. Everything the planner adds
after them reads the target as it is once they ran. What refers to a renamed object
through the catalog follows by itself; a function body that names it by text does not,
and the statement carries the untracked-dependencies hazard naming those functions.
"""

from __future__ import annotations

from collections.abc import Sequence

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import Renderer
from pgsd.diff.renames import LABEL_KIND, RenameStep
from pgsd.model.names import qualified, quote_ident, quote_literal
from pgsd.model.objects import DbObject, Function, TableChild

ALTER_WORD = {
    "table": "TABLE", "foreign_table": "FOREIGN TABLE", "view": "VIEW", "materialized_view": "MATERIALIZED VIEW",
    "sequence": "SEQUENCE", "index": "INDEX", "enum": "TYPE", "composite": "TYPE", "range": "TYPE",
    "domain": "DOMAIN", "schema": "SCHEMA",
}


def rename_statements(steps: Sequence[RenameStep], ctx: RenderContext,
                      renderers: dict[str, Renderer] | None = None) -> list[Statement]:
    out: list[Statement] = []
    for step in steps:
        out += _statements(step, ctx, renderers or {})
    return out


def _statements(step: RenameStep, ctx: RenderContext, renderers: dict[str, Renderer]) -> list[Statement]:
    obj = step.obj
    if step.creates_schema:
        schema_renderer = renderers.get("schema")
        if schema_renderer is not None:
            made = schema_renderer.create(obj, ctx)
        else:
            made = [Statement(sql=f"CREATE SCHEMA {quote_ident(obj.name)}", key=obj.key, action="create")]
        return [s.model_copy(update={"reason": step.reason}) for s in made]
    sql = _sql(step, obj)
    hazards: tuple[Hazard, ...] = ()
    if step.text_references:
        names = ", ".join(step.text_references[:5]) + (f" and {len(step.text_references) - 5} more"
                                                        if len(step.text_references) > 5 else "")
        hazards = (Hazard(type=HazardType.UNTRACKED_DEPENDENCIES,
                          message=f"renaming {_what(step)}: the body of {names} names it by text, which "
                                  "the rename does not change: check and update it"),)
    return [Statement(sql=sql, key=step.key or obj.key, action="alter", reason=step.reason, hazards=hazards)]


def _what(step: RenameStep) -> str:
    if step.kind in ("column", "constraint", LABEL_KIND):
        return f"{step.obj.display_name}.{quote_ident(step.old_child or '')}"
    return step.obj.display_name


def _sql(step: RenameStep, obj: DbObject) -> str:
    kind = step.kind
    if kind == "schema":
        return f"ALTER SCHEMA {quote_ident(obj.name)} RENAME TO {quote_ident(step.new_name or obj.name)}"
    if kind == LABEL_KIND:
        return (f"ALTER TYPE {obj.qualified_name} RENAME VALUE {quote_literal(step.old_child or '')} "
                f"TO {quote_literal(step.new_name or '')}")
    if kind in ("column", "constraint"):
        word = "COLUMN" if kind == "column" else "CONSTRAINT"
        table = "FOREIGN TABLE" if obj.kind == "foreign_table" else "TABLE"
        return (f"ALTER {table} {obj.qualified_name} RENAME {word} {quote_ident(step.old_child or '')} "
                f"TO {quote_ident(step.new_name or '')}")
    if isinstance(obj, Function):
        head = f"ALTER {obj.sql_kind()} {obj.qualified_name}({obj.argument_types})"
    elif isinstance(obj, TableChild):  # an index: named by its schema
        head = f"ALTER {ALTER_WORD[kind]} {qualified(obj.schema_name, obj.name)}"
    else:
        head = f"ALTER {ALTER_WORD[kind]} {obj.qualified_name}"
    if step.new_schema is not None:
        return f"{head} SET SCHEMA {quote_ident(step.new_schema)}"
    return f"{head} RENAME TO {quote_ident(step.new_name or obj.name)}"
