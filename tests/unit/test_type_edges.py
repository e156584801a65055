"""through_column_types: what reads a column of a user type depends on the type too."""

from __future__ import annotations

from pgsd.catalog.loaders.dependencies import through_column_types
from pgsd.model.objects import Column, Domain, Table, View
from pgsd.model.snapshot import Dependency


def test_a_view_reading_a_column_of_a_domain_depends_on_the_domain():
    objects = [
        Domain(schema_name="public", name="sku", base_type="text"),
        Table(schema_name="public", name="t"),
        Column(schema_name="public", table="t", name="code", type="public.sku[]", position=1),
        Column(schema_name="public", table="t", name="id", type="integer", position=2),
        View(schema_name="public", name="v", definition="SELECT 1"),
    ]
    edges = [Dependency("view:public.v", "column:public.t.code"), Dependency("view:public.v", "column:public.t.id"),
             Dependency("column:public.t.code", "domain:public.sku")]
    out = through_column_types(objects, edges)
    assert Dependency("view:public.v", "domain:public.sku") in out
    assert len(out) == 4 and out == sorted(out)  # a column's own edge to its type is not repeated


def test_nothing_added_without_user_types():
    edges = [Dependency("view:public.v", "column:public.t.id")]
    assert through_column_types([Table(schema_name="public", name="t")], edges) is edges
