"""Entry point of the `pgsd` command: parse arguments, run one command, map errors to exit codes.

Exit codes follow diff(1): 0 no differences (or success), 1 differences found,
2 error (a result that could not be written to stdout included), 141 the reader of
stdout went away (a broken pipe, as for a process SIGPIPE killed), and 128 + the
signal's number when stopped by one: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP. Errors end in
one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import sys
import traceback

import pgsd
from pgsd.errors import PgsdError

EXIT_CODES = (
    "Exit codes: 0 identical, 1 differences found, 2 error (also when the result could not be "
    "written), 141 stdout closed by its reader (broken pipe), 130 interrupted (Ctrl-C), "
    "143 SIGTERM, 129 SIGHUP."
)
HEADLESS = frozenset({"diff", "snapshot", "info", "profiles", "dump", "apply"})
"""Commands that stop on SIGTERM and SIGHUP as on Ctrl-C (the app handles its own terminal)."""

# Each module adds one sub-command with add_parser(subparsers); none imports Textual.
COMMAND_MODULES = (
    "pgsd.cli.cmd_diff",
    "pgsd.cli.cmd_apply",
    "pgsd.cli.cmd_snapshot",
    "pgsd.cli.cmd_info",
    "pgsd.cli.cmd_profiles",
    "pgsd.cli.cmd_tui",
    "pgsd.cli.cmd_demo",
    "pgsd.cli.cmd_dump",
)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of the command ``argv`` starts with.

    ``pgsd diff ...`` needs no other command's module: importing and describing the
    other five took 12 ms of a start that sits before the first query. ``pgsd`` alone,
    ``pgsd --help`` or a mistyped command still get the whole parser (and its list of
    commands).
    """
    modules: tuple[str, ...] = COMMAND_MODULES
    first = argv[0] if argv else None
    if first is not None and f"pgsd.cli.cmd_{first}" in COMMAND_MODULES:
        modules = (f"pgsd.cli.cmd_{first}",)
    parser = argparse.ArgumentParser(
        prog="pgsd",
        description="PostgreSQL schema diff: compare a source and a target database and "
        "generate the DDL that makes the target match the source.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"pgsd {pgsd.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pgsd.cli.output import EXIT_BROKEN_PIPE, OutputFailed
    from pgsd.cli.quick_exit import Terminated, owns_process, stop_on_signals, stopped_by

    try:
        parser, args = _parse(argv)
        run = getattr(args, "run", None)
        if run is None:
            if _has_tui():
                from pgsd.cli.cmd_tui import run_default

                run = run_default
            else:
                parser.print_help(sys.stderr)
                return 2
        if owns_process() and getattr(args, "command", None) in HEADLESS:
            stop_on_signals()
        code = int(run(args) or 0)
        return _stopped(stopped_by()) if stopped_by() is not None else code
    except KeyboardInterrupt:
        return _stopped(signal.SIGINT)
    except Terminated as e:
        return _stopped(e.signum)
    except OutputFailed as e:
        _say(f"pgsd: error: {e}")
        return e.exit_code
    except PgsdError as e:
        if stopped_by() is not None:  # the stop cancelled what was running; that is the news
            return _stopped(stopped_by())
        _say(f"pgsd: error: {e}")
        return 2
    except BrokenPipeError:
        _say("pgsd: error: standard output was closed by its reader (broken pipe)")
        return EXIT_BROKEN_PIPE
    except Exception as e:  # noqa: BLE001 - a bug must still end in one line and exit 2
        if os.environ.get("PGSD_DEBUG"):
            traceback.print_exc()
        first = (str(e).strip().splitlines() or [""])[0]
        _say(f"pgsd: internal error: {type(e).__name__}: {first} (PGSD_DEBUG=1 shows the traceback)")
        return 2


def _stopped(signum: int | None) -> int:
    """Say that a signal stopped the command; its exit code is 128 + the signal's number."""
    from pgsd.cli.quick_exit import signal_name, stop_handled

    signum = signum or signal.SIGINT
    stop_handled(signum)
    _say("pgsd: interrupted" if signum == signal.SIGINT else f"pgsd: stopped by {signal_name(signum)}")
    return 128 + signum


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass  # no stderr to say it on: the exit code still tells


def _parse(argv: list[str] | None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """Build the parser (importing every command's module) and parse ``argv``.

    The collector is paused meanwhile: the imports create about 75,000 objects that
    live as long as the process. Under the console entry point they are then frozen
    (``gc.freeze``) so that no later collection walks them either. Both together take
    45 ms off every command's start (307 ms instead of 352 ms for ``pgsd diff --help``).
    """
    from pgsd.cli.quick_exit import owns_process

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if argv is None:
            argv = sys.argv[1:]
        parser = build_parser(argv)
        return parser, parser.parse_args(argv)
    finally:
        if owns_process():
            gc.freeze()
        if was_enabled:
            gc.enable()


def entry() -> None:
    """The `pgsd` console script and ``python -m pgsd``: main(), then a quick exit (see quick_exit)."""
    from pgsd.cli.quick_exit import run_and_exit

    _fill_closed_standard_fds()
    run_and_exit(main)


def _fill_closed_standard_fds() -> None:
    """Put /dev/null on a standard fd the process was started without (``pgsd diff ... >&-``).

    Python then has ``sys.stdout`` as None (the result is refused with one line, see
    ``output.result``), but the fd number itself is free: the next file or socket
    opened would get it, and anything writing to "stdout" would write into that.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                devnull = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)


def _has_tui() -> bool:
    try:
        importlib.import_module("pgsd.cli.cmd_tui")
    except ModuleNotFoundError:
        return False
    return True


if __name__ == "__main__":
    entry()
