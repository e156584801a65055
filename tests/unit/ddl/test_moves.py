"""Rows that move (render/moves.py): a table made anew, partitions whose bounds change
(hand-built snapshots; the acceptance cases apply such plans to real databases)."""

from __future__ import annotations

import pytest

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.errors import PlanError
from pgsd.model.objects import Constraint, Table
from tests.unit.ddl.test_planner import col, index_of, snap, sql_of


def plan(source, target) -> list[str]:
    return sql_of(build_plan(diff_snapshots(source=source, target=target)))


def parted(name: str = "m", key: str = "RANGE (id)") -> Table:
    return Table(schema_name="public", name=name, is_partitioned=True, partition_key=key)


def part(name: str, bound: str, parent: str = "public.m") -> Table:
    return Table(schema_name="public", name=name, partition_of=parent, partition_bound=bound)


def test_plain_table_made_partitioned_keeps_its_rows():
    fk = Constraint(schema_name="public", table="r", name="r_fk", type="f", definition="FOREIGN KEY (m_id) REFERENCES public.m(id)",
                    references="public.m")
    common = (col("m", "id"), Table(schema_name="public", name="r"), col("r", "m_id"), fk)
    deps = ((fk.key, "table:public.m"),)
    lines = plan(snap(parted(), part("m1", "FOR VALUES FROM (0) TO (10)"), *common, deps=deps),
                 snap(Table(schema_name="public", name="m"), *common, deps=deps))
    hold = index_of(lines, "CREATE TABLE public.m__pgsd_rows AS SELECT id FROM ONLY public.m")
    assert hold < index_of(lines, "DROP TABLE public.m")
    insert = index_of(lines, "INSERT INTO public.m (id) SELECT id FROM public.m__pgsd_rows")
    assert index_of(lines, "CREATE TABLE public.m1 PARTITION OF") < insert < index_of(lines, "DROP TABLE public.m__pgsd_rows")
    assert insert < index_of(lines, "ADD CONSTRAINT r_fk")  # the key checks the rows brought back


def test_partitioned_table_without_partitions_in_the_source_is_made_empty():
    lines = plan(snap(parted(), col("m", "id")), snap(Table(schema_name="public", name="m"), col("m", "id")))
    assert not [line for line in lines if "__pgsd_rows" in line]


def test_partitions_that_change_bounds_let_go_of_all_old_bounds_first():
    target = snap(parted(), col("m", "id"), part("m1", "FOR VALUES FROM (0) TO (10)"),
                  part("m2", "FOR VALUES FROM (10) TO (20)"))
    source = snap(parted(), col("m", "id"), part("m1", "FOR VALUES FROM (0) TO (5)"),
                  part("m2", "FOR VALUES FROM (5) TO (20)"), part("m1b", "FOR VALUES FROM (20) TO (30)"))
    lines = plan(source, target)
    detaches = [i for i, line in enumerate(lines) if "DETACH PARTITION" in line]
    attaches = [i for i, line in enumerate(lines) if "ATTACH PARTITION" in line and "DETACH" not in line]
    inserts = [i for i, line in enumerate(lines) if line.startswith("INSERT INTO public.m ")]
    assert len(detaches) == 2 and len(attaches) == 2 and len(inserts) == 2
    created = index_of(lines, "CREATE TABLE public.m1b PARTITION OF")
    assert max(detaches) < min(attaches) and max(attaches) < created < min(inserts)


def test_bounds_are_not_moved_under_a_foreign_key():
    fk = Constraint(schema_name="public", table="r", name="r_fk", type="f", definition="FOREIGN KEY (m_id) REFERENCES public.m(id)",
                    references="public.m")
    other = (Table(schema_name="public", name="r"), col("r", "m_id"), fk, col("m", "id"))
    target = snap(parted(), part("m1", "FOR VALUES FROM (0) TO (10)"), *other)
    source = snap(parted(), part("m1", "FOR VALUES FROM (0) TO (5)"), *other)
    with pytest.raises(PlanError, match=r"public\.m.*public\.r\.r_fk"):
        plan(source, target)


def _hazards(source, target) -> dict[str, set[str]]:
    """First line of each statement -> the messages of its fires-triggers hazards."""
    from pgsd.ddl.plan import HazardType  # noqa: PLC0415

    return {s.sql.splitlines()[0]: {h.message for h in s.hazards if h.type is HazardType.FIRES_TRIGGERS}
            for s in build_plan(diff_snapshots(source=source, target=target)).statements}


def _trigger(table: str, name: str, timing_events: str, *, row: bool = True, enabled: str = "O"):
    from pgsd.model.names import quote_ident  # noqa: PLC0415
    from pgsd.model.objects import Trigger  # noqa: PLC0415

    each = "ROW" if row else "STATEMENT"
    return Trigger(schema_name="public", table=table, name=name, enabled=enabled,
                   definition=f"CREATE TRIGGER {quote_ident(name)} {timing_events} ON public.{table} FOR EACH {each} "
                              "EXECUTE FUNCTION public.audit()")


def test_moved_rows_name_the_triggers_they_fire():
    """New bounds move rows: the truncate, and the insert back through the parent, say which
    triggers fire (the parent's, cloned onto its partitions, and a partition's own row trigger;
    not a partition's statement trigger, which an insert through the parent does not fire);
    disabled, replica-only and update-only triggers and a name that looks like an event are left out."""
    triggers = (_trigger("m", "audit_rows", "AFTER INSERT OR DELETE"),
                _trigger("m", "on_update", "AFTER UPDATE"),
                _trigger("m", "off", "AFTER INSERT", enabled="D"),
                _trigger("m", "replica_only", "AFTER INSERT", enabled="R"),
                _trigger("m2", "INSERT ON m2 ", "BEFORE TRUNCATE", row=False),
                _trigger("m1", "m1_own", "BEFORE INSERT"),
                _trigger("m1", "m1_statement", "AFTER INSERT", row=False))
    target = snap(parted(), col("m", "id"), part("m1", "FOR VALUES FROM (0) TO (10)"),
                  part("m2", "FOR VALUES FROM (10) TO (20)"), *triggers)
    source = snap(parted(), col("m", "id"), part("m1", "FOR VALUES FROM (0) TO (5)"),
                  part("m2", "FOR VALUES FROM (5) TO (20)"), *triggers)
    hazards = _hazards(source, target)
    inserts = [h for line, h in hazards.items() if line.startswith("INSERT INTO public.m ")]
    assert inserts and all(h == {"the rows it moves fire INSERT triggers: public.m.audit_rows, public.m1.m1_own"}
                           for h in inserts)
    assert hazards["TRUNCATE public.m2"] == {'the rows it moves fire TRUNCATE triggers: public.m2."INSERT ON m2 "'}
    assert hazards["TRUNCATE public.m1"] == set()  # the parent's row triggers do not fire on TRUNCATE


def test_rows_given_to_the_default_partition_name_the_delete_and_insert_triggers():
    triggers = (_trigger("m", "audit_rows", "AFTER INSERT OR DELETE"),
                _trigger("m", "per_statement", "AFTER DELETE", row=False))
    target = snap(parted(), col("m", "id"), part("m1", "FOR VALUES FROM (0) TO (10)"), part("md", "DEFAULT"),
                  *triggers)
    source = snap(parted(), col("m", "id"), part("md", "DEFAULT"), *triggers)
    hazards = _hazards(source, target)
    delete = next(h for line, h in hazards.items() if line.startswith("CREATE TABLE public.m1__pgsd_rows AS WITH"))
    # deleting from the partition fires the parent's row trigger (cloned), not its statement trigger
    assert delete == {"the rows it moves fire DELETE triggers: public.m.audit_rows"}
    insert = next(h for line, h in hazards.items() if line.startswith("INSERT INTO public.m "))
    assert insert == {"the rows it moves fire INSERT triggers: public.m.audit_rows"}


def test_a_table_made_anew_fires_nothing():
    trg = _trigger("m", "audit_rows", "AFTER INSERT")
    lines = _hazards(snap(parted(), part("m1", "FOR VALUES FROM (0) TO (10)"), col("m", "id"), trg),
                     snap(Table(schema_name="public", name="m"), col("m", "id"), trg))
    assert all(not h for h in lines.values())  # its triggers are made after its rows are back
