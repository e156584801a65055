"""The `pgsd` command's process policy: the interpreter tuned for one batch job.

A headless command reads two catalogs, compares them, prints a plan and ends. Two
interpreter settings help that shape of work and would hurt an interactive one, so they
are applied here, by the CLI's commands only (``pgsd diff``, ``pgsd snapshot``,
``pgsd demo``), never by ``pgsd.workflow``, which the app calls too:

* The cyclic garbage collector is paused: the objects built have no cycles, and each
  full collection would walk every object built so far (measured: 10-15% of a
  2,000-table diff's client CPU). It runs again, unchanged, once the outermost block ends.
  The app must not run like this: it lives for hours, and Textual's widgets do form cycles.
* The GIL switch interval drops from 5 ms to 1 ms: a side's thread that was waiting on
  its server otherwise waits up to 5 ms more for the other side's thread to give up the
  interpreter, every time a chunk of rows arrives.

One more setting is for the whole process, made once by the first block (the app's
reading blocks included, where it helps as much): ``tune_malloc``, so that memory freed
while reading goes back to the system (see its docstring); ``release_free_memory`` gives
back what is left free once the sides are read.

The quick exit at the end of a command (keeping results alive and leaving with
``os._exit``) and the stop signals live next door, in ``pgsd.cli.quick_exit``.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BATCH_SWITCH_INTERVAL = 0.001
"""GIL switch interval (s) while a command runs: see ``batch_job``."""

_lock = threading.Lock()
_depth = 0
_saved: tuple[bool, float] = (True, 0.005)
_malloc_tuned = False

MALLOC_THRESHOLD = 128 * 1024
"""glibc's default mmap and trim thresholds (bytes), pinned by ``tune_malloc``."""
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def _glibc() -> ctypes.CDLL | None:
    """The process's C library when it is glibc (what the malloc policy is for), else None."""
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return None
        return ctypes.CDLL(None)
    except (ValueError, OSError, AttributeError):  # no such confstr name here, or no C library to open
        return None


def tune_malloc() -> bool:
    """Make glibc's malloc give memory back as a batch job frees it. Two settings:

    * **Thresholds pinned.** glibc serves a block of 128 KiB or more with its own mmap,
      returned to the system when freed, but each time such a block is freed it raises
      that threshold to the block's size (up to 32 MiB) and its trim threshold to twice
      that. Reading a catalog frees many large blocks (chunks of rows, the lists and dict
      tables of half a million objects as they grow), so after a while those come from
      the heap, and once freed they stay in the process between the objects that outlive
      them. Setting the thresholds, even to their defaults, turns that adjustment off.
      Measured on gen_schema's 20,000-table pair (PostgreSQL 18, ``pgsd diff``,
      2026-12-02): peak RSS 582-585 MB as glibc adjusts, 535-538 MB pinned (the same with
      ``MALLOC_TRIM_THRESHOLD_`` or ``MALLOC_MMAP_THRESHOLD_`` in the environment).
    * **One arena.** glibc gives each thread that allocates its own arena (a heap of its
      own), and the reading threads of both sides each fragment theirs. Python allocates
      under the GIL, so one arena costs no waiting worth measuring. Same pair, 2026-12-03,
      three runs each: RSS once both sides are read 476-480 MiB with an arena per thread,
      473-475 with one; peak during the read 480-490 MiB, 476-477 (the same as
      ``MALLOC_ARENA_MAX=1`` in the environment).

    Wall and CPU time stayed within the noise of three runs for both. Made once per
    process, before the reading threads start. Returns whether it applied (not on other
    C libraries, where it is left alone).
    """
    global _malloc_tuned
    if _malloc_tuned:
        return True
    libc = _glibc()
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success
    _malloc_tuned = all([mallopt(_M_MMAP_THRESHOLD, MALLOC_THRESHOLD), mallopt(_M_TRIM_THRESHOLD, MALLOC_THRESHOLD),
                         mallopt(_M_ARENA_MAX, 1)])
    return _malloc_tuned


def release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc's ``malloc_trim``), once the
    sides are read: what the read freed lies between objects that live on, where the
    trim threshold (which only trims the heap's top) cannot reach it. About 2 ms.

    Measured on gen_schema's 20,000-table pair (PostgreSQL 18, ``pgsd diff``,
    2026-12-03): RSS once both sides are read drops by 12-16 MiB; comparing and planning
    then stay below the read's peak. Nothing on other C libraries.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@contextmanager
def batch_job() -> Iterator[None]:
    """Pause the collector and shorten the switch interval for the block (see the module docstring).

    Re-entrant and thread-safe: the settings are restored when the last block exits. One
    block should span a whole command: between separate blocks the collector would come
    back and walk every object just read (half a second at 10,000 tables).
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            tune_malloc()
            _saved = (gc.isenabled(), sys.getswitchinterval())
            gc.disable()
            sys.setswitchinterval(BATCH_SWITCH_INTERVAL)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                enabled, interval = _saved
                sys.setswitchinterval(interval)
                if enabled:
                    gc.enable()


@contextmanager
def app_reading() -> Iterator[None]:
    """For the app: ``batch_job`` while it reads and compares two sides, then what it built frozen.

    The app keeps its collector running (its widgets form cycles), but a comparison is
    objects without cycles by the hundred thousand (490,000 at 10,000 tables) that live
    until the next one: while they are built, each full collection walks every one built
    so far, and every later full collection (one comes every few toggles) would walk them
    all again. So the app's backend reads and compares inside this block, and at its end
    ``gc.freeze`` moves what exists into the permanent generation, where collections
    never look. Freed by reference counting as usual when the next comparison replaces
    them; only cyclic garbage already waiting at that moment stays (none of pgsd's own).
    Measured on gen_schema's 2,000-table snapshot pair (bench/tui_latency.py --real):
    reading, comparing, indexing and the first plan took 5.9 s with the collector (2.0 s
    of it in 10 full collections), 4.4 s without.
    """
    with batch_job():
        yield
    gc.freeze()

