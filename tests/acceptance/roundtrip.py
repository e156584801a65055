"""The convergence check every acceptance test uses: plan, apply, re-introspect, re-diff."""

from __future__ import annotations

import pytest

from pgsd.connect import ConnectionSpec
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import ChangeSet, DiffOptions, diff_snapshots
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow import apply_plan, parse_side, read_side, read_sides
from tests.acceptance.rows import lost_rows, read_rows


def describe(cs: ChangeSet) -> str:
    lines = []
    for c in cs.changes:
        if c.same_meaning:
            continue
        fields = "; ".join(f"{f.name}: {f.old!r} -> {f.new!r}" for f in c.fields)
        lines.append(f"  {c.status.value} {c.key} {fields}")
    return "\n".join(lines)


def assert_same_as_alone(snapshot: Snapshot, dsn: str, side: str, filters: Filters) -> None:
    """A side read beside the other (sharing the objects both read identically, see
    catalog.shared_builds) must be exactly what reading it alone gives."""
    alone = read_side(dsn, side, filters=filters)
    assert snapshot.objects == alone.objects, f"{side} read beside the other side differs from {side} read alone"
    assert snapshot.dependencies == alone.dependencies


def converge(
    source_dsn: str,
    target_dsn: str,
    *,
    filters: Filters | None = None,
    diff_options: DiffOptions | None = None,
    plan_options: PlanOptions | None = None,
) -> str:
    """Apply the plan source -> target, then assert nothing is left and the target's rows
    survived (see tests.acceptance.rows); returns the script."""
    filters = filters or Filters()
    both = read_sides({"source": parse_side(source_dsn), "target": parse_side(target_dsn)}, filters=filters)
    source, target = both.snapshots["source"], both.snapshots["target"]  # as `pgsd diff` reads them
    assert_same_as_alone(source, source_dsn, "source", filters)
    assert_same_as_alone(target, target_dsn, "target", filters)
    cs = diff_snapshots(source=source, target=target, options=diff_options)
    plan = build_plan(cs, plan_options)
    script = plan.to_sql()
    rows_before = read_rows(target_dsn)
    try:
        apply_plan(ConnectionSpec.parse(target_dsn), plan)
    except Exception as e:  # noqa: BLE001 - report the plan with any failure
        pytest.fail(f"applying the plan failed: {e}\n--- plan ---\n{script}")
    lost = lost_rows(rows_before, read_rows(target_dsn), plan)
    assert not lost, "rows did not survive the plan:\n  " + "\n  ".join(lost) + f"\n--- plan ---\n{script}"
    after = read_side(target_dsn, "target", filters=filters)
    left = diff_snapshots(source=source, target=after, options=diff_options)
    assert left.is_empty, f"differences left after applying:\n{describe(left)}\n--- plan ---\n{script}"
    again = build_plan(left, plan_options)
    assert again.is_empty, f"second plan not empty:\n{again.to_sql()}\n--- first plan ---\n{script}"
    return script


def assert_converges(pg_server, *, source_sql: str, target_sql: str, **kw) -> str:
    """Build two fresh databases from SQL and check convergence; drops them after."""
    source_dsn = pg_server.create_database()
    target_dsn = pg_server.create_database()
    try:
        if source_sql.strip():
            pg_server.execute(source_dsn, source_sql)
        if target_sql.strip():
            pg_server.execute(target_dsn, target_sql)
        return converge(source_dsn, target_dsn, **kw)
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)
