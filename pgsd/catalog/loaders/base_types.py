"""Base types (defined with input/output functions) and shell types.

A defined base type is read as two objects: its shell (``shell_type:s.t``, the name that
``CREATE TYPE s.t`` reserves) and its definition (``base_type:s.t``). The catalog has
one row for both, and a cycle between it and its support functions (each function takes
or returns the type; the type names the functions). The cycle is cut here: the edges from
a type's own support functions to the type are handed to the dependency loader to point
at the shell instead (``ctx.shared["edge_rewrites"]``), so the plan comes out of the graph
as shell, functions, full type; everything else that uses the type (a column, another
function) depends on the full type.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.catalog.loaders.routines import function_key
from pgsd.model.objects import BaseType, DbObject, ShellType
from pgsd.model.snapshot import Dependency


def load_base_types(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    rewrites: dict[tuple[str, str], Dependency] = ctx.shared.setdefault("edge_rewrites", {})
    for row in ctx.fetch("base_types"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        shell = ShellType(schema_name=row["schema_name"], name=row["name"], owner=row["owner"],
                          comment=None if row["is_defined"] else row["comment"])
        out.append(shell)
        if not row["is_defined"]:
            ctx.register("pg_type", row["oid"], shell.key)
            continue
        functions = tuple(sorted(function_key(s, n, a) for s, n, a in row["support_functions"] or ()))
        obj = BaseType(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            input=row["input"], output=row["output"], receive=row["receive"], send=row["send"],
            typmod_in=row["typmod_in"], typmod_out=row["typmod_out"], analyze=row["analyze"],
            subscript=row["subscript"], internal_length=row["internal_length"],
            passed_by_value=row["passed_by_value"], alignment=row["alignment"], storage=row["storage"],
            category=row["category"], preferred=row["preferred"], default=row["default"],
            element=row["element"], delimiter=row["delimiter"], collatable=row["collatable"],
            functions=functions,
        )
        out.append(obj)
        ctx.register("pg_type", row["oid"], obj.key)
        for fn in functions:
            rewrites[(fn, obj.key)] = Dependency(fn, shell.key)
    return out
