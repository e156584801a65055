"""--verify on the part of the target a plan reaches gives the verdict a copy of the whole target gives.

For every acceptance case (see test_cases.py), both directions, on the test server:

* the plan, verified on the part alone (forced: these schemas are small, and a part
  that is most of the target is otherwise copied whole), is verified: the part holds
  everything the plan needs (a partition's parent with its checks, the view on a column
  whose type changes, ...);
* with ``PGSD_DEEP_VERIFY=1`` (``.ci/run`` sets it; three verifications a case instead of
  one), the plan without one of its statements (a plan gone wrong) gets the same verdict
  on the part as on the whole target: the part holds everything that could make it fail.
"""

from __future__ import annotations

import os

import pytest

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.diff.renames import resolve_renames
from pgsd.workflow import parse_side, read_sides, verify_scope
from pgsd.workflow.verify import verify_plan
from tests.acceptance.test_cases import _cases, _xfail_reason, case_sides

pytestmark = pytest.mark.xdist_group("verify-on-the-test-server")  # see tests/cli/test_verify.py

DEEP = os.environ.get("PGSD_DEEP_VERIFY") == "1"


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("case", _cases())
def test_the_part_gives_the_verdict_of_the_whole(pg_server, new_db, monkeypatch, case, direction) -> None:  # noqa: ANN001
    if _xfail_reason(case, direction) is not None:
        pytest.skip(f"{case} does not converge {direction} yet (xfail.txt): nothing to verify")
    source_sql, target_sql, renames = case_sides(case, direction)
    src, tgt = new_db(), new_db()
    for dsn, text in ((src, source_sql), (tgt, target_sql)):
        if text.strip():
            pg_server.execute(dsn, text)
    loaded = read_sides({"source": parse_side(src), "target": parse_side(tgt)})
    source, target = loaded.snapshots["source"], loaded.snapshots["target"]
    decided, _ = resolve_renames(renames, source=source, target=target)
    plan = build_plan(diff_snapshots(source=source, target=target, renames=decided))
    if plan.is_empty:
        pytest.skip(f"{case} {direction}: the plan is empty")
    monkeypatch.setattr(verify_scope, "WHOLE_SHARE", 1.0)

    part = verify_plan(plan, source, target, scratch=pg_server.admin_dsn)
    assert part.verified, part.lines()
    if not DEEP:
        return

    # the first statement that is not about a comment or a grant: a change whose loss shows
    left_out = next((i for i, s in enumerate(plan.statements)
                     if not s.sql.startswith(("COMMENT", "GRANT", "REVOKE"))), 0)
    broken = plan.model_copy(update={"statements": plan.statements[:left_out] + plan.statements[left_out + 1:]})
    on_part = verify_plan(broken, source, target, scratch=pg_server.admin_dsn)
    on_whole = verify_plan(broken, source, target, scratch=pg_server.admin_dsn, whole="the test compares")
    assert on_part.verified == on_whole.verified, (
        f"without statement {left_out + 1} ({plan.statements[left_out].sql[:80]}):\n"
        f"part:  {on_part.lines()}\nwhole: {on_whole.lines()}"
    )
