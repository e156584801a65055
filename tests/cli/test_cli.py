"""The real `pgsd` command in a subprocess, against real databases.

What a script or CI job relies on: exit codes (0 identical, 1 differences, 2 error,
130 interrupted), stdout carrying only the result, one-line errors without a traceback,
atomic -o files, and every SOURCE form (URI/conninfo, profile name, snapshot file).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgsd.model.snapshot import FORMAT_VERSION

SOURCE_SQL = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2) NOT NULL, note text);
CREATE INDEX orders_total_idx ON shop.orders (total);
CREATE VIEW shop.big_orders AS SELECT id FROM shop.orders WHERE total > 100;
"""
TARGET_SQL = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(10,2));
CREATE TABLE shop.legacy (x int);
INSERT INTO shop.legacy VALUES (1);
"""

Run = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def pgsd(tmp_path: Path) -> Run:
    """Run `python -m pgsd ...` with its own config dir, in tmp_path, stdin/stdout not a tty."""
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    def run(*args: str, extra_env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pgsd", *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, env={**env, **(extra_env or {})}, cwd=tmp_path,
                              timeout=120, **kw)

    run.env = env  # type: ignore[attr-defined]
    return run


@pytest.fixture
def dbs(pg_server, new_db) -> tuple[str, str]:
    source, target = new_db(), new_db()
    pg_server.execute(source, SOURCE_SQL)
    pg_server.execute(target, TARGET_SQL)
    return source, target


def statements(sql_text: str) -> list[str]:
    return [line for line in sql_text.splitlines() if line.strip() and not line.startswith("--")]


def assert_one_line_error(result: subprocess.CompletedProcess, *secrets: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("pgsd: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for secret in secrets:
        assert secret not in err


def without_password(dsn: str) -> tuple[str, str | None]:
    params = conninfo_to_dict(dsn)
    password = params.pop("password", None) or None
    return make_conninfo(**params), password


# --------------------------------------------------------------------------- formats and exit codes


def test_sql_is_the_only_stdout_and_applying_it_converges(pg_server, dbs, pgsd):
    source, target = dbs
    out = pgsd("diff", source, target)
    assert out.returncode == 1, out.stderr
    assert out.stderr == ""  # not a terminal: no progress line; nothing to warn about
    assert "\x1b" not in out.stdout
    header = [line for line in out.stdout.splitlines() if line.startswith("--")]
    assert header[0].startswith("-- pgsd ") and any("PostgreSQL" in line for line in header)
    assert any(line.startswith("-- generated:") for line in header)
    assert any("data-loss" in line for line in header)
    body = "\n".join(statements(out.stdout))
    assert "CREATE VIEW shop.big_orders" in body and "DROP TABLE shop.legacy" in body
    pg_server.execute(target, out.stdout)
    again = pgsd("diff", source, target)
    assert again.returncode == 0, again.stdout
    assert statements(again.stdout) == []


def test_summary_and_json(dbs, pgsd):
    source, target = dbs
    summary = pgsd("diff", source, target, "--format", "summary")
    assert summary.returncode == 1, summary.stderr
    assert "differences:" in summary.stdout and "data-loss" in summary.stdout
    assert any(line.split()[:1] == ["table"] for line in summary.stdout.splitlines())
    out = pgsd("diff", source, target, "--format", "json")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert doc["format_version"] == 1 and doc["differences"] is True
    assert {c["key"] for c in doc["changes"]} >= {"table:shop.legacy", "view:shop.big_orders"}
    assert doc["plan"]["statements"] and doc["source"]["server_version"]


def test_plan_options_reach_the_script(dbs, pgsd):
    source, target = dbs
    out = pgsd("diff", source, target, "--safe", "--no-transaction", "--lock-timeout", "5s", "--concurrently")
    assert out.returncode == 1, out.stderr
    body = statements(out.stdout)
    assert body[0] == "SET lock_timeout = '5s';"
    assert "BEGIN;" not in body and not any("DROP TABLE shop.legacy" in s for s in body)
    assert "--   DROP TABLE shop.legacy;" in out.stdout
    assert any("CONCURRENTLY" in s for s in body)
    bad = pgsd("diff", source, target, "--lock-timeout", "5s'; DROP TABLE x; --")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_filters(dbs, pgsd):
    source, target = dbs
    only_public = pgsd("diff", source, target, "--exclude-schema", "shop")
    assert only_public.returncode == 0, only_public.stdout
    legacy_only = pgsd("diff", source, target, "--schema", "shop", "--include", "legacy*", "--format", "json")
    assert legacy_only.returncode == 1
    keys = {c["key"] for c in json.loads(legacy_only.stdout)["changes"]}
    assert "table:shop.legacy" in keys and "view:shop.big_orders" not in keys


def test_identical_database_exits_0_without_statements(dbs, pgsd):
    source, _ = dbs
    out = pgsd("diff", source, source)
    assert out.returncode == 0, out.stderr
    assert statements(out.stdout) == []
    assert "no differences" in out.stdout


# --------------------------------------------------------------------------- snapshot files


def test_database_against_a_snapshot_of_itself(dbs, pgsd, tmp_path):
    source, _ = dbs
    made = pgsd("snapshot", source, "-o", "self.json")
    assert made.returncode == 0 and made.stdout == "", made.stderr
    for args in (("self.json", source), (source, "self.json"), ("self.json", "self.json")):
        out = pgsd("diff", *args)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        assert statements(out.stdout) == []
    info = pgsd("info", "self.json")
    assert info.returncode == 0 and "version:    PostgreSQL" in info.stdout and "objects:" in info.stdout


def test_snapshot_files_as_source_and_target(dbs, pgsd, tmp_path):
    source, target = dbs
    assert pgsd("snapshot", source, "-o", "src.json").returncode == 0
    to_stdout = pgsd("snapshot", target)
    assert to_stdout.returncode == 0 and json.loads(to_stdout.stdout)["format_version"] == FORMAT_VERSION
    (tmp_path / "tgt.json").write_text(to_stdout.stdout)
    live = statements(pgsd("diff", source, target).stdout)
    for args in (("src.json", target), (source, "tgt.json"), ("src.json", "tgt.json")):
        out = pgsd("diff", *args)
        assert out.returncode == 1, (args, out.stderr)
        assert statements(out.stdout) == live
    header = pgsd("diff", "src.json", target).stdout
    assert "-- source:     snapshot src.json of " in header


def test_filtered_snapshot_makes_the_live_side_use_its_filters(dbs, pgsd):
    source, _ = dbs
    assert pgsd("snapshot", source, "--schema", "shop", "-o", "shop.json").returncode == 0
    out = pgsd("diff", "shop.json", source)
    assert out.returncode == 0, out.stdout
    assert "using the filters the snapshot was taken with: --schema shop" in out.stderr


# --------------------------------------------------------------------------- -o files


def test_output_file_refuses_to_overwrite_without_force(dbs, pgsd, tmp_path):
    source, target = dbs
    first = pgsd("diff", source, target, "-o", "m.sql")
    assert first.returncode == 1 and first.stdout == "", first.stderr
    written = (tmp_path / "m.sql").read_text()
    assert written.startswith("-- pgsd ")
    (tmp_path / "m.sql").write_text("-- reviewed by hand\n")
    again = pgsd("diff", source, target, "-o", "m.sql")
    assert_one_line_error(again)
    assert "exists, use --force" in again.stderr
    assert (tmp_path / "m.sql").read_text() == "-- reviewed by hand\n"
    forced = pgsd("diff", source, target, "-o", "m.sql", "--force", "--format", "summary")
    assert forced.returncode == 1
    assert "differences:" in (tmp_path / "m.sql").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_write_failing_midway_keeps_the_old_file(dbs, pgsd, tmp_path):
    """A real EFBIG in the middle of writing (RLIMIT_FSIZE): the old file stays, no temp file."""
    source, target = dbs
    (tmp_path / "m.sql").write_text("-- the old migration\n")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    out = pgsd("diff", source, target, "-o", "m.sql", "--force", preexec_fn=small_files)
    assert_one_line_error(out)
    assert "cannot write m.sql" in out.stderr
    assert (tmp_path / "m.sql").read_text() == "-- the old migration\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- profiles


def test_profile_name_as_source(dbs, pgsd):
    source, target = dbs
    conninfo, password = without_password(source)
    env = {"PGPASSWORD": password} if password else {}
    added = pgsd("profiles", "add", "src", conninfo, "--password-source", "env", "--label", "Source DB")
    assert added.returncode == 0, added.stderr
    config = (Path(pgsd.env["PGSD_CONFIG_DIR"]) / "profiles.toml")
    assert (config.stat().st_mode & 0o777) == 0o600
    out = pgsd("diff", "src", target, "--format", "summary", extra_env=env)
    assert out.returncode == 1, out.stderr
    tested = pgsd("profiles", "test", "src", extra_env=env)
    assert tested.returncode == 0, tested.stderr
    assert "profile:    src (Source DB)" in tested.stdout and "version:    PostgreSQL" in tested.stdout
    listed = pgsd("profiles", "list")
    assert listed.returncode == 0
    row = next(line for line in listed.stdout.splitlines() if line.startswith("src "))
    assert "env" in row and any(ch.isdigit() for ch in row.split()[-1])  # server version remembered
    assert pgsd("info", "src", extra_env=env).returncode == 0
    assert pgsd("profiles", "remove", "src").returncode == 0
    assert_one_line_error(pgsd("diff", "src", target))


def test_keyring_password_without_a_keyring_is_refused_with_alternatives(pgsd):
    out = pgsd("profiles", "add", "p", "postgresql://app:hunter2@db.invalid/shop")
    assert_one_line_error(out, "hunter2")
    assert "~/.pgpass" in out.stderr and "PGPASSWORD" in out.stderr
    assert not (Path(pgsd.env["PGSD_CONFIG_DIR"]) / "profiles.toml").exists()


# --------------------------------------------------------------------------- errors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def password_role(pg_server):
    name = f"pgsd_cli_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'right-pw' IN ROLE pgsd_pwauth")
                      .format(sql.Identifier(name)))
    yield name
    pg_server.execute(pg_server.admin_dsn, sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_errors_are_exit_2_and_one_line(pg_server, dbs, pgsd, tmp_path, password_role):
    source, _ = dbs
    params = conninfo_to_dict(source)
    missing_db = make_conninfo(source, dbname="pgsd_no_such_db")
    wrong_pw = make_conninfo(source, user=password_role, password="wrong-pw-xyz")
    (tmp_path / "broken.json").write_text('{"format_version": 1, "objects": [')
    cases = [
        ("diff", source, f"host=127.0.0.1 port={_free_port()} dbname=x user=x connect_timeout=3"),
        ("diff", source, missing_db),
        ("diff", wrong_pw, source),
        ("diff", "no_such_profile", source),
        ("diff", source, "broken.json"),
        ("diff", source, "missing.json"),
        ("snapshot", "postgresq://typo"),
        ("info", missing_db),
    ]
    for args in cases:
        assert_one_line_error(pgsd(*args), "wrong-pw-xyz")
    assert params["dbname"]  # the fixture gave a real database


# --------------------------------------------------------------------------- Ctrl-C


def _pgsd_backends(pg_server, dbname: str, waiting: bool = False) -> int:
    query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgsd' AND datname = %s"
    if waiting:
        query += " AND wait_event_type = 'Lock'"
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        return conn.execute(query, (dbname,)).fetchone()[0]


def _sigint_default() -> None:
    """In the child: take Ctrl-C even when this test run was started with SIGINT ignored.

    A shell starts background jobs (``cmd &`` without job control) with SIGINT ignored,
    children inherit that, and Python then installs no KeyboardInterrupt handler: a
    test run started that way would fail these tests for a reason that is not pgsd's.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_reading_cancels_the_query_and_closes_the_pools(pg_server, dbs, pgsd):
    source, target = dbs
    dbname = conninfo_to_dict(source)["dbname"]
    with psycopg.connect(source) as blocker:
        # One catalog the introspection reads now needs a lock we hold: the query waits.
        blocker.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.Popen([sys.executable, "-m", "pgsd", "diff", source, target], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=pgsd.env, preexec_fn=_sigint_default)
        try:
            deadline = time.monotonic() + 30
            while _pgsd_backends(pg_server, dbname, waiting=True) == 0:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr and proc.stderr.read()
                time.sleep(0.05)
            interrupted = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
        elapsed = time.monotonic() - interrupted
        blocker.rollback()
    assert proc.returncode == 130, err
    assert err == "pgsd: interrupted\n" and out == ""
    assert elapsed < 4  # cancelled, not waiting for the 5 s lock timeout
    deadline = time.monotonic() + 5
    while _pgsd_backends(pg_server, dbname) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pgsd_backends(pg_server, dbname) == 0


def test_ctrl_c_while_connecting_exits_at_once(pgsd):
    with socket.socket() as server:  # accepts, then never answers: libpq waits for connect_timeout
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        held: list[socket.socket] = []

        def accept() -> None:
            try:
                while True:
                    held.append(server.accept()[0])
            except OSError:
                pass  # the listening socket was closed: the test is over

        threading.Thread(target=accept, daemon=True).start()
        silent = f"host=127.0.0.1 port={port} dbname=x user=x connect_timeout=30"
        for args in (("diff", silent, silent), ("snapshot", silent)):
            connected = len(held)
            proc = subprocess.Popen([sys.executable, "-m", "pgsd", *args], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=pgsd.env, preexec_fn=_sigint_default)
            deadline = time.monotonic() + 30
            while len(held) == connected:  # wait until pgsd is connecting, past its start-up
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(0.2)
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
            assert proc.returncode == 130, err
            assert err == "pgsd: interrupted\n" and out == ""
            assert time.monotonic() - started < 5
