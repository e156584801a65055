"""Operators, operator families and operator classes (with their members).

A class's members (pg_amop/pg_amproc rows bound to it) and a family's loose members
register their OIDs under the class's or family's key, so the members' pg_depend rows
become edges from the class or family to the operators and functions it uses: a
function used by an operator used by a class used by an index is ordered, created and
dropped as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.model.names import qualified, quote_ident
from pgsd.model.objects import DbObject, Operator, OperatorClass, OperatorFamily, OperatorMember


def operator_name(schema: str, symbol: str) -> str:
    """``s.=~``: the schema quoted, the symbol as it is (operators are not identifiers)."""
    return f"{quote_ident(schema)}.{symbol}"


def _members(ctx: LoadContext, items: Iterable[list[Any]], key: str) -> tuple[OperatorMember, ...]:
    out = []
    for oid, member, number, left, right, schema, target, sort_schema, sort_name in items:
        catalog = "pg_amop" if member == "operator" else "pg_amproc"
        ctx.register(catalog, int(oid), key)
        out.append(OperatorMember(
            member=member, number=number, left=left, right=right,
            target=operator_name(schema, target) if member == "operator" else target,
            order_by=qualified(sort_schema, sort_name) if sort_name else None,
        ))
    return tuple(sorted(out, key=lambda m: (m.member != "operator", m.number, m.left, m.right)))


def load_operators(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("operators"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = Operator(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            left=row["left"], right=row["right"], result=row["result"], function=row["function"],
            commutator=(operator_name(row["commutator_schema"], row["commutator_name"])
                        if row["commutator_name"] else None),
            negator=operator_name(row["negator_schema"], row["negator_name"]) if row["negator_name"] else None,
            restrict=row["restrict"], join=row["join"], hashes=row["hashes"], merges=row["merges"],
        )
        out.append(obj)
        ctx.register("pg_operator", row["oid"], obj.key)
    return out


def load_operator_families(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("operator_families"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = OperatorFamily(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            method=row["method"],
        )
        obj = obj.model_copy(update={"members": _members(ctx, row["members"] or (), obj.key)})
        out.append(obj)
        ctx.register("pg_opfamily", row["oid"], obj.key)
    return out


def load_operator_classes(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("operator_classes"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = OperatorClass(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            method=row["method"], type=row["type"], family=qualified(row["family_schema"], row["family_name"]),
            is_default=row["is_default"], storage=row["storage"],
        )
        obj = obj.model_copy(update={"members": _members(ctx, row["members"] or (), obj.key)})
        out.append(obj)
        ctx.register("pg_opclass", row["oid"], obj.key)
    return out
