"""The demo's two schemas, planned and applied in both directions, under every plan option.

Issue 18: a plan means what it says. The demo (pgsd/demo/sql) is what a newcomer tries
first; each option (plain, --safe, --not-valid, --concurrently, no transaction) must give
a script that runs on a database holding the demo's rows and leaves nothing to do
(``--safe`` leaves what it withheld, and nothing else), with the extra schema-level grant
from the issue as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgsd.connect import ConnectionSpec
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import HazardType
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.workflow import apply_plan, read_side
from tests.acceptance.roundtrip import converge
from tests.acceptance.rows import lost_rows, read_rows

DEMO = Path(__file__).parents[2] / "pgsd" / "demo" / "sql"
EXTRA_GRANT = "CREATE ROLE pgsd_demo_reader; GRANT USAGE ON SCHEMA shop TO pgsd_demo_reader;"

OPTIONS = {
    "plain": PlanOptions(),
    "not-valid": PlanOptions(not_valid=True),
    "concurrently": PlanOptions(concurrently=True),
    "no-transaction": PlanOptions(transaction=False),
    "safe": PlanOptions(safe=True),
}
ZIP_DEFAULT = "ALTER TABLE shop.addresses ALTER COLUMN zip SET DEFAULT '';"
"""v1's addresses.zip is NOT NULL without a default: added to v2's rows it cannot be
filled (pgsd says so, see test_reverse_demo_says_zip_fails_with_rows); the backward
runs give it the default a user would add."""


def _load(pg_server, name: str, extra: str = "") -> str:
    dsn = pg_server.create_database()
    pg_server.execute(dsn, (DEMO / name).read_text() + "\n" + extra)
    return dsn


@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_demo_plan_converges(pg_server, direction: str, option: str) -> None:
    src, tgt = ("shop_v2.sql", "shop_v1.sql") if direction == "forward" else ("shop_v1.sql", "shop_v2.sql")
    source = _load(pg_server, src, ZIP_DEFAULT if direction == "backward" else "")
    target = _load(pg_server, tgt)
    try:
        if option == "safe":
            _converge_safe(source, target)
        else:
            converge(source, target, plan_options=OPTIONS[option])
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)


def _converge_safe(source_dsn: str, target_dsn: str) -> None:
    """--safe: the plan runs, rows survive, and all that is left is what it withheld."""
    opts = PlanOptions(safe=True)
    cs = diff_snapshots(source=read_side(source_dsn, "source"), target=read_side(target_dsn, "target"))
    plan = build_plan(cs, opts)
    assert plan.withheld, "the demo has data-loss statements to withhold"
    rows_before = read_rows(target_dsn)
    try:
        apply_plan(ConnectionSpec.parse(target_dsn), plan)
    except Exception as e:  # noqa: BLE001 - report the plan with any failure
        pytest.fail(f"applying the safe plan failed: {e}\n--- plan ---\n{plan.to_sql()}")
    assert not lost_rows(rows_before, read_rows(target_dsn), plan)
    left = diff_snapshots(source=read_side(source_dsn, "source"), target=read_side(target_dsn, "target"))
    again = build_plan(left, opts)
    assert again.is_empty, f"a safe plan left more than it withheld:\n{again.to_sql()}"


def test_reverse_demo_says_zip_fails_with_rows(pg_server) -> None:
    """ADD COLUMN zip text NOT NULL on a table with rows: the statement says it fails."""
    source, target = _load(pg_server, "shop_v1.sql"), _load(pg_server, "shop_v2.sql")
    try:
        cs = diff_snapshots(source=read_side(source, "source"), target=read_side(target, "target"))
        plan = build_plan(cs)
        (add_zip,) = [s for s in plan.statements if "ADD COLUMN zip" in s.sql]
        assert HazardType.FAILS_IF_ROWS in add_zip.hazard_types()
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)


def test_safe_withholds_what_needs_a_withheld_statement(pg_server) -> None:
    """--safe holds back DROP TABLE; the trigger's function the table uses stays too."""
    source = pg_server.create_database()
    target = pg_server.create_database()
    pg_server.execute(target, """
        CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
        CREATE TABLE public.t (id int PRIMARY KEY);
        INSERT INTO public.t VALUES (1);
        CREATE TRIGGER t_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();
    """)
    try:
        _converge_safe(source, target)
        cs = diff_snapshots(source=read_side(source, "source"), target=read_side(target, "target"))
        plan = build_plan(cs, PlanOptions(safe=True))
        (drop_fn,) = [s for s in plan.withheld if s.sql.startswith("DROP FUNCTION public.touch")]
        assert drop_fn.reason.startswith("needs the withheld DROP TABLE public.t"), plan.withheld
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_extra_grant_keeps_one_transaction(pg_server, direction: str) -> None:
    """Issue 18: a schema-level GRANT on the target put ADD VALUE mid-plan, committing the
    drops ahead of it. On PostgreSQL 12+ the label is added inside the transaction."""
    src, tgt = ("shop_v2.sql", "shop_v1.sql") if direction == "forward" else ("shop_v1.sql", "shop_v2.sql")
    source = _load(pg_server, src, ZIP_DEFAULT if direction == "backward" else "")
    target = _load(pg_server, tgt, EXTRA_GRANT)
    try:
        script = converge(source, target)
        assert script.count("BEGIN;") == 1, script
        assert "transaction boundary" not in script
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)
        pg_server.execute(pg_server.dsn("postgres"), "DROP ROLE IF EXISTS pgsd_demo_reader")


def test_not_valid_validates_after_the_commit(pg_server) -> None:
    """--not-valid: ADD ... NOT VALID in the transaction, each VALIDATE after its commit."""
    source, target = pg_server.create_database(), pg_server.create_database()
    pg_server.execute(target, "CREATE TABLE public.t (a int, b int); INSERT INTO public.t VALUES (1, 2);")
    pg_server.execute(source, "CREATE TABLE public.t (a int CHECK (a > 0), b int CHECK (b > 0));")
    try:
        script = converge(source, target, plan_options=PlanOptions(not_valid=True))
        body = [line for line in script.splitlines() if not line.startswith("--")]
        commit = body.index("COMMIT;")
        adds = [i for i, line in enumerate(body) if "NOT VALID" in line]
        validates = [i for i, line in enumerate(body) if "VALIDATE CONSTRAINT" in line]
        assert len(adds) == 2 and len(validates) == 2, script
        assert max(adds) < commit < min(validates), script
        assert "BEGIN;" not in body[commit:], script  # each VALIDATE on its own
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)


@pytest.mark.parametrize("early", [False, True])
def test_data_loss_is_not_committed_ahead_of_a_later_segment(pg_server, early: bool) -> None:
    """With CREATE INDEX CONCURRENTLY (it may fail) the DROP COLUMN waits for it, unless chosen."""
    source, target = pg_server.create_database(), pg_server.create_database()
    pg_server.execute(target, "CREATE TABLE public.t (a int, b int); INSERT INTO public.t VALUES (1, 2);")
    pg_server.execute(source, "CREATE TABLE public.t (a int); CREATE INDEX t_a ON public.t (a);")
    try:
        script = converge(source, target, plan_options=PlanOptions(concurrently=True, commit_data_loss_early=early))
        drop, index = script.index("DROP COLUMN b"), script.index("CREATE INDEX CONCURRENTLY")
        assert (drop < index) is early, script
        cs = diff_snapshots(source=read_side(source, "source"), target=read_side(target, "target"))
        assert cs.is_empty
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)


def test_header_says_the_script_is_not_one_transaction() -> None:
    from pgsd.ddl.plan import Hazard, Plan, Statement
    from pgsd.diff.changes import ChangeSet
    from pgsd.export.render import render_sql
    from pgsd.model.snapshot import Snapshot

    outside = Statement(sql="CREATE INDEX CONCURRENTLY i ON t (a)", key="index:public.i", action="create",
                        transactional=False,
                        hazards=(Hazard(type=HazardType.CANNOT_RUN_IN_TRANSACTION, message="runs on its own"),))
    plan = Plan(statements=(Statement(sql="ALTER TABLE t DROP COLUMN b", key="column:t.b", action="drop"), outside),
                commit_data_loss_early=True)
    cs = ChangeSet(source=Snapshot(), target=Snapshot(), changes=())
    text = render_sql(cs, plan, generated_at="now", pgsd_version="0")
    assert "-- transactions: not one: 1 statement cannot run in a transaction; statements that lose data" in text
    assert "--   outside: CREATE INDEX CONCURRENTLY i ON t (a): runs on its own" in text
    assert "-- transaction boundary: CREATE INDEX CONCURRENTLY i ON t (a) runs outside a transaction" in text


def test_a_partial_plan_says_so_in_its_header() -> None:
    """Issue 18: a selection's script said '23 added, 10 removed, 19 changed' as if whole."""
    from pgsd.ddl.plan import Plan, Statement
    from pgsd.diff.changes import ChangeSet
    from pgsd.export.render import render_sql
    from pgsd.model.snapshot import Snapshot

    withheld = Statement(sql="DROP FUNCTION f()", key="function:public.f()", action="drop",
                         reason="needs the withheld DROP TABLE t")
    plan = Plan(statements=(Statement(sql="CREATE TABLE u ()", key="table:public.u", action="create"),),
                left_out=("table:public.v",), withheld=(withheld,))
    cs = ChangeSet(source=Snapshot(), target=Snapshot(), changes=())
    text = render_sql(cs, plan, generated_at="now", pgsd_version="0")
    assert ("-- partial:    this script does not make the target match: 1 change not selected, "
            "1 statement withheld (listed below)") in text
    assert "--   left out: table:public.v" in text
    assert "--   (needs the withheld DROP TABLE t)" in text
