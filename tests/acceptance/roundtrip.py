"""The convergence check every acceptance test uses: plan, apply, re-introspect, re-diff."""

from __future__ import annotations

import pytest

from pgsd.connect import ConnectionSpec
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import ChangeSet, DiffOptions, diff_snapshots
from pgsd.diff.renames import resolve_renames
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow import apply_plan, parse_side, read_side, read_sides
from tests.acceptance.rows import data_loss_keys, lost_rows, read_rows, renamed_rows


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
    renames: tuple[tuple[str, str], ...] = (),
) -> str:
    """Apply the plan source -> target, then assert nothing is left and the target's rows
    survived (see tests.acceptance.rows); returns the script.

    ``renames`` are decisions (OLD, NEW) as ``--rename`` takes them: every one must apply,
    the plan must lose no data, and each renamed table's rows are checked under its new name."""
    filters = filters or Filters()
    both = read_sides({"source": parse_side(source_dsn), "target": parse_side(target_dsn)}, filters=filters)
    source, target = both.snapshots["source"], both.snapshots["target"]  # as `pgsd diff` reads them
    assert_same_as_alone(source, source_dsn, "source", filters)
    assert_same_as_alone(target, target_dsn, "target", filters)
    decided, stale = resolve_renames(renames, source=source, target=target)
    assert not stale, f"rename decisions did not resolve: {stale}"
    cs = diff_snapshots(source=source, target=target, options=diff_options, renames=decided)
    assert not cs.stale_decisions, f"rename decisions did not apply: {cs.stale_decisions}"
    plan = build_plan(cs, plan_options)
    script = plan.to_sql()
    rows_before = read_rows(target_dsn)
    if renames:
        assert not data_loss_keys(plan), f"a plan with renames loses data:\n{script}"
        rows_before = renamed_rows(rows_before, cs)
    try:
        apply_plan(ConnectionSpec.parse(target_dsn), plan)
    except Exception as e:  # noqa: BLE001 - report the plan with any failure
        pytest.fail(f"applying the plan failed: {e}\n--- plan ---\n{script}")
    rows_after = read_rows(target_dsn)
    lost = lost_rows(rows_before, rows_after, plan)
    missing = [q for q in rows_before if renames and q not in rows_after]
    assert not missing, f"tables gone after a plan with renames: {missing}\n--- plan ---\n{script}"
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
