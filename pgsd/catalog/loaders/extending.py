"""Casts, procedural languages, conversions and transforms: what extends SQL itself.

One query per kind. Casts, languages and transforms are database-wide (no schema filter,
no name globs: their identity is not a name); conversions live in a schema. Each object
registers its OID, so pg_depend gives the ordering edges: a cast on its types and
function, a language on its handlers, a transform on its type, language and functions,
and a function on its language.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.model.objects import Cast, Conversion, DbObject, Language, Transform


def load_casts(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("casts"):
        obj = Cast(
            name=f"{row['source']} AS {row['target']}", comment=row["comment"],
            source=row["source"], target=row["target"], method=row["method"],
            function=row["function"], context=row["context"],
        )
        out.append(obj)
        ctx.register("pg_cast", row["oid"], obj.key)
    return out


def load_languages(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("languages"):
        obj = Language(
            name=row["name"], owner=row["owner"], comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            trusted=row["trusted"], handler=row["handler"], inline=row["inline"], validator=row["validator"],
        )
        out.append(obj)
        ctx.register("pg_language", row["oid"], obj.key)
    return out


def load_conversions(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("conversions"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = Conversion(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            source_encoding=row["source_encoding"], target_encoding=row["target_encoding"],
            function=row["function"], is_default=row["is_default"],
        )
        out.append(obj)
        ctx.register("pg_conversion", row["oid"], obj.key)
    return out


def load_transforms(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("transforms"):
        obj = Transform(
            name=f"{row['type']} LANGUAGE {row['language']}", comment=row["comment"],
            type=row["type"], language=row["language"], from_sql=row["from_sql"], to_sql=row["to_sql"],
        )
        out.append(obj)
        ctx.register("pg_transform", row["oid"], obj.key)
    return out
