"""`pgsd apply` in a subprocess, against real databases: a plan runs guarded, or not at all.

Each test builds its own source and target databases; what the command claims (converged,
committed, refused) is checked against the target's catalog read with plain SQL.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import psycopg
import pytest

from pgsd.workflow.apply import APPLY_LOCK
from tests.cli.test_cli import pgsd  # noqa: F401 - the fixture

SOURCE_SQL = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2), note text);
CREATE INDEX orders_total_idx ON shop.orders (total);
CREATE TABLE shop.customers (id int PRIMARY KEY, name text);
"""
TARGET_SQL = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2));
INSERT INTO shop.orders VALUES (1, 10), (2, 20);
"""


@pytest.fixture
def pair(pg_server, new_db) -> tuple[str, str]:
    source, target = new_db(), new_db()
    pg_server.execute(source, SOURCE_SQL)
    pg_server.execute(target, TARGET_SQL)
    return source, target


def _one(dsn: str, query: str, params: tuple | None = None):
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(query, params).fetchone()
        return row[0] if row else None


def _exists(dsn: str, name: str) -> bool:
    return _one(dsn, "SELECT to_regclass(%s) IS NOT NULL", (name,))


def _has_column(dsn: str, table: str, column: str) -> bool:
    return bool(_one(dsn, "SELECT count(*) FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s "
                          "AND NOT attisdropped", (table, column)))


def _write_plan(pgsd, source: str, target: str, tmp_path: Path, *extra: str) -> Path:  # noqa: F811
    out = tmp_path / "plan.json"
    r = pgsd("diff", source, target, "--format", "json", "-o", str(out), "--force", *extra)
    assert r.returncode == 1, r.stderr
    return out


def test_apply_source_target_converges_and_keeps_rows(pgsd, pair):  # noqa: F811
    source, target = pair
    r = pgsd("apply", source, target)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "converged: the target matches the source"
    assert re.search(r"applied \d+ statements in \d+ segment", r.stderr), r.stderr
    assert _exists(target, "shop.customers") and _exists(target, "shop.orders_total_idx")
    assert _one(target, "SELECT count(*) FROM shop.orders") == 2
    assert pgsd("diff", source, target).returncode == 0
    # nothing left: a second apply has nothing to run
    again = pgsd("apply", source, target)
    assert again.returncode == 0, again.stderr
    assert "nothing to apply" in again.stderr


def test_plan_json_carries_fingerprints_and_applies(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    for side in ("source", "target"):
        assert doc[side]["fingerprint"].startswith("sha256:") and len(doc[side]["fingerprint"]) == 71
    assert doc["source"]["fingerprint"] != doc["target"]["fingerprint"]
    log = tmp_path / "apply.jsonl"
    r = pgsd("apply", "--plan", str(path), source, target, "--log", str(log))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("converged")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [rec["index"] for rec in records] == list(range(1, len(doc["plan"]["statements"]) + 1))
    assert {rec["outcome"] for rec in records} == {"ok"}
    assert records[0]["sql"] == doc["plan"]["statements"][0]["sql"].splitlines()[0]
    assert all(rec["duration"] >= 0 and rec["start"].endswith("Z") for rec in records)


def test_plan_alone_applies_without_source(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("converged: the target matches the source the plan was made from")
    assert pgsd("diff", source, target).returncode == 0


def test_a_partial_plan_applies_and_says_what_was_left_out_by_choice(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    decisions = tmp_path / "decisions.toml"
    decisions.write_text('version = 1\n[[leave_out]]\nkey = "table:shop.customers"\n')
    path = _write_plan(pgsd, source, target, tmp_path, "--decisions", str(decisions))
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 1, r.stderr  # differences are left: the ones left out
    assert r.stdout.strip().endswith("all of it left out of the plan or withheld by --safe"), r.stdout
    assert "pgsd:   added table:shop.customers (left out of the plan)" in r.stderr, r.stderr
    assert "pgsd:   added column:shop.customers.id (left out of the plan)" in r.stderr, r.stderr
    assert not _exists(target, "shop.customers") and _exists(target, "shop.orders_total_idx")
    # the same with SOURCE read again, after one more change in the source, which is applied
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("CREATE TABLE shop.late (id int)")
    again = pgsd("apply", source, target, "--decisions", str(decisions))
    assert again.returncode == 1, again.stderr
    assert "pgsd:   added table:shop.customers (left out of the plan)" in again.stderr, again.stderr
    assert again.stdout.strip().endswith("all of it left out of the plan or withheld by --safe"), again.stdout
    assert _exists(target, "shop.late")
    # nothing left to apply but the left-out change
    third = pgsd("apply", source, target, "--decisions", str(decisions))
    assert third.returncode == 1 and "nothing to apply" in third.stderr, third.stderr
    assert third.stdout.strip().endswith("all of it left out of the plan or withheld by --safe"), third.stdout


def test_drifted_target_is_refused_unless_forced(pgsd, pg_server, pair, tmp_path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    pg_server.execute(target, "ALTER TABLE shop.orders ADD COLUMN added_later int")
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 3, r.stderr
    assert "changed since the plan was made" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not _exists(target, "shop.customers")  # nothing ran
    forced = pgsd("apply", "--plan", str(path), target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "applying anyway" in forced.stderr
    assert _exists(target, "shop.customers")


def test_a_second_apply_waits_for_nobody_and_names_the_holder(pgsd, pair):  # noqa: F811
    source, target = pair
    with psycopg.connect(target, autocommit=True, application_name="holder-test") as holder:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", APPLY_LOCK)
        pid = holder.info.backend_pid
        r = pgsd("apply", source, target)
        assert r.returncode == 4, r.stderr
        assert f"pid {pid} (holder-test)" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert not _exists(target, "shop.customers")
    # released: the apply runs
    assert pgsd("apply", source, target).returncode == 0


def test_two_applies_at_once_do_not_both_run(pgsd, pair, tmp_path):  # noqa: F811
    """The first apply is held inside its run by a table lock; the second finds the apply lock taken."""
    import subprocess
    import sys

    source, target = pair
    with psycopg.connect(target) as blocker:
        blocker.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE")
        first = subprocess.Popen([sys.executable, "-m", "pgsd", "apply", source, target, "--lock-timeout", "30s"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                                 env=pgsd.env, stdin=subprocess.DEVNULL, preexec_fn=_default_signals)
        try:
            # the first apply holds the apply lock once it waits for the table lock
            with psycopg.connect(target, autocommit=True) as watch:
                waiting, deadline = 0, time.monotonic() + 60
                while waiting == 0 and first.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.05)  # polling for a condition, not waiting for time to pass
                    waiting = watch.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgsd apply' "
                        "AND wait_event_type = 'Lock'").fetchone()[0]
            second = pgsd("apply", source, target)
            assert second.returncode == 4, second.stderr
            assert "(pgsd apply)" in second.stderr
        finally:
            blocker.rollback()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert out.startswith("converged")


def test_lock_held_by_another_session_retries_then_fails_cleanly(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    log = tmp_path / "apply.jsonl"
    with psycopg.connect(target) as blocker:
        blocker.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE")
        r = pgsd("apply", source, target, "--lock-timeout", "100ms", "--retries", "2", "--log", str(log))
        blocker.rollback()
    assert r.returncode == 5, r.stderr
    assert "lock timeout" in r.stderr and "3 times" in r.stderr
    assert "Traceback" not in r.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    timeouts = [rec for rec in records if rec["outcome"] in ("lock_timeout", "failed")]
    assert [rec["attempt"] for rec in timeouts] == [1, 2, 3]
    assert [rec["outcome"] for rec in timeouts] == ["lock_timeout", "lock_timeout", "failed"]
    assert "committed: nothing" in r.stderr
    assert not _exists(target, "shop.customers")  # the one transaction was rolled back


def test_failure_in_the_middle_reports_what_was_committed(pgsd, pair, tmp_path):  # noqa: F811
    """--concurrently puts the index build alone, between transactions: break the statement after it."""
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path, "--concurrently")
    doc = json.loads(path.read_text())
    statements = doc["plan"]["statements"]
    alone = [i for i, s in enumerate(statements) if not s["transactional"]]
    assert alone, [s["sql"] for s in statements]
    k = alone[0]
    assert k > 0, "the plan must commit something before the index build"
    # break the last statement; everything up to and including the index build commits
    statements.append({"sql": "ALTER TABLE shop.orders ADD COLUMN extra integer_typo_type", "key": "x",
                       "action": "alter", "transactional": True, "hazards": []})
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 5, r.stderr
    n = len(statements)
    assert f"statement {n} of {n} failed: ALTER TABLE shop.orders ADD COLUMN extra integer_typo_type" in r.stderr
    assert 'type "integer_typo_type" does not exist' in r.stderr, r.stderr
    assert "committed: " in r.stderr and "committed: nothing" not in r.stderr
    assert "not committed: segment" in r.stderr
    assert _exists(target, "shop.orders_total_idx") and _exists(target, "shop.customers")


def test_broken_statement_in_one_transaction_commits_nothing(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    doc["plan"]["statements"][-1]["sql"] = "CREATE TABLE shop.customers (id int PRIMARY KEY, name no_such_type)"
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), target, "--force")
    assert r.returncode == 5, r.stderr
    assert "committed: nothing" in r.stderr and "rolled back" in r.stderr
    assert not _exists(target, "shop.customers")


def test_data_loss_needs_confirmation(pgsd, pg_server, pair):  # noqa: F811
    source, target = pair
    pg_server.execute(target, "CREATE TABLE shop.legacy (x int); INSERT INTO shop.legacy VALUES (1)")
    r = pgsd("apply", source, target)
    assert r.returncode == 2, r.stderr
    assert "loses data" in r.stderr and "--allow-data-loss" in r.stderr
    assert "Traceback" not in r.stderr and "--allow-data-loss" in r.stderr.strip().splitlines()[-1]
    assert _exists(target, "shop.legacy") and not _exists(target, "shop.customers")
    ok = pgsd("apply", source, target, "--allow-data-loss")
    assert ok.returncode == 0, ok.stderr
    assert not _exists(target, "shop.legacy")


@pytest.mark.parametrize("content, message", [
    ("not json", "is not JSON"),
    ('{"format_version": 99, "plan": {}}', "format_version 99"),
    ('{"format_version": 1}', "plan is missing"),
    ('[1]', "is not a pgsd plan"),
])
def test_bad_plan_files_are_one_line_errors(pgsd, pair, tmp_path, content, message):  # noqa: F811
    _, target = pair
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    r = pgsd("apply", "--plan", str(bad), target)
    assert r.returncode == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_plan_file_that_is_a_directory(pgsd, pair, tmp_path):  # noqa: F811
    _, target = pair
    r = pgsd("apply", "--plan", str(tmp_path), target)
    assert r.returncode == 2
    assert "is a directory, not a regular file" in r.stderr


def test_password_never_printed(pgsd, pair, pg_server):  # noqa: F811
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    source, target = pair
    params = conninfo_to_dict(target)
    wrong = make_conninfo(**{**params, "user": "nobody_here", "password": "s3cret-pw"})
    r = pgsd("apply", source, wrong)
    assert r.returncode == 2
    assert "s3cret-pw" not in r.stderr + r.stdout


def test_production_profile_needs_confirmation(pgsd, pair):  # noqa: F811
    source, target = pair
    added = pgsd("profiles", "add", "prod", target, "--password-source", "env", "--production")
    assert added.returncode == 0, added.stderr
    listed = pgsd("profiles", "list")
    assert "[production]" in listed.stdout
    r = pgsd("apply", source, "prod")
    assert r.returncode == 2, r.stderr
    assert "prod is marked production: pass --production-ok" in r.stderr
    assert not _exists(target, "shop.customers")
    ok = pgsd("apply", source, "prod", "--production-ok")
    assert ok.returncode == 0, ok.stderr
    assert _exists(target, "shop.customers")
    # unmarked again: no confirmation asked
    assert pgsd("profiles", "edit", "prod", "--no-production").returncode == 0
    assert "[production]" not in pgsd("profiles", "list").stdout


def _default_signals() -> None:
    """In the child: the stop signals at their defaults. pgsd keeps a signal it was started with
    ignored (nohup), and so may the test run: pytest started as ``nohup ... &`` from a
    non-interactive shell has SIGHUP (nohup) and SIGINT and SIGQUIT (a background job)
    ignored, and its workers and their children inherit that (seen in /proc as SigIgn
    0x1001007 with Python's own SIGPIPE and SIGXFSZ)."""
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_while_waiting_for_a_lock_reports_what_was_committed(pgsd, pair, tmp_path, stop):  # noqa: F811
    """Ctrl-C (130) or SIGTERM (143): the report says what was committed (nothing), no traceback."""
    import signal
    import subprocess
    import sys

    source, target = pair
    with psycopg.connect(target) as blocker:
        blocker.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.Popen([sys.executable, "-m", "pgsd", "apply", source, target, "--lock-timeout", "60s"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                                env=pgsd.env, stdin=subprocess.DEVNULL, preexec_fn=_default_signals)
        try:
            with psycopg.connect(target, autocommit=True) as watch:
                waiting, deadline = 0, time.monotonic() + 60
                while waiting == 0 and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.05)  # polling for a condition, not waiting for time to pass
                    waiting = watch.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgsd apply' "
                        "AND wait_event_type = 'Lock'").fetchone()[0]
            assert waiting, "the apply never waited for the lock"
            proc.send_signal(getattr(signal, stop))
            _, err = proc.communicate(timeout=60)
        finally:
            blocker.rollback()
    assert proc.returncode == 128 + getattr(signal, stop), err
    assert "Traceback" not in err
    assert "interrupted" in err and "committed: nothing" in err
    assert not _exists(target, "shop.customers")


def test_plan_filters_are_the_plans(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path, "--schema", "shop")
    r = pgsd("apply", "--plan", str(path), target, "--schema", "public")
    assert r.returncode == 2 and "the plan was made with filters --schema shop" in r.stderr, r.stderr
    ok = pgsd("apply", "--plan", str(path), source, target, "--schema", "shop")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("converged")
