"""Views and materialized views.

A view's columns are part of the view (its definition decides them), so they are not
separate objects; pg_depend's references *to* them (another view selecting ``v.col``)
read as references to the view, since the dependency loader maps an unregistered
column to its relation. The view's row type and its array type, which functions and
columns can reference, are registered to the view key.
"""

from __future__ import annotations

from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.catalog.shared_builds import shared_kind
from pgsd.model.objects import DbObject, MaterializedView, View


def _column_comments(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(zip(row["commented_columns"] or (), row["column_comments"] or (), strict=True))


def load_views(ctx: LoadContext) -> list[DbObject]:
    """Both relkinds come from one query; the shared fields are built once."""
    out: list[DbObject] = []
    shared = shared_kind(ctx, "view", not_signature=_OIDS)
    for row in ctx.fetch("views"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = shared.build(None, row, _build_view)
        out.append(obj)
        ctx.register("pg_class", row["oid"], obj.key)
        ctx.register("pg_type", row["reltype"], obj.key)
        if row["reltype_array"]:
            ctx.register("pg_type", row["reltype_array"], obj.key)
    shared.done()
    return out


_OIDS = frozenset({"oid", "reltype", "reltype_array"})


def _build_view(row: dict[str, Any]) -> View | MaterializedView:
    """The view a ``views`` row describes (from the row alone: see shared_builds)."""
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
        obj = MaterializedView.from_catalog(**fields, tablespace=row["tablespace"], is_populated=row["is_populated"])
    else:
        obj = View.from_catalog(**fields)
    return obj
