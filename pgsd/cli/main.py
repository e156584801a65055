"""Entry point of the `pgsd` command: parse arguments, run one command, map errors to exit codes.

Exit codes follow diff(1): 0 no differences (or success), 1 differences found,
2 error, 130 interrupted. Errors end in one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

import pgsd
from pgsd.errors import PgsdError

# Each module adds one sub-command with add_parser(subparsers); none imports Textual.
COMMAND_MODULES = (
    "pgsd.cli.cmd_diff",
    "pgsd.cli.cmd_snapshot",
    "pgsd.cli.cmd_info",
    "pgsd.cli.cmd_profiles",
    "pgsd.cli.cmd_tui",
    "pgsd.cli.cmd_demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pgsd",
        description="PostgreSQL schema diff: compare a source and a target database and "
        "generate the DDL that makes the target match the source.",
        epilog="Exit codes: 0 identical, 1 differences found, 2 error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"pgsd {pgsd.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        run = getattr(args, "run", None)
        if run is None:
            if _has_tui():
                from pgsd.cli.cmd_tui import run_default

                run = run_default
            else:
                parser.print_help(sys.stderr)
                return 2
        return int(run(args) or 0)
    except PgsdError as e:
        print(f"pgsd: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pgsd: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 2
    except Exception as e:  # noqa: BLE001 - a bug must still end in one line and exit 2
        if os.environ.get("PGSD_DEBUG"):
            traceback.print_exc()
        first = (str(e).strip().splitlines() or [""])[0]
        print(
            f"pgsd: internal error: {type(e).__name__}: {first} (PGSD_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 2


def entry() -> None:
    """The `pgsd` console script and ``python -m pgsd``: main(), then a quick exit (see quick_exit)."""
    from pgsd.cli.quick_exit import run_and_exit

    run_and_exit(main)


def _has_tui() -> bool:
    try:
        importlib.import_module("pgsd.cli.cmd_tui")
    except ModuleNotFoundError:
        return False
    return True


if __name__ == "__main__":
    entry()
