"""Views and materialized views.

A view's columns are part of the view (its definition decides them), so they are not
separate objects; but pg_depend records references *to* them (another view selecting
``v.col``), so every column's (pg_class, oid, attnum) is registered to the view key, as
are the view's row type and its array type, which functions and columns can reference.
"""

from __future__ import annotations

from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.model.objects import DbObject, MaterializedView, View


def _column_comments(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(zip(row["commented_columns"] or (), row["column_comments"] or (), strict=True))


def load_views(ctx: LoadContext) -> list[DbObject]:
    """Both relkinds come from one query; the shared fields are built once."""
    out: list[DbObject] = []
    for row in ctx.fetch("views"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        fields: dict[str, Any] = dict(
            schema_name=row["schema_name"],
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            definition=row["definition"],
            columns=tuple(row["columns"] or ()),
            column_types=tuple(row["column_types"] or ()),
            options=tuple(sorted(row["options"] or ())),
            column_comments=_column_comments(row),
        )
        obj: View | MaterializedView
        if row["relkind"] == "m":
            obj = MaterializedView(**fields, tablespace=row["tablespace"], is_populated=row["is_populated"])
        else:
            obj = View(**fields)
        out.append(obj)
        ctx.register("pg_class", row["oid"], obj.key)
        ctx.register("pg_type", row["reltype"], obj.key)
        if row["reltype_array"]:
            ctx.register("pg_type", row["reltype_array"], obj.key)
        for attnum in row["attnums"] or ():
            ctx.register("pg_class", row["oid"], obj.key, attnum)
    return out
