"""User-defined types: enums, domains, composite types and range types (one query each).

Built without validation (``from_catalog``, see pgsd.model.fast): a generated schema
has about as many types as tables.

Every type registers its own ``pg_type`` OID and its array type's, so a column of type
``shop.status[]`` depends on ``enum:shop.status`` (the README's "an array type counts as
its element type"). Composite types also register their ``pg_class`` row, because
pg_depend records their attributes' type references against it. Domain CHECK
constraints register their ``pg_constraint`` OIDs to the domain, so a check calling a
function makes the domain depend on that function.
"""

from __future__ import annotations

from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.model.fast import from_catalog
from pgsd.model.names import default_multirange_name, qualified
from pgsd.model.objects import (
    CompositeAttribute,
    CompositeType,
    DbObject,
    Domain,
    DomainCheck,
    EnumType,
    RangeType,
)


def _common(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_name": row["schema_name"],
        "name": row["name"],
        "owner": row["owner"],
        "comment": row["comment"],
        "acl": normalise_acl(row["acl"], row["owner"]),
    }


def _maybe_qualified(schema: str | None, name: str | None) -> str | None:
    return qualified(schema, name) if name is not None else None


def _register_type(ctx: LoadContext, row: dict[str, Any], key: str) -> None:
    ctx.register("pg_type", row["oid"], key)
    if row.get("typarray"):
        ctx.register("pg_type", row["typarray"], key)


def load_types(ctx: LoadContext) -> list[DbObject]:
    """All four kinds of user type, in a fixed number of queries (one per kind)."""
    out: list[DbObject] = []
    out.extend(_load_enums(ctx))
    out.extend(_load_domains(ctx))
    out.extend(_load_composites(ctx))
    out.extend(_load_ranges(ctx))
    return out


def _load_enums(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("types_enum"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = EnumType.from_catalog(**_common(row), labels=tuple(row["labels"]))
        out.append(obj)
        _register_type(ctx, row, obj.key)
    return out


def _load_domains(ctx: LoadContext) -> list[DbObject]:
    """Domains with their CHECK constraints (sorted by name, as the query aggregates them)."""
    out: list[DbObject] = []
    for row in ctx.fetch("types_domain"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        checks = row["checks"] or []
        obj = Domain.from_catalog(
            **_common(row),
            base_type=row["base_type"],
            default=row["default"],
            not_null=row["not_null"],
            collation=_maybe_qualified(row["collation_schema"], row["collation_name"]),
            checks=tuple(
                from_catalog(
                    DomainCheck,
                    name=c["name"],
                    definition=c["definition"],
                    validated=c["validated"],
                    comment=c["comment"],
                )
                for c in checks
            ),
        )
        out.append(obj)
        _register_type(ctx, row, obj.key)
        for c in checks:
            ctx.register("pg_constraint", c["oid"], obj.key)
    return out


def _load_composites(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("types_composite"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        names = row["names"] or ()
        attributes = tuple(
            from_catalog(CompositeAttribute, name=name, type=typ, collation=_maybe_qualified(cs, cn))
            for name, typ, cs, cn in zip(
                names, row["types"] or (), row["collation_schemas"] or (), row["collation_names"] or (), strict=True
            )
        )
        comments = tuple(zip(row["commented"] or (), row["comments"] or (), strict=True))
        obj = CompositeType.from_catalog(**_common(row), attributes=attributes, attribute_comments=comments)
        out.append(obj)
        _register_type(ctx, row, obj.key)
        ctx.register("pg_class", row["typrelid"], obj.key)
    return out


def _load_ranges(ctx: LoadContext) -> list[DbObject]:
    """Range types; the multirange name is kept only when it is not the default one,
    so a range reads the same on 13 (no multiranges) as on 14+ unless it was named."""
    out: list[DbObject] = []
    for row in ctx.fetch("types_range"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        multirange = row["multirange_name"]
        if multirange is not None and multirange == default_multirange_name(row["name"]):
            multirange = None
        obj = RangeType.from_catalog(
            **_common(row),
            subtype=row["subtype"],
            subtype_opclass=_maybe_qualified(row["opclass_schema"], row["opclass_name"]),
            collation=_maybe_qualified(row["collation_schema"], row["collation_name"]),
            canonical=_maybe_qualified(row["canonical_schema"], row["canonical_name"]),
            subtype_diff=_maybe_qualified(row["subdiff_schema"], row["subdiff_name"]),
            multirange_name=multirange,
        )
        out.append(obj)
        _register_type(ctx, row, obj.key)
        if row["multirange_oid"]:
            # A column of the multirange type needs the range type.
            ctx.register("pg_type", row["multirange_oid"], obj.key)
            if row["multirange_array"]:
                ctx.register("pg_type", row["multirange_array"], obj.key)
    return out
