"""Signals and output streams: the real `pgsd` command in a subprocess, real signals, real fds.

- SIGTERM, SIGHUP and Ctrl-C while a snapshot is being written with ``-o``: the temp file
  is removed, the old file is intact, the exit code is 128 + the signal's number, and
  stderr holds one line (no "Exception ignored ..." from the serializer).
- A result that cannot be written (stdout closed, on a full device, or its reader gone)
  is never exit 0 or 1: 2, or 141 for a broken pipe, with one line on stderr.

The signal is delivered once the temp file exists (the directory is polled, with a
deadline): no timing guesses.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TABLES = 1500
"""Enough objects that serialising the snapshot takes a while (the signal lands during it)."""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"),
                PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")


@pytest.fixture(scope="module")
def big_db(pg_server):
    dsn = pg_server.create_database()
    pg_server.execute(dsn, f"""
        DO $$ BEGIN
          FOR i IN 1..{TABLES} LOOP
            EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, a text NOT NULL DEFAULT %L,
                            b numeric(12,2), c timestamptz, d jsonb)', i, 'x' || i);
            EXECUTE format('COMMENT ON TABLE t%s IS %L', i, 'table number ' || i);
          END LOOP;
        END $$""")
    yield dsn
    pg_server.drop_database(dsn)


def _default_signals() -> None:
    """In the child: the stop signals at their defaults, even if this test run ignores one (nohup, `&`)."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def _temp_files(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.startswith(".snap.json.") and p.name.endswith(".tmp")]


def _pgsd(args: list[str], env: dict[str, str], cwd: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pgsd", *args], env=env, cwd=cwd, text=True,
                            stdin=subprocess.DEVNULL, preexec_fn=_default_signals, **kw)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
                         ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_while_writing_a_snapshot_keeps_the_old_file(big_db, env, tmp_path, signum):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    old = out_dir / "snap.json"
    old.write_text("the old snapshot\n")
    proc = _pgsd(["snapshot", big_db, "-o", str(old), "--force"], env, tmp_path,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not _temp_files(out_dir):  # the snapshot is being written now
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no temp file appeared"
            time.sleep(0.002)
        # Again and again while it runs, as an impatient user would: a signal that lands while
        # the serializer (C code) calls back into Python used to be swallowed there, with an
        # "Exception ignored in: 'Column'" on stderr, and the file written anyway.
        for _ in range(100):
            proc.send_signal(signum)
            try:
                proc.wait(timeout=0.005)
                break
            except subprocess.TimeoutExpired:
                continue
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum, err
    expected = "pgsd: interrupted\n" if signum == signal.SIGINT else f"pgsd: stopped by {signal.Signals(signum).name}\n"
    assert err == expected and out == ""
    assert _temp_files(out_dir) == []
    assert old.read_text() == "the old snapshot\n"


# --------------------------------------------------------------------------- output streams


@pytest.fixture
def same_db(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, "CREATE TABLE t (id int PRIMARY KEY, note text)")
    return dsn


def _one_line(err: str) -> None:
    assert err.startswith("pgsd: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_stdout_closed_is_an_error_not_a_verdict(same_db, env, tmp_path):
    """``pgsd diff DB DB >&-``: identical schemas, but nobody got the result: exit 2, not 0 or 1."""
    for args in (["diff", same_db, same_db], ["snapshot", same_db]):
        shell = subprocess.run(
            ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "pgsd", *args],
            env=env, cwd=tmp_path, capture_output=False, stderr=subprocess.PIPE, text=True, timeout=120,
        )
        assert shell.returncode == 2, shell.stderr
        _one_line(shell.stderr)
        assert "standard output is closed" in shell.stderr


def test_stdout_on_a_full_device_is_an_error(same_db, env, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    for args in (["diff", same_db, same_db], ["snapshot", same_db]):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "pgsd", *args], stdout=full, stderr=subprocess.PIPE,
                                  env=env, cwd=tmp_path, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        _one_line(done.stderr)
        assert "no space left on device" in done.stderr


def test_a_reader_that_went_away_is_exit_141(same_db, big_db, env, tmp_path):
    """The reader closed the pipe before pgsd wrote (``pgsd diff ... | head`` once head is done)."""
    for args in (["diff", same_db, same_db], ["snapshot", big_db]):
        read_end, write_end = os.pipe()
        os.close(read_end)  # gone before pgsd writes a byte
        try:
            done = subprocess.run([sys.executable, "-m", "pgsd", *args], stdout=write_end, stderr=subprocess.PIPE,
                                  env=env, cwd=tmp_path, text=True, timeout=120)
        finally:
            os.close(write_end)
        assert done.returncode == 141, done.stderr
        _one_line(done.stderr)
        assert "broken pipe" in done.stderr


def test_head_reading_part_of_a_large_snapshot_is_exit_141(big_db, env, tmp_path):
    """`pgsd snapshot DB | head -1` under pipefail: the pipeline fails, with one line from pgsd."""
    shell = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$@" | head -c 100 >/dev/null', "bash",
         sys.executable, "-m", "pgsd", "snapshot", big_db],
        env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True, timeout=120,
    )
    assert shell.returncode == 141, shell.stderr
    _one_line(shell.stderr)
