"""Ordering and propagation of the planner on hand-built snapshots (no database)."""

from __future__ import annotations

import random

from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import HazardType
from pgsd.ddl.planner import build_plan, required_changes
from pgsd.diff.changes import diff_snapshots
from pgsd.model.objects import Column, Constraint, Function, Schema, Table, View
from pgsd.model.snapshot import Dependency, Snapshot

PUBLIC = Schema(name="public")


def snap(*objects, deps=()):
    return Snapshot(
        objects=tuple(sorted((PUBLIC, *objects), key=lambda o: o.key)),
        dependencies=tuple(Dependency(dependent=a, referenced=b) for a, b in deps),
    )


def col(table, name, type_="integer", pos=1, **kw):
    return Column(schema_name="public", table=table, name=name, type=type_, position=pos, **kw)


def table(name):
    return Table(schema_name="public", name=name)


def sql_of(plan):
    return [s.sql for s in plan.statements]


def index_of(lines, needle):
    for i, line in enumerate(lines):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in plan:\n" + "\n".join(lines))


def fk_pair():
    a, b = table("a"), table("b")
    a_id, b_id, b_a = col("a", "id"), col("b", "id"), col("b", "a_id", pos=2)
    pk = Constraint(schema_name="public", table="a", name="a_pkey", type="p", definition="PRIMARY KEY (id)", index_name="a_pkey")
    fk = Constraint(
        schema_name="public", table="b", name="b_a_id_fkey", type="f",
        definition="FOREIGN KEY (a_id) REFERENCES public.a(id)", references="public.a",
    )
    deps = [(fk.key, pk.key), (fk.key, a_id.key), (fk.key, b_a.key), (pk.key, a_id.key)]
    return [a, b, a_id, b_id, b_a, pk, fk], deps


def test_foreign_key_after_primary_key_and_tables():
    objects, deps = fk_pair()
    plan = build_plan(diff_snapshots(source=snap(*objects, deps=deps), target=snap()))
    lines = sql_of(plan)
    assert index_of(lines, "CREATE TABLE public.a") < index_of(lines, "a_pkey PRIMARY KEY")
    assert index_of(lines, "CREATE TABLE public.b") < index_of(lines, "b_a_id_fkey")
    assert index_of(lines, "a_pkey PRIMARY KEY") < index_of(lines, "b_a_id_fkey")


def test_drops_in_reverse_dependency_order():
    objects, deps = fk_pair()
    plan = build_plan(diff_snapshots(source=snap(), target=snap(*objects, deps=deps)))
    lines = sql_of(plan)
    # the foreign key (or its table) goes before the table it references
    assert index_of(lines, "DROP TABLE public.b") < index_of(lines, "DROP TABLE public.a")
    # children go with their table: no separate DROP COLUMN / DROP CONSTRAINT
    assert not any("DROP COLUMN" in s or "DROP CONSTRAINT" in s for s in lines)
    assert sum(HazardType.DATA_LOSS in s.hazard_types() for s in plan.statements) == 2


def test_view_dropped_before_its_column_and_not_recreated():
    t, c1, c2 = table("t"), col("t", "keep"), col("t", "gone", pos=2)
    v = View(schema_name="public", name="v", definition=" SELECT keep, gone FROM public.t;", columns=("keep", "gone"))
    target = snap(t, c1, c2, v, deps=[(v.key, c1.key), (v.key, c2.key)])
    source = snap(t, c1)
    lines = sql_of(build_plan(diff_snapshots(source=source, target=target)))
    assert index_of(lines, "DROP VIEW public.v") < index_of(lines, "DROP COLUMN gone")
    assert not any("CREATE VIEW" in s for s in lines)


def test_type_change_recreates_dependent_view_around_it():
    t = table("t")
    old_c, new_c = col("t", "n", "integer"), col("t", "n", "bigint")
    v = View(schema_name="public", name="v", definition=" SELECT n FROM public.t;", columns=("n",))
    target = snap(t, old_c, v, deps=[(v.key, old_c.key)])
    source = snap(t, new_c, v, deps=[(v.key, new_c.key)])
    lines = sql_of(build_plan(diff_snapshots(source=source, target=target)))
    drop, alter, create = index_of(lines, "DROP VIEW"), index_of(lines, "TYPE bigint"), index_of(lines, "CREATE VIEW")
    assert drop < alter < create


def test_table_replaced_by_view_of_the_same_name():
    t, c = table("thing"), col("thing", "id")
    v = View(schema_name="public", name="thing", definition=" SELECT 1 AS id;", columns=("id",))
    lines = sql_of(build_plan(diff_snapshots(source=snap(v), target=snap(t, c))))
    assert index_of(lines, "DROP TABLE public.thing") < index_of(lines, "CREATE VIEW public.thing")


def test_function_used_by_a_view_is_created_first():
    f = Function(schema_name="public", name="f", definition="CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\n LANGUAGE sql\nAS $function$ SELECT 1 $function$\n", result="integer")
    v = View(schema_name="public", name="v", definition=" SELECT public.f() AS f;", columns=("f",))
    lines = sql_of(build_plan(diff_snapshots(source=snap(f, v, deps=[(v.key, f.key)]), target=snap())))
    assert index_of(lines, "FUNCTION public.f()") < index_of(lines, "CREATE VIEW public.v")


def test_same_input_same_sql_whatever_the_object_order():
    objects, deps = fk_pair()
    extra = [table("z"), col("z", "x"), table("m"), col("m", "y")]
    baseline = build_plan(diff_snapshots(source=snap(*objects, *extra, deps=deps), target=snap())).to_sql()
    rng = random.Random(7)
    for _ in range(5):
        shuffled = objects + extra
        rng.shuffle(shuffled)
        deps_shuffled = list(deps)
        rng.shuffle(deps_shuffled)
        source = Snapshot(
            objects=(PUBLIC, *shuffled),
            dependencies=tuple(Dependency(dependent=a, referenced=b) for a, b in deps_shuffled),
        )
        assert build_plan(diff_snapshots(source=source, target=snap())).to_sql() == baseline


def test_safe_mode_withholds_data_loss():
    t, c1, c2 = table("t"), col("t", "a"), col("t", "b", pos=2)
    plan = build_plan(diff_snapshots(source=snap(t, c1), target=snap(t, c1, c2)), PlanOptions(safe=True))
    assert plan.is_empty
    assert len(plan.withheld) == 1 and "DROP COLUMN b" in plan.withheld[0].sql
    assert any("withheld" in n for n in plan.notes)


def test_selection_pulls_in_what_a_change_needs():
    objects, deps = fk_pair()
    cs = diff_snapshots(source=snap(*objects, deps=deps), target=snap())
    fk_key = next(o.key for o in objects if o.name == "b_a_id_fkey")
    needed = required_changes(cs, {fk_key})
    assert "table:public.a" in needed and "table:public.b" in needed
    assert "constraint:public.a.a_pkey" in needed
    plan = build_plan(cs, selected={fk_key})
    assert any("b_a_id_fkey" in s.sql for s in plan.statements)


def test_transaction_wrapping_and_non_transactional_statements():
    objects, deps = fk_pair()
    plan = build_plan(diff_snapshots(source=snap(*objects, deps=deps), target=snap()), PlanOptions(lock_timeout="5s"))
    text = plan.to_sql()
    assert text.startswith("SET lock_timeout = '5s';\nBEGIN;")
    assert text.rstrip().endswith("COMMIT;")


def test_a_dropped_tables_columns_go_with_it_in_a_selection():
    """Issue 18: unticking a column of a table being dropped cannot keep the column: DROP
    TABLE takes it along, so the selection's closure brings it back, and the plan says what
    a selection left out."""
    cs = diff_snapshots(source=snap(table("keep")), target=snap(table("keep"), table("t"), col("t", "a"), col("t", "b", pos=2)))
    keys = {c.key for c in cs.changes}
    assert {"table:public.t", "column:public.t.a", "column:public.t.b"} <= keys
    needed = required_changes(cs, keys - {"column:public.t.a"})
    assert "column:public.t.a" in needed
    plan = build_plan(cs, selected=keys - {"column:public.t.a"})
    assert plan.left_out == ()
    only_b = build_plan(cs, selected={"column:public.t.b"})
    assert only_b.left_out == ("column:public.t.a", "table:public.t") or set(only_b.left_out) == {
        "column:public.t.a", "table:public.t"}


def _enum_plan(default: str | None):
    from pgsd.model.objects import EnumType

    old = EnumType(schema_name="public", name="e", labels=("a", "b"))
    new = EnumType(schema_name="public", name="e", labels=("a", "b", "c"))
    target = snap(old, table("t"), col("t", "x", "public.e"), deps=[("column:public.t.x", old.key)])
    source = snap(new, table("t"), col("t", "x", "public.e", default=default), deps=[("column:public.t.x", new.key)])
    return build_plan(diff_snapshots(source=source, target=target))


def test_enum_label_added_inside_the_transaction_when_unused():
    """Issue 18: on PostgreSQL 12+ ADD VALUE runs in the transaction unless a later
    statement uses a label it adds."""
    plan = _enum_plan(None)
    assert plan.to_sql().count("BEGIN;") == 1 and all(s.transactional for s in plan.statements)
    used = _enum_plan("'c'::public.e")
    (add,) = [s for s in used.statements if "ADD VALUE" in s.sql]
    assert not add.transactional and HazardType.CANNOT_RUN_IN_TRANSACTION in add.hazard_types()
    assert used.split_reasons() and "transaction boundary" in used.to_sql()
