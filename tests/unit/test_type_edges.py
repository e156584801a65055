"""through_column_types: what reads a column of a user type depends on the type too."""

from __future__ import annotations

from operator import attrgetter

from pgsd.catalog.loaders.dependencies import through_column_types
from pgsd.model.objects import Column, Domain, EnumType, MaterializedView, Schema, Table, View
from pgsd.model.snapshot import Dependency


def test_a_view_reading_a_column_of_a_domain_depends_on_the_domain():
    objects = [
        Domain(schema_name="public", name="sku", base_type="text"),
        Table(schema_name="public", name="t"),
        Column(schema_name="public", table="t", name="code", type="public.sku[]", position=1),
        Column(schema_name="public", table="t", name="id", type="integer", position=2),
        View(schema_name="public", name="v", definition="SELECT 1"),
    ]
    objects.sort(key=attrgetter("key"))  # as Inspection.run hands them over
    edges = [Dependency("view:public.v", "column:public.t.code"), Dependency("view:public.v", "column:public.t.id"),
             Dependency("column:public.t.code", "domain:public.sku")]
    out = through_column_types(objects, edges)
    assert Dependency("view:public.v", "domain:public.sku") in out
    assert len(out) == 4 and out == sorted(out)  # a column's own edge to its type is not repeated


def test_nothing_added_without_user_types():
    edges = [Dependency("view:public.v", "column:public.t.id")]
    assert through_column_types([Table(schema_name="public", name="t")], edges) is edges


def test_every_user_type_kind_and_array_columns_are_found_among_other_kinds():
    objects = sorted([
        EnumType(schema_name="s", name="mood", labels=("a",)),
        Domain(schema_name="s", name="posint", base_type="integer"),
        Table(schema_name="s", name="t"),
        Column(schema_name="s", table="t", name="m", type="s.mood[]", position=1),
        Column(schema_name="s", table="t", name="p", type="s.posint", position=2),
        Column(schema_name="s", table="t", name="x", type="s.mood_other", position=3),
        Schema(name="s"),
        View(schema_name="s", name="v", definition="SELECT 1"),
        MaterializedView(schema_name="s", name="mv", definition="SELECT 1"),
    ], key=attrgetter("key"))
    edges = sorted([Dependency("view:s.v", "column:s.t.m"), Dependency("materialized_view:s.mv", "column:s.t.p"),
                    Dependency("view:s.v", "column:s.t.x"), Dependency("view:s.v", "schema:s"),
                    Dependency("view:s.v", "enum:s.mood")])  # already there: not repeated
    out = through_column_types(objects, edges)
    assert out == sorted(set(out))
    assert set(out) - set(edges) == {Dependency("materialized_view:s.mv", "domain:s.posint")}
