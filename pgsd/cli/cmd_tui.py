"""`pgsd tui [SOURCE TARGET]`: the terminal app; `pgsd` with no command opens it too.

Textual is imported only inside the run functions: importing ``pgsd.cli`` (every
headless command) never loads it.
"""

from __future__ import annotations

import argparse
import sys

from pgsd.errors import PgsdError

NO_TERMINAL = ("the app needs a terminal (standard input and output are not both one); "
               "in scripts and pipes use `pgsd diff SOURCE TARGET`")
"""Why `pgsd` and `pgsd tui` refuse to start without a terminal (exit code 2)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    from pgsd.cli.sources import (
        SOURCE_HELP,
        add_comparison_options,
        add_connection_options,
        add_filter_options,
        add_rename_options,
    )

    p = sub.add_parser(
        "tui",
        help="open the app (on the comparison of SOURCE and TARGET when given)",
        description="Open the pgsd app. With SOURCE and TARGET it opens on their comparison; "
        "without, on the saved connections. `pgsd` with no command opens it too. Both need a terminal: "
        "when standard input or output is not one, they refuse with one line (exit code 2) and "
        "`pgsd diff` is the command to use.",
    )
    p.add_argument("source", metavar="SOURCE", nargs="?", help=f"the desired state: {SOURCE_HELP}")
    p.add_argument("target", metavar="TARGET", nargs="?", help=f"the database to change: {SOURCE_HELP}")
    add_filter_options(p)
    add_comparison_options(p)
    add_rename_options(p)  # the app starts with these renames and decisions (m pairs more, D saves them)
    add_connection_options(p)
    p.set_defaults(run=run, _tui_parser=p)


def _backend(args: argparse.Namespace):  # noqa: ANN202 - pgsd.tui.backend.LiveBackend
    """The app's backend, with what the command line asked for (the same request `pgsd diff` builds)."""
    from pgsd.cli.process import app_reading
    from pgsd.cli.sources import pool_settings, request_from_args
    from pgsd.tui.backend import LiveBackend

    return LiveBackend(request=request_from_args(args), settings=pool_settings(args), reading=app_reading)


def need_terminal() -> None:
    """Refuse (one line, exit 2) rather than write the app's escape sequences into a pipe or file."""
    if not (_isatty(sys.stdin) and _isatty(sys.stdout)):
        raise PgsdError(NO_TERMINAL)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (ValueError, OSError):  # a closed stream
        return False


def run(args: argparse.Namespace) -> int:
    if (args.source is None) != (args.target is None):
        args._tui_parser.error("give both SOURCE and TARGET, or neither")
    need_terminal()
    if args.source is None:
        return run_default(args)
    from pgsd.workflow import parse_side, with_password

    # Parsed before the app starts (a bad argument is one line, exit 2); a profile that asks
    # for its password each time is asked now, on the terminal, one side after the other.
    source, target = parse_side(args.source), parse_side(args.target)
    source = with_password(source) if getattr(source, "asks_password", False) else source
    target = with_password(target) if getattr(target, "asks_password", False) else target
    from pgsd.tui.app import PgsdApp

    app = PgsdApp(source, target, backend=_backend(args))
    return int(app.run() or 0)


def run_default(args: argparse.Namespace) -> int:
    """`pgsd` with no command: the app on the saved connections."""
    need_terminal()
    from pgsd.tui.app import PgsdApp

    return int(PgsdApp(backend=_backend(args)).run() or 0)


def open_compare(source: str, target: str, *, source_name: str | None = None, target_name: str | None = None) -> int:
    """The app straight on a comparison (``pgsd demo`` calls this, naming the two sides)."""
    from pgsd.tui.app import PgsdApp
    from pgsd.workflow import parse_side

    app = PgsdApp(parse_side(source), parse_side(target), backend=_backend(argparse.Namespace()),
                  source_name=source_name, target_name=target_name)
    return int(app.run() or 0)
