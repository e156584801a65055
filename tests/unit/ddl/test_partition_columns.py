"""A partition's own NOT NULL and defaults (``Table.partition_columns``): compared, created,
written again after the parent's ALTER COLUMN reached them (hand-built snapshots)."""

from __future__ import annotations

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.model.objects import PartitionColumn, Table
from tests.unit.ddl.test_planner import col, index_of, snap, sql_of

PARENT = Table(schema_name="public", name="m", is_partitioned=True, partition_key="RANGE (id)")


def part(name: str, *own: PartitionColumn) -> Table:
    return Table(schema_name="public", name=name, partition_of="public.m",
                 partition_bound="FOR VALUES FROM (0) TO (10)", partition_columns=own)


def plan(source, target) -> list[str]:
    return sql_of(build_plan(diff_snapshots(source=source, target=target)))


def test_own_not_null_is_compared_and_set():
    v = col("m", "v")
    lines = plan(snap(PARENT, v, part("m1", PartitionColumn(name="v", not_null=True))), snap(PARENT, v, part("m1")))
    assert lines == ["ALTER TABLE public.m1 ALTER COLUMN v SET NOT NULL"]
    lines = plan(snap(PARENT, v, part("m1")), snap(PARENT, v, part("m1", PartitionColumn(name="v", not_null=True))))
    assert lines == ["ALTER TABLE public.m1 ALTER COLUMN v DROP NOT NULL"]


def test_own_default_is_written_again_after_the_parents_default_changes():
    own = PartitionColumn(name="v", default="42")
    before = snap(PARENT, col("m", "v", default="1"), part("m1", own))
    after = snap(PARENT, col("m", "v", default="2"), part("m1", own))
    lines = plan(after, before)
    # the parent's SET DEFAULT reaches m1: its own default follows it
    assert index_of(lines, "public.m ALTER COLUMN v SET DEFAULT 2") < index_of(lines, "public.m1 ALTER COLUMN v SET DEFAULT 42")


def test_new_partition_gets_its_own_settings_after_partition_of():
    v = col("m", "v", default="1")
    new = part("m1", PartitionColumn(name="v", not_null=True, default=None))
    lines = plan(snap(PARENT, v, new), snap(PARENT, v))
    assert lines[0].startswith("CREATE TABLE public.m1 PARTITION OF public.m")
    assert lines[1:] == ["ALTER TABLE public.m1 ALTER COLUMN v DROP DEFAULT", "ALTER TABLE public.m1 ALTER COLUMN v SET NOT NULL"]


def test_attach_sets_not_null_the_parent_requires_first():
    parent_col = col("m", "k", not_null=True)
    loose = Table(schema_name="public", name="t")
    lines = plan(snap(PARENT, parent_col, part("t")), snap(PARENT, parent_col, loose, col("t", "k")))
    assert index_of(lines, "public.t ALTER COLUMN k SET NOT NULL") < index_of(lines, "ATTACH PARTITION public.t")
