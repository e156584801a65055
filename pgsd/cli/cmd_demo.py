"""`pgsd demo`: the whole product in one command, on an embedded PostgreSQL.

A newcomer with no database at hand starts a private PostgreSQL (the ``demo`` extra),
gets the sample shop in two releases, and sees the comparison source = v2 (in
development), target = v1 (deployed):

* ``pgsd demo``          opens the app on it; the server stops when the app exits.
* ``pgsd demo --print``  prints the plan instead (for CI and the README) and exits 0.
* ``pgsd demo --keep``   does not open the app: it leaves the server running and prints
  the two DSNs and CLI commands to try; ``pgsd demo --stop`` stops it again. A later
  ``pgsd demo`` (or ``--print``) joins that server and leaves it running.

Neither Textual nor the wheel is imported until the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from pgsd.cli import output
from pgsd.errors import PgsdError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="try pgsd on a sample shop database in two versions (embedded PostgreSQL)",
        description="Start an embedded PostgreSQL, load a sample shop schema as deployed (v1) and "
        "in development (v2), and open the app on the comparison source=v2, target=v1. "
        "Needs the demo extra: pip install 'pgsd[demo]'.",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--print", dest="print_plan", action="store_true",
                      help="print the plan that makes v1 match v2 instead of opening the app")
    mode.add_argument("--stop", action="store_true", help="stop a demo server left running by --keep")
    p.add_argument("--keep", action="store_true",
                   help="skip the app: leave the server running and print its connection strings, to try "
                   "the CLI (or `pgsd tui`) on it; later demos join it and leave it running; "
                   "pgsd demo --stop stops it")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (PgsdError, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as e:  # noqa: BLE001 - a bug still ends in one line (and the server stops)
        first = (str(e).strip().splitlines() or [""])[0]
        output.error(f"internal error: {type(e).__name__}: {first} (PGSD_DEBUG=1 shows the traceback)")
        if os.environ.get("PGSD_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from pgsd.demo.server import DemoServer, import_wheel  # noqa: PLC0415 - keeps `pgsd --help` fast
    from pgsd.demo.setup import prepare_databases  # noqa: PLC0415

    server = DemoServer()
    if args.stop:
        if args.keep:
            raise PgsdError("--keep and --stop contradict each other")
        output.note(server.stop_running())
        return 0
    if not args.print_plan and not args.keep and not (sys.stdin.isatty() and sys.stdout.isatty()):
        output.note("pgsd demo: not on a terminal, so printing the plan instead of opening the app")
        args.print_plan = True
    if not args.print_plan and not args.keep:
        _check_app()  # before the server starts: a missing app is no reason to wait for it

    import_wheel()  # a missing wheel is the only line printed
    if server.is_running():
        output.note(f"pgsd demo: joining the demo PostgreSQL already running in {server.pgdata} ...")
    else:
        first = not server.pgdata.exists()
        output.note("pgsd demo: starting PostgreSQL"
                    f"{' (first run: creating its data directory with initdb, a few seconds)' if first else ''} ...")
    with server:
        if server.reset_reason:
            output.note(f"pgsd demo: made a new data directory ({server.reset_reason})")
        if server.was_kept and not args.keep:
            server.keep = True  # left running by `pgsd demo --keep`: it stays running
        with prepare_databases(server.admin_uri) as dbs:
            if args.print_plan:
                output.result(plan_sql(dbs.source, dbs.target))
                code = 0
            elif args.keep:
                code = 0
            else:
                code = _open_app(dbs.source, dbs.target)
            if args.keep:
                server.keep = True
                text = keep_message(dbs.source, dbs.target, str(server.pgdata))
                if args.print_plan:
                    output.note(text)  # stdout carries the plan only
                else:
                    output.result(text)
            elif server.keep:
                output.note("pgsd demo: the server `pgsd demo --keep` left running keeps running "
                            "(pgsd demo --stop stops it)")
    return code


def plan_sql(source: str, target: str) -> str:
    """The demo plan as a runnable script, with a header saying what it is."""
    from pgsd import workflow  # noqa: PLC0415
    from pgsd.demo.setup import SOURCE_DB, TARGET_DB  # noqa: PLC0415
    from pgsd.model.names import sql_comment  # noqa: PLC0415

    request = workflow.ComparisonRequest()  # what `pgsd diff SOURCE TARGET` asks, with no option
    progress = output.Progress()
    try:
        loaded = workflow.read_sides(
            {"source": workflow.parse_side(source), "target": workflow.parse_side(target)},
            filters=request.filters, progress=progress,
        )
    finally:
        progress.clear()
    src, tgt = loaded.snapshots["source"], loaded.snapshots["target"]
    plan = workflow.plan(workflow.compare(src, tgt, request.diff_options()), request.plan_options())
    version = f"PostgreSQL {src.server.version}" if src.server is not None else "PostgreSQL"
    header = [
        f"pgsd demo: the DDL that makes {TARGET_DB} (the sample shop as deployed, release 1)",
        f"match {SOURCE_DB} (release 2, in development), on an embedded {version}.",
        "The same as `pgsd diff SOURCE TARGET` (`pgsd demo --keep` prints the two DSNs).",
        f"{len(plan.statements)} statement(s); hazards: {plan.hazard_summary()}",
    ]
    header.extend(f"note: {n}" for n in plan.notes)
    header.extend(f"withheld: {s.sql.splitlines()[0][:100]}" for s in plan.withheld)
    lines = [sql_comment(line) for line in header]
    return "\n".join(lines) + "\n\n" + plan.to_sql()


def keep_message(source: str, target: str, pgdata: str) -> str:
    return "\n".join(
        [
            f"The demo server keeps running (data directory {pgdata}).",
            "",
            f"  source (v2, in development):  {source}",
            f"  target (v1, deployed):        {target}",
            "",
            "Try the CLI on them:",
            f'  pgsd diff "{source}" "{target}"',
            f'  pgsd diff "{source}" "{target}" --format summary',
            f'  pgsd tui "{source}" "{target}"',
            "",
            "`pgsd demo --stop` stops the server (a later `pgsd demo` joins it and leaves it running).",
            "Every `pgsd demo` rebuilds both databases from scratch.",
        ]
    )


def _check_app() -> None:
    try:
        _app_entry()
        import pgsd.tui.app  # noqa: F401, PLC0415 - Textual and the app load, or we say so now
    except ImportError as e:
        raise PgsdError(
            f"the app cannot be loaded ({e}); `pgsd demo --print` shows the plan without it"
        ) from None


def _app_entry():  # noqa: ANN202 - a callable (source, target) -> exit code
    """The app's entry point for a comparison (imports Textual, so only called in run)."""
    from pgsd.cli.cmd_tui import open_compare  # noqa: PLC0415

    return open_compare


def _open_app(source_dsn: str, target_dsn: str) -> int:
    return int(
        _app_entry()(source_dsn, target_dsn, source_name="shop v2 (in development)", target_name="shop v1 (deployed)")
        or 0
    )
