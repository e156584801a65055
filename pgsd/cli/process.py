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

The quick exit at the end of a command (keeping results alive and leaving with
``os._exit``) and the stop signals live next door, in ``pgsd.cli.quick_exit``.
"""

from __future__ import annotations

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

