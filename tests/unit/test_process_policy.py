"""The collector pause and short switch interval are the CLI's process policy, not the workflow's.

The app calls ``pgsd.workflow`` too and must keep its collector running; the CLI's commands
apply the policy for the whole command (pgsd.cli.process).
"""

from __future__ import annotations

import gc
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from pgsd import workflow
from pgsd.cli import cmd_diff, process
from pgsd.cli.main import main
from pgsd.model.objects import Column, Table
from pgsd.model.snapshot import Snapshot


def _snapshot(column_type: str) -> Snapshot:
    table = Table(schema_name="public", name="events", owner="o")
    column = Column(schema_name="public", table="events", name="amount", owner="o", position=1, type=column_type)
    return Snapshot(objects=(column, table))


def _recording(monkeypatch: pytest.MonkeyPatch, module: object, name: str, seen: list) -> None:
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        seen.append((gc.isenabled(), sys.getswitchinterval()))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def test_workflow_compare_and_plan_leave_the_collector_running(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gc.isenabled()
    interval = sys.getswitchinterval()
    seen: list = []
    _recording(monkeypatch, workflow, "diff_snapshots", seen)
    _recording(monkeypatch, workflow, "build_plan", seen)
    changes = workflow.compare(_snapshot("bigint"), _snapshot("integer"))
    workflow.plan(changes)
    assert len(changes.changes) == 1
    assert seen == [(True, interval), (True, interval)]


def test_pgsd_diff_runs_with_the_batch_policy_and_restores_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source, target = tmp_path / "source.json", tmp_path / "target.json"
    source.write_text(_snapshot("bigint").to_json())
    target.write_text(_snapshot("integer").to_json())
    interval = sys.getswitchinterval()
    seen: list = []
    _recording(monkeypatch, cmd_diff, "compare_with_decisions", seen)
    _recording(monkeypatch, cmd_diff, "plan", seen)
    assert main(["diff", str(source), str(target)]) == 1
    assert "ALTER TABLE" in capsys.readouterr().out
    assert seen == [(False, process.BATCH_SWITCH_INTERVAL)] * 2
    assert gc.isenabled() and sys.getswitchinterval() == interval


def test_batch_job_is_reentrant() -> None:
    with process.batch_job():
        with process.batch_job():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_app_reading_pauses_the_collector_then_freezes_what_it_built() -> None:
    assert gc.isenabled()
    gc.unfreeze()
    try:
        with process.app_reading():
            assert not gc.isenabled()
            built = [{"row": i} for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(built)  # the permanent generation: collections skip them
    finally:
        gc.unfreeze()


def test_the_app_reads_and_compares_inside_the_command_lines_policy() -> None:
    import argparse
    from contextlib import contextmanager

    from pgsd.cli import cmd_tui
    from pgsd.tui.backend import LiveBackend

    assert cmd_tui._backend(argparse.Namespace()).reading is process.app_reading
    seen: list[bool] = []

    @contextmanager
    def reading():
        seen.append(gc.isenabled())
        yield

    backend = LiveBackend(reading=reading)
    backend.replay(_snapshot("bigint"), _snapshot("integer"), backend.request)  # how the app compares
    assert seen == [True]
    assert LiveBackend().reading is not process.app_reading  # only the command line opts in


_MMAP_PROBE = r"""
import ctypes, sys
from pgsd.cli import process

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "pinned":
    assert process.tune_malloc()
libc.free(libc.malloc(4 << 20))  # glibc raises its mmap threshold to 4 MiB here, unless pinned
before = libc.mallinfo2().hblks
block = libc.malloc(1 << 20)
print("mmapped" if libc.mallinfo2().hblks > before else "heap")
libc.free(block)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="tune_malloc tunes glibc's malloc; this C library is not glibc")
def test_freed_blocks_of_a_batch_job_go_back_to_the_system() -> None:
    """After a large block is freed, glibc serves a 1 MiB block from its heap (where, once
    freed, it stays in the process) unless the thresholds are pinned: then it is mmapped
    and returned to the system on free. Fresh interpreters: the pin is for the process."""
    def probe(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", _MMAP_PROBE, mode], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    assert probe("adjusting") == "heap"
    assert probe("pinned") == "mmapped"


_ARENA_PROBE = r"""
import ctypes, os, sys, threading
from pgsd.cli import process

if sys.argv[1] == "tuned":
    assert process.tune_malloc()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
kept = []
thread = threading.Thread(target=lambda: kept.append(libc.malloc(1000)))  # a thread's first malloc
thread.start()
thread.join()
libc.malloc_stats()  # one "Arena N:" paragraph per arena, on the C library's stderr
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="tune_malloc tunes glibc's malloc; this C library is not glibc")
def test_threads_of_a_batch_job_share_one_malloc_arena() -> None:
    def arenas(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", _ARENA_PROBE, mode], capture_output=True, text=True, check=True)
        return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))

    assert arenas("default") == 2  # the main thread's and the new thread's
    assert arenas("tuned") == 1


_TRIM_PROBE = r"""
import ctypes, sys
from pgsd.cli import process

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))

assert process.tune_malloc()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.memset.argtypes = (ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t)
blocks = [libc.malloc(16 << 10) for _ in range(2048)]  # 32 MiB of heap blocks (below the mmap threshold)
for b in blocks:
    libc.memset(b, 1, 16 << 10)
for b in blocks[:-1]:  # the last one keeps the heap's top in place: only a trim reaches the rest
    libc.free(b)
before = rss_kb()
if sys.argv[1] == "released":
    process.release_free_memory()
print(before - rss_kb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="release_free_memory trims glibc's heap; this C library is not glibc")
def test_memory_freed_between_live_blocks_goes_back_once_released() -> None:
    def released_kb(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", _TRIM_PROBE, mode], capture_output=True, text=True, check=True)
        return int(done.stdout)

    assert released_kb("kept") < 1024
    assert released_kb("released") > 24 * 1024


def test_a_batch_job_tunes_malloc_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    monkeypatch.setattr(process, "tune_malloc", lambda: calls.append(None) or True)
    with process.batch_job(), process.batch_job():
        pass
    assert calls == [None]  # once, by the outermost block
