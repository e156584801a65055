"""A stop signal while `pgsd dump` writes its files: no temp file survives, every file is whole.

The real command in a subprocess, a real signal, delivered once the first temp file exists
(the directory is polled, with a deadline), as in test_signals.py. Where the signal lands
(writing the temp files, the fsync threads, the renames) is not controlled: whichever it
is, the exit code is 143, stderr one line, and each file is the earlier dump's or the new
one's, whole (both are the same text here, so whole means equal).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.test_signals import TABLES, _default_signals, big_db  # noqa: F401 - fixture used by name


def _files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in directory.iterdir()}


def test_sigterm_while_a_dump_is_written_leaves_whole_files_only(big_db, pg_server, tmp_path: Path) -> None:
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    out = tmp_path / "dump"
    args = [sys.executable, "-m", "pgsd", "dump", big_db, "--out", str(out), "--force",
            "--shadow", pg_server.admin_dsn]
    first = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert first.returncode == 0, first.stderr
    earlier = _files(out)
    assert len(earlier) > TABLES

    proc = subprocess.Popen(args, env=env, cwd=tmp_path, text=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_signals)
    try:
        deadline = time.monotonic() + 120
        while not any(p.name.endswith(".tmp") for p in out.iterdir()):  # the files are being written now
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no temp file appeared"
            time.sleep(0.002)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert stderr == "pgsd: stopped by SIGTERM\n" and stdout == ""
    now = _files(out)
    assert not [name for name in now if name.endswith(".tmp")]
    assert {name: text for name, text in now.items() if name != "pgsd-dump.json"} == \
        {name: text for name, text in earlier.items() if name != "pgsd-dump.json"}
