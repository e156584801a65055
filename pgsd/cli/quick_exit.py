"""Ending the `pgsd` process without freeing what a command read, one object at a time.

A diff of two 2,000-table databases holds about 100,000 objects when it is done; freeing
them one by one and then tearing the interpreter down takes a quarter of a second, a
tenth of the whole run (more at 10,000 tables), and achieves nothing: the process is
ending and the kernel takes its memory back at once. So a command that read databases
*parks* its results here instead of letting them go, and the console-script entry point
(`entry`) flushes the output, runs the atexit handlers and leaves with ``os._exit``.

Parking does nothing unless ``entry`` enabled it: ``main()`` called from tests or other
Python code returns normally and frees everything as usual.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import NoReturn

_parked: list[object] = []
_enabled = False


def owns_process() -> bool:
    """True under ``entry``: the process ends when the command does."""
    return _enabled


def park(*results: object) -> None:
    """Keep ``results`` alive until the process ends (only under ``entry``).

    Everything alive now is also moved out of the garbage collector's sight
    (``gc.freeze``): the commands pause the collector while they read, so the first
    collection after it comes back would otherwise walk every object read (25 ms at
    2,000 tables), only for the process to end.
    """
    if _enabled:
        _parked.extend(results)
        gc.freeze()


def run_and_exit(main) -> NoReturn:  # noqa: ANN001 - the CLI's main()
    """Run ``main()`` and exit with its code; quickly when a command parked its results."""
    global _enabled
    _enabled = True
    code = main()
    if not _parked:
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the result did not get through
            code = 2
    atexit._run_exitfuncs()  # what a normal exit would run (pools are closed already)
    os._exit(code)
