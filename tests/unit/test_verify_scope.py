"""What a --verify copy holds (workflow.verify_scope): the part of the target a plan can reach (pure)."""

from __future__ import annotations

import pytest

from pgsd.ddl.plan import Plan, Statement
from pgsd.model.objects import (
    Column,
    Constraint,
    DefaultPrivilege,
    EventTrigger,
    Index,
    Role,
    Schema,
    Sequence,
    Table,
    View,
)
from pgsd.model.snapshot import Dependency, Snapshot
from pgsd.workflow import verify_scope
from pgsd.workflow.verify_scope import plan_reach


def snap(*objects, deps=()) -> Snapshot:  # noqa: ANN001
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)),
                    dependencies=tuple(Dependency(*d) for d in deps))


def plan(*statements: tuple[str, str]) -> Plan:
    return Plan(statements=tuple(Statement(sql=sql, key=key, action="alter") for sql, key in statements))


def col(table: str, name: str, position: int = 1, **kw) -> Column:  # noqa: ANN003
    return Column(schema_name="s", table=table, name=name, type="int", position=position, **kw)


@pytest.fixture(autouse=True)
def _no_whole_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """These schemas are tiny: any part is most of the target, which would copy it whole."""
    monkeypatch.setattr(verify_scope, "WHOLE_SHARE", 1.0)


def shop() -> Snapshot:
    """customers <- orders (foreign key), a view on orders, an unrelated table, a sequence owned by a column."""
    objects = [
        Schema(name="s"),
        Table(schema_name="s", name="customers"), col("customers", "id"), col("customers", "name", 2),
        Constraint(schema_name="s", table="customers", name="customers_pkey", type="p", definition="PRIMARY KEY (id)"),
        Table(schema_name="s", name="orders"), col("orders", "id"), col("orders", "customer_id", 2),
        Constraint(schema_name="s", table="orders", name="orders_customer_fkey", type="f",
                   definition="FOREIGN KEY (customer_id) REFERENCES s.customers(id)"),
        Index(schema_name="s", table="orders", name="orders_customer_idx",
              definition="CREATE INDEX orders_customer_idx ON s.orders USING btree (customer_id)"),
        View(schema_name="s", name="big_orders", definition="SELECT id FROM s.orders"),
        Table(schema_name="s", name="unrelated"), col("unrelated", "id"),
        Sequence(schema_name="s", name="unrelated_seq", owned_by="column:s.unrelated.id"),
    ]
    fk = "constraint:s.orders.orders_customer_fkey"
    deps = [(o.key, "schema:s") for o in objects if o.kind in ("table", "view", "sequence")]
    deps += [(fk, "column:s.orders.customer_id"), (fk, "column:s.customers.id"),
             (fk, "constraint:s.customers.customers_pkey"),
             ("constraint:s.customers.customers_pkey", "column:s.customers.id"),
             ("index:s.orders_customer_idx", "column:s.orders.customer_id"),
             ("view:s.big_orders", "column:s.orders.id")]
    return snap(*objects, deps=deps)


def test_an_altered_column_brings_its_dependents_and_what_they_need() -> None:
    target = shop()
    reach = plan_reach(plan(("ALTER TABLE s.orders ALTER customer_id TYPE bigint", "column:s.orders.customer_id")),
                       target, target, ()).keys
    assert reach is not None
    # the column, its table with all its columns, what depends on it (the foreign key, the
    # index), and what the foreign key needs (the customers' key, and so the customers table)
    assert {"column:s.orders.customer_id", "table:s.orders", "column:s.orders.id",
            "constraint:s.orders.orders_customer_fkey", "index:s.orders_customer_idx",
            "constraint:s.customers.customers_pkey", "table:s.customers", "column:s.customers.id",
            "column:s.customers.name", "schema:s"} <= reach
    # the view reads orders.id, not the altered column; the unrelated table is out
    assert "view:s.big_orders" not in reach
    assert not any("unrelated" in key for key in reach)


def test_a_dropped_table_brings_what_hangs_on_its_children() -> None:
    target = shop()
    reach = plan_reach(plan(("DROP TABLE s.customers", "table:s.customers")), target, target, ()).keys
    assert reach is not None
    # the drop takes the primary key along, and the orders' foreign key depends on it: PostgreSQL
    # refuses the drop unless the foreign key goes first, so the copy must have it
    assert {"table:s.customers", "constraint:s.customers.customers_pkey",
            "constraint:s.orders.orders_customer_fkey", "table:s.orders"} <= reach
    assert "view:s.big_orders" not in reach


def test_what_differs_is_in_the_copy_even_when_no_statement_names_it() -> None:
    """A plan file edited by hand may have lost the statement of a change: the copy still holds it."""
    target = shop()
    reach = plan_reach(plan(), target, target, ["view:s.big_orders"]).keys
    assert reach is not None and {"view:s.big_orders", "column:s.orders.id", "table:s.orders"} <= reach


def test_a_new_object_brings_what_it_needs_in_the_source() -> None:
    target = shop()
    report = View(schema_name="s", name="report", definition="SELECT name FROM s.customers")
    source = snap(*target.objects, report, deps=[*target.dependencies, (report.key, "column:s.customers.name")])
    reach = plan_reach(plan(("CREATE VIEW s.report AS ...", report.key)), source, target, [report.key]).keys
    assert reach is not None
    assert report.key not in reach  # not the target's: the plan makes it
    assert {"column:s.customers.name", "table:s.customers", "column:s.customers.id"} <= reach
    assert "table:s.orders" not in reach


def test_a_sequence_goes_with_the_column_owning_it() -> None:
    target = shop()
    reach = plan_reach(plan(("ALTER TABLE s.unrelated DROP COLUMN id", "column:s.unrelated.id")), target, target, ()).keys
    assert reach is not None and "sequence:s.unrelated_seq" in reach
    reach = plan_reach(plan(("ALTER SEQUENCE s.unrelated_seq CACHE 10", "sequence:s.unrelated_seq")),
                       target, target, ()).keys
    assert reach is not None and {"column:s.unrelated.id", "table:s.unrelated"} <= reach


def test_default_privileges_are_always_copied() -> None:
    target = snap(*shop().objects, DefaultPrivilege(name="app", schema_name="s", object_type="r"),
                  deps=shop().dependencies)
    reach = plan_reach(plan(("COMMENT ON TABLE s.unrelated IS 'x'", "table:s.unrelated")), target, target, ()).keys
    assert reach is not None
    assert {o.key for o in target.of_kind("default_privilege")} <= reach
    assert "table:s.orders" not in reach


def test_event_triggers_copy_the_whole_target() -> None:
    """Their functions run on every statement, and what a function's body uses is recorded nowhere."""
    target = snap(*shop().objects, EventTrigger(name="no_drops", event="sql_drop", function="s.refuse()"),
                  deps=shop().dependencies)
    reach = plan_reach(plan(("COMMENT ON TABLE s.unrelated IS 'x'", "table:s.unrelated")), target, target, ())
    assert reach.keys is None and "event triggers" in reach.because


def test_role_changes_and_large_parts_copy_the_whole_target(monkeypatch: pytest.MonkeyPatch) -> None:
    target = snap(*shop().objects, Role(name="reader"), deps=shop().dependencies)
    assert plan_reach(plan(("ALTER ROLE reader LOGIN", "role:reader")), target, target, ()) == (
        None, "the plan changes roles")
    assert plan_reach(plan(), target, target, ["role:reader"]).keys is None
    small = plan(("COMMENT ON TABLE s.unrelated IS 'x'", "table:s.unrelated"))
    assert plan_reach(small, target, target, ()).keys is not None
    monkeypatch.setattr(verify_scope, "WHOLE_SHARE", 0.1)
    assert plan_reach(small, target, target, ()) == (None, "the plan reaches most of it")


def test_limited_to_keeps_the_edges_between_kept_objects() -> None:
    target = shop()
    part = target.limited_to({"table:s.orders", "column:s.orders.id", "view:s.big_orders", "schema:s"})
    assert {o.key for o in part.objects} == {"table:s.orders", "column:s.orders.id", "view:s.big_orders", "schema:s"}
    assert set(part.dependencies) == {("table:s.orders", "schema:s"), ("view:s.big_orders", "schema:s"),
                                      ("view:s.big_orders", "column:s.orders.id")}


def partitioned() -> Snapshot:
    """m, partitioned, with a check constraint and an index; m1 and m3 its partitions; a view on m1."""
    objects = [
        Schema(name="s"),
        Table(schema_name="s", name="m", is_partitioned=True, partition_key="RANGE (id)"),
        col("m", "id"), col("m", "v", 2),
        Constraint(schema_name="s", table="m", name="m_v_check", type="c", definition="CHECK ((v > 0))"),
        Index(schema_name="s", table="m", name="m_v", definition="CREATE INDEX m_v ON ONLY s.m USING btree (v)"),
        *(o for n in ("m1", "m3") for o in (
            Table(schema_name="s", name=n, partition_of="s.m", partition_bound="FOR VALUES FROM (0) TO (10)"),
            col(n, "id"), col(n, "v", 2))),
        View(schema_name="s", name="m1_v", definition="SELECT v FROM s.m1"),
        Table(schema_name="s", name="unrelated"), col("unrelated", "id"),
    ]
    return snap(*objects, deps=[("view:s.m1_v", "column:s.m1.v"), ("constraint:s.m.m_v_check", "column:s.m.v")])


def test_a_partition_brings_its_parent_with_everything_the_parent_holds() -> None:
    """A partition holds copies of its parent's checks and indexes: detaching it keeps them."""
    target = partitioned()
    reach = plan_reach(plan(("ALTER TABLE s.m DETACH PARTITION s.m3", "table:s.m3")), target, target, ()).keys
    assert reach is not None
    assert {"table:s.m3", "table:s.m", "constraint:s.m.m_v_check", "index:s.m_v", "column:s.m.v"} <= reach
    assert "table:s.m1" not in reach and "table:s.unrelated" not in reach


def test_a_change_to_a_parent_reaches_its_partitions_and_what_depends_on_them() -> None:
    """ALTER COLUMN TYPE on a parent goes down to every partition, and a view on a partition's column
    blocks it: the partitions' columns are linked to the parent's by pg_inherits, not by an edge."""
    target = partitioned()
    reach = plan_reach(plan(("ALTER TABLE s.m ALTER COLUMN v TYPE bigint", "column:s.m.v")), target, target, ()).keys
    assert reach is not None
    assert {"table:s.m1", "column:s.m1.v", "view:s.m1_v", "table:s.m3"} <= reach
    assert "table:s.unrelated" not in reach
