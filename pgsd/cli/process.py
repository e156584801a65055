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
reading blocks included, where it helps as much): ``pin_malloc_thresholds``, so that
memory freed while reading goes back to the system (see its docstring).

The quick exit at the end of a command (keeping results alive and leaving with
``os._exit``) and the stop signals live next door, in ``pgsd.cli.quick_exit``.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BATCH_SWITCH_INTERVAL = 0.001
"""GIL switch interval (s) while a command runs: see ``batch_job``."""

_lock = threading.Lock()
_depth = 0
_saved: tuple[bool, float] = (True, 0.005)
_malloc_pinned = False

MALLOC_THRESHOLD = 128 * 1024
"""glibc's default mmap and trim thresholds (bytes), pinned by ``pin_malloc_thresholds``."""
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def pin_malloc_thresholds() -> bool:
    """Keep glibc's malloc from raising its mmap threshold as large blocks are freed.

    glibc serves a block of 128 KiB or more with its own mmap, returned to the system
    when freed, but each time such a block is freed it raises that threshold to the
    block's size (up to 32 MiB) and its trim threshold to twice that. Reading a catalog
    frees many large blocks (chunks of rows, the lists and dict tables of half a million
    objects as they grow), so after a while those come from the heap, and once freed
    they stay in the process between the objects that outlive them. Setting the
    thresholds, even to their defaults, turns that adjustment off.

    Measured on gen_schema's 20,000-table pair (PostgreSQL 18, `pgsd diff`, 2026-12-02):
    peak RSS 582-585 MB as glibc adjusts, 535-538 MB with the thresholds pinned (the same
    with ``MALLOC_TRIM_THRESHOLD_`` or ``MALLOC_MMAP_THRESHOLD_`` set in the
    environment); wall and CPU time the same within the noise of three runs.
    Returns whether it applied (not on other C libraries, where it is left alone).
    """
    global _malloc_pinned
    if _malloc_pinned:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success (musl's returns 0 and changes nothing)
    _malloc_pinned = bool(mallopt(_M_MMAP_THRESHOLD, MALLOC_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, MALLOC_THRESHOLD))
    return _malloc_pinned


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
            pin_malloc_thresholds()
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

