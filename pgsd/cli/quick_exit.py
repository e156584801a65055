"""Ending the `pgsd` process without freeing what a command read, one object at a time.

A diff of two 2,000-table databases holds about 100,000 objects when it is done; freeing
them one by one and then tearing the interpreter down takes a quarter of a second, a
tenth of the whole run (more at 10,000 tables), and achieves nothing: the process is
ending and the kernel takes its memory back at once. So a command that read databases
*keeps* its results here (``keep_until_exit``) instead of letting them go, and the console-script entry point
(`entry`) flushes the output, runs the atexit handlers and leaves with ``os._exit``.

Keeping does nothing unless ``entry`` enabled it: ``main()`` called from tests or other
Python code returns normally and frees everything as usual.

The same goes for the process's stop signals (``stop_on_signals``): under ``entry`` a
headless command treats SIGTERM and SIGHUP like Ctrl-C. Each raises an exception in the
main thread, so whatever was being written (``-o FILE``, a snapshot) is abandoned the way
Ctrl-C abandons it: the temp file removed, the old file intact. The exit code is then
128 + the signal's number (130, 143, 129), as a shell reports for a process the signal
killed. A stop is also recorded, because an exception raised while C code is running
Python code (a serializer calling back) can be swallowed there: ``check_stop`` raises it
again at the next safe point, and a command that returns after a stop still exits
128 + signal.
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import time
from types import FrameType
from typing import NoReturn

_kept: list[object] = []
_enabled = False


def owns_process() -> bool:
    """True under ``entry``: the process ends when the command does."""
    return _enabled


def keep_until_exit(*results: object) -> None:
    """Keep ``results`` alive until the process ends (only under ``entry``).

    Everything alive now is also moved out of the garbage collector's sight
    (``gc.freeze``): the commands pause the collector while they read (pgsd.cli.process), so the first
    collection after it comes back would otherwise walk every object read (25 ms at
    2,000 tables), only for the process to end.
    """
    if _enabled:
        _kept.extend(results)
        gc.freeze()


def run_and_exit(main) -> NoReturn:  # noqa: ANN001 - the CLI's main()
    """Run ``main()`` and exit with its code; quickly when a command kept its results."""
    global _enabled
    _enabled = True
    code = main()
    if not _kept:
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started without it (`>&-`): nothing was buffered
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the result did not get through
            code = 2
    atexit._run_exitfuncs()  # what a normal exit would run (pools are closed already)
    os._exit(code)


# --------------------------------------------------------------------------- stop signals


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: stop like Ctrl-C (a BaseException, so no ``except Exception`` keeps going)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
RAISE_AGAIN_AFTER = 2.0
"""Seconds after which a repeated signal raises again (sooner, it only confirms the stop in progress)."""

_stop: int | None = None
_raised_at = 0.0
_handled = False


def stop_on_signals() -> None:
    """Handle SIGINT, SIGTERM and SIGHUP by stopping the command (see the module's docstring).

    A signal the process was started with ignored (``nohup``, a background job's SIGINT)
    stays ignored.
    """
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue
        signal.signal(signum, _on_signal)
    default_hook = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        # the stop was recorded and is raised again by check_stop: no "Exception ignored" lines
        if _stop is None or not isinstance(unraisable.exc_value, (KeyboardInterrupt, Terminated)):
            default_hook(unraisable)

    sys.unraisablehook = hook


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _stop, _raised_at
    first = _stop is None
    _stop = _stop or signum
    now = time.monotonic()
    if _handled:
        return  # the command is ending already: a second Ctrl-C must not break off its last words
    if first or now - _raised_at > RAISE_AGAIN_AFTER:
        _raised_at = now
        _raise_stop(signum)


def _raise_stop(signum: int) -> NoReturn:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def stop_handled(signum: int) -> None:
    """The command has stopped (``main`` is reporting it): later signals are only noted."""
    global _stop, _handled
    _stop = _stop or signum
    _handled = True


def stopped_by() -> int | None:
    """The signal that asked the command to stop, if one did."""
    return _stop


def check_stop() -> None:
    """Raise the recorded stop again (for a place where stopping is safe: between pieces of output)."""
    if _stop is not None:
        _raise_stop(_stop)


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
