"""Snapshot arguments that are not snapshot files: one line, exit 2, never a hang or a traceback.

Through the real CLI (a subprocess each, bounded by a timeout so a FIFO that is waited
on fails the test instead of hanging it). No database is needed: every case is refused
while the files are read, before any connection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pgsd.model.snapshot import FORMAT_VERSION, Snapshot


def pgsd(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.run([sys.executable, "-m", "pgsd", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, cwd=tmp_path, timeout=30)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("pgsd: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, err


def commands(name: str) -> list[tuple[str, ...]]:
    return [("diff", name, name), ("info", name), ("diff", name, "good.json")]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.json"
    path.write_text(Snapshot().to_json())
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this platform has no FIFOs")
def test_a_fifo_is_refused_at_once(tmp_path: Path, good: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    for args in commands("pipe.json"):
        assert_refused(pgsd(tmp_path, *args), "pipe.json", "is a FIFO, not a regular file")


def test_a_directory_is_refused(tmp_path: Path, good: Path) -> None:
    (tmp_path / "dir.json").mkdir()
    for args in commands("dir.json"):
        assert_refused(pgsd(tmp_path, *args), "dir.json", "is a directory, not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this platform")
def test_a_device_behind_a_json_link_is_refused(tmp_path: Path, good: Path) -> None:
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    for args in commands("zero.json"):
        assert_refused(pgsd(tmp_path, *args), "zero.json", "is a character device, not a regular file")


def test_a_link_to_a_good_snapshot_is_read(tmp_path: Path, good: Path) -> None:
    (tmp_path / "link.json").symlink_to(good)
    out = pgsd(tmp_path, "diff", "link.json", "good.json")
    assert out.returncode == 0, out.stderr


BAD = {
    "not-utf8": b'{"format_version": 2, "objects": [], "origin": "\xff\xfe"}',
    "truncated": None,  # the good snapshot cut in the middle
    "deeply-nested": b"[" * 100_000,
    "nested-and-closed": b"[" * 50_000 + b"]" * 50_000,
    "nested-inside-a-snapshot": b'{"format_version": 2, "objects": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    "a-list": b"[]",
    "a-string": b'"snapshot"',
    "null": b"null",
    "objects-not-a-list": json.dumps({"format_version": FORMAT_VERSION, "objects": 5}).encode(),
    "object-without-a-kind": json.dumps({"format_version": FORMAT_VERSION, "objects": [{"name": "t"}]}).encode(),
    "v1-odd-dependency": json.dumps({"format_version": 1, "objects": [], "dependencies": [{"x": 1}, 7]}).encode(),
    "empty": b"",
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_file_that_is_not_a_snapshot_is_one_line(tmp_path: Path, good: Path, case: str) -> None:
    content = BAD[case]
    if content is None:
        whole = good.read_bytes()
        content = whole[: len(whole) // 2]
    (tmp_path / "bad.json").write_bytes(content)
    for args in commands("bad.json"):
        assert_refused(pgsd(tmp_path, *args), "not a pgsd snapshot: bad.json")
