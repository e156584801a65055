"""Schemas, extensions and collations: the objects everything else lives in or refers to.

They load first so later loaders (and the dependency loader) can map a ``pg_namespace``,
``pg_extension`` or ``pg_collation`` OID to a key: a table depends on its schema, a
column on its collation, an object using an extension's type on the extension.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.model.objects import Collation, DbObject, Extension, Schema


def load_schemas(ctx: LoadContext) -> list[DbObject]:
    """Every non-system schema, ``public`` included (it is an ordinary, droppable schema).

    Object-name globs do not apply: a schema is a container, and filtering one out by
    name would orphan every object in it that the globs let through.
    """
    out: list[DbObject] = []
    for row in ctx.fetch("schemas"):
        obj = Schema(
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
        )
        out.append(obj)
        ctx.register("pg_namespace", row["oid"], obj.key)
    return out


def load_extensions(ctx: LoadContext) -> list[DbObject]:
    """Installed extensions (not plpgsql, which every database has).

    Their member objects are never listed (each query excludes deptype ``e``), so the
    extension stands for all of them; the dependency loader redirects references to a
    member to the extension's key.
    """
    out: list[DbObject] = []
    for row in ctx.fetch("extensions"):
        obj = Extension(
            name=row["name"],
            schema_name=row["schema_name"],
            version=row["version"] or "",
            owner=row["owner"],
            comment=row["comment"],
        )
        out.append(obj)
        ctx.register("pg_extension", row["oid"], obj.key)
    return out


def load_collations(ctx: LoadContext) -> list[DbObject]:
    """User collations; the query variants hide where each version keeps the locale.

    ICU (and, from 17, builtin) collations report ``locale`` with lc_collate/lc_ctype
    None; libc collations report lc_collate/lc_ctype with ``locale`` None, so the same
    collation reads the same on every supported version.
    """
    out: list[DbObject] = []
    for row in ctx.fetch("collations"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = Collation(
            schema_name=row["schema_name"],
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            provider=row["provider"],
            locale=row["locale"],
            lc_collate=row["lc_collate"],
            lc_ctype=row["lc_ctype"],
            deterministic=row["deterministic"],
            rules=row["rules"],
        )
        out.append(obj)
        ctx.register("pg_collation", row["oid"], obj.key)
    return out
