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
