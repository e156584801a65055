"""`pgsd apply`: run a plan on the target, guarded.

Two forms:

* ``pgsd apply SOURCE TARGET [plan options]`` reads both sides, plans and applies;
* ``pgsd apply --plan plan.json [SOURCE] TARGET`` applies a plan ``pgsd diff --format json``
  wrote. The target is read again first and the plan is refused (exit 3) when the target's
  fingerprint is not the one in the plan, unless ``--force``.

Both hold pgsd's apply lock on the target database from before reading it until the
end (a second apply exits 4, naming the session holding it), bound every statement by
``--lock-timeout`` and ``--apply-statement-timeout``, and retry a segment that hit the
lock timeout. Statements that lose data need ``--allow-data-loss`` or, on a terminal,
typing the database's name. Afterwards the target is read again and compared with the
source: "converged" (exit 0) or what is left (exit 1). With ``--plan`` and no SOURCE the
comparison is with the state the plan file records (``workflow.converged``: the target as
read before, with every recorded difference made). Progress and reports go to stderr; the
verdict line to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import IO

from pgsd import errors
from pgsd.cli import output
from pgsd.cli.cmd_diff import EXIT_VERIFY_FAILED, _lock_timeout, add_verify_options, guarded, report_snapshots, verify
from pgsd.cli.process import batch_job
from pgsd.cli.sources import (
    SOURCE_HELP,
    add_comparison_options,
    add_connection_options,
    add_filter_options,
    add_rename_options,
    filters_from_args,
    pool_settings,
    report_decisions,
    request_from_args,
    shadow_from_args,
)
from pgsd.ddl.plan import Plan
from pgsd.diff.changes import ChangeSet, DiffOptions
from pgsd.export.plan_file import PlanFile, parse_plan_json
from pgsd.export.render import totals_line
from pgsd.model.fingerprint import side_fingerprint
from pgsd.model.snapshot import Filters, Snapshot, within
from pgsd.workflow import DatabaseSide, Side, compare, compare_with_decisions, parse_side, plan, read_sides
from pgsd.workflow.apply import (
    ApplyInterrupted,
    ApplySession,
    ApplySettings,
    StatementEvent,
    StatementFailed,
    data_loss_statements,
    first_line,
)
from pgsd.workflow.converged import expected_snapshot, left_after
from pgsd.workflow.read import read_regular_file

EXIT_DIFFERENCES_LEFT = 1
EXIT_DRIFTED = 3
EXIT_LOCKED = 4
EXIT_STATEMENT_FAILED = 5

EXIT_CODES = (
    "Exit codes: 0 applied and converged (or nothing to apply), 1 applied but differences are left, "
    "2 error (nothing applied), 3 the target changed since the plan was made, 4 another apply holds "
    "the lock, 5 a statement failed (the report says what was committed), 6 verification failed "
    "(nothing applied), 130 interrupted."
)
MAX_PLAN_BYTES = 1024**3


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "apply",
        help="apply the plan that makes TARGET match SOURCE (or a saved plan), guarded",
        description="Plan and apply the DDL that makes TARGET match SOURCE, or apply a plan written by "
        "pgsd diff --format json (--plan). The target's apply lock is held throughout; every statement is "
        "bounded by a lock and a statement timeout; afterwards the target is read again and compared.",
        epilog=EXIT_CODES,
        usage="pgsd apply [options] SOURCE TARGET\n       pgsd apply [options] --plan FILE [SOURCE] TARGET",
    )
    p.add_argument("sides", metavar="[SOURCE] TARGET", nargs="+",
                   help=f"SOURCE (the desired state) and TARGET (the database to change): {SOURCE_HELP}; "
                        "with --plan, TARGET alone, or SOURCE TARGET to check convergence afterwards")
    a = p.add_argument_group("apply")
    a.add_argument("--plan", metavar="FILE",
                   help="apply this plan (pgsd diff --format json -o FILE) instead of planning now")
    a.add_argument("--force", action="store_true",
                   help="apply --plan even though the target changed since the plan was made")
    a.add_argument("--allow-data-loss", action="store_true",
                   help="run statements that lose data without asking (otherwise: type the database's "
                        "name on a terminal; refused without one)")
    a.add_argument("--production-ok", action="store_true",
                   help="TARGET is a profile marked --production: apply without typing its database's name")
    a.add_argument("--lock-timeout", metavar="DURATION", type=_lock_timeout,
                   help="each statement waits at most this long for a lock (default: the plan's "
                        "--lock-timeout, else 5s); the same setting as pgsd diff --lock-timeout, "
                        "which writes it into the script")
    a.add_argument("--apply-statement-timeout", metavar="DURATION", type=_lock_timeout, default="15min",
                   help="each statement runs at most this long (default 15min; 0: no limit)")
    a.add_argument("--retries", metavar="N", type=int, default=3,
                   help="run a segment again this many times when it hit the lock timeout, pausing "
                        "0.5s, 1s, 2s, ... (default 3); a segment in a transaction starts again from "
                        "its first statement; statements that cannot run in a transaction are not retried")
    a.add_argument("--log", metavar="FILE",
                   help="write one JSON line per statement attempt (index, sql, start, duration, outcome)")
    g = p.add_argument_group("plan (when planning now)")
    g.add_argument("--safe", action="store_true", help="leave out statements that would lose data")
    g.add_argument("--concurrently", action="store_true",
                   help="CREATE/DROP INDEX CONCURRENTLY (each alone, outside a transaction)")
    g.add_argument("--not-valid", action="store_true",
                   help="add foreign keys and checks NOT VALID, then VALIDATE them separately")
    g.add_argument("--no-transaction", action="store_true", help="run every statement alone")
    add_rename_options(p)
    add_verify_options(p)
    add_filter_options(p)
    add_comparison_options(p)
    add_connection_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        with batch_job():
            return guarded(_run, args)
    except errors.TargetDrifted as e:
        output.error(str(e))
        return EXIT_DRIFTED
    except errors.ApplyLocked as e:
        output.error(str(e))
        return EXIT_LOCKED


# --------------------------------------------------------------------------- the command


def _run(args: argparse.Namespace) -> int:
    texts = list(args.sides)
    if args.plan is None and len(texts) != 2:
        raise errors.PgsdError("pgsd apply takes SOURCE and TARGET (or --plan FILE and TARGET)")
    if args.plan is not None and len(texts) not in (1, 2):
        raise errors.PgsdError("pgsd apply --plan FILE takes TARGET, or SOURCE and TARGET")
    if args.plan is not None and len(texts) == 1 and (args.verify or args.verify_rows or args.verify_whole):
        raise errors.PgsdError("--verify needs the source: pgsd apply --plan FILE SOURCE TARGET --verify")
    if args.retries < 0:
        raise errors.PgsdError("--retries must be 0 or more")
    plan_file = _read_plan(args.plan) if args.plan else None
    target = _database(parse_side(texts[-1]), "TARGET")
    source = parse_side(texts[0]) if len(texts) == 2 else None
    # passwords first, in this thread: nothing is asked once the lock is held
    target = target.with_password_from()
    if isinstance(source, DatabaseSide):
        source = source.with_password_from()
    log = _open_log(args.log)
    try:
        lock_timeout = args.lock_timeout or (plan_file.plan.lock_timeout if plan_file else None) or "5s"
        settings = ApplySettings(lock_timeout=lock_timeout, statement_timeout=args.apply_statement_timeout,
                                 retries=args.retries)
        with ApplySession(target.spec, settings) as session:
            return _apply(args, session, target, source, plan_file, log)
    finally:
        if log is not None:
            log.close()


def _apply(args: argparse.Namespace, session: ApplySession, target: DatabaseSide, source: Side | None,
           plan_file: PlanFile | None, log: IO[str] | None) -> int:
    sides: dict[str, Side] = {"target": target} if source is None else {"source": source, "target": target}
    if plan_file is not None:
        filters, options = plan_file.target.filters, plan_file.options
        asked = filters_from_args(args)
        if not asked.is_empty() and not asked.same_scope(filters):
            raise errors.FilterConflict(
                f"the plan was made with filters {filters.describe()}, not {asked.describe()}: "
                "leave the filter options out (the plan's are used)"
            )
    else:
        request = request_from_args(args)
        filters, options = request.filters, request.diff_options()
    # with --plan and no SOURCE, every schema and extension is kept: the convergence check scopes
    # the expected state and the target read again together, as the comparison did (workflow.converged)
    loaded = read_sides(sides, filters=filters, settings=pool_settings(args), shadow=shadow_from_args(args),
                        limit_containers=not (plan_file is not None and source is None))
    for note in loaded.notes:
        output.note(f"pgsd: {note}")
    report_snapshots(loaded.snapshots)
    snap_target = loaded.snapshots["target"]
    snap_source = loaded.snapshots.get("source")
    drifted = False
    compared_target = None  # a plan file's comparison is not at hand: its left-out keys are read on the target
    if plan_file is not None:
        the_plan = plan_file.plan
        drifted = _check_fingerprints(plan_file, snap_target, snap_source, target, force=args.force)
    else:
        assert snap_source is not None
        replayed = compare_with_decisions(source=snap_source, target=snap_target, request=request)
        changes = replayed.changes
        compared_target = changes.target
        the_plan = plan(changes, request.plan_options(), replayed.selected)
        report_decisions(changes)
        output.note(f"pgsd: {totals_line(changes)}")
    if the_plan.is_empty:
        output.note("pgsd: the plan is empty: nothing to apply")
        if snap_source is not None:
            return _converged(snap_source, target, loaded.filters, options, args, the_plan)
        assert plan_file is not None
        return _converged_as_recorded(plan_file, snap_target, target, loaded.filters, args, drifted=drifted)
    if snap_source is not None and not verify(args, the_plan, snap_source, snap_target, target, options,
                                              session.settings.lock_timeout, from_file=plan_file is not None,
                                              compared_target=compared_target):
        output.note("pgsd: nothing was applied")
        return EXIT_VERIFY_FAILED
    production = target.saved is not None and target.saved.production and not args.production_ok
    _confirm(the_plan, session.database(), allow=args.allow_data_loss, production=production,
             name=target.name)
    output.note(f"pgsd: applying {len(the_plan.statements)} statements to {target.describe()} "
                f"({the_plan.hazard_summary()})")
    progress = StatementLines(len(the_plan.statements), log, verbose=args.verbose)
    try:
        report = session.run(the_plan, progress)
    except StatementFailed as e:
        for line in e.report.lines():
            output.note(f"pgsd: {line}")
        return EXIT_STATEMENT_FAILED
    except ApplyInterrupted as e:
        for line in e.report.lines():
            output.note(f"pgsd: {line}")
        return 130  # main says which signal stopped it, and exits 128 + its number
    for line in report.lines():
        output.note(f"pgsd: {line}")
    if snap_source is None:
        assert plan_file is not None
        return _converged_as_recorded(plan_file, snap_target, target, loaded.filters, args, drifted=drifted)
    return _converged(snap_source, target, loaded.filters, options, args, the_plan)


def _converged(source: Snapshot, target: DatabaseSide, filters: Filters, options: DiffOptions,
               args: argparse.Namespace, the_plan: Plan | None = None) -> int:
    """Read the target again and compare it with the source: converged, or what is left."""
    after = read_sides({"target": target}, filters=filters, settings=pool_settings(args)).snapshots["target"]
    left: ChangeSet = compare(source, after, options)
    if left.is_empty:
        output.result("converged: the target matches the source")
        return 0
    return _left(left, the_plan)


def _converged_as_recorded(plan_file: PlanFile, before: Snapshot, target: DatabaseSide, filters: Filters,
                           args: argparse.Namespace, *, drifted: bool) -> int:
    """--plan without SOURCE: compare the target read again with the state the plan file records
    (``workflow.converged``): exact when the target was the plan's before it ran."""
    if plan_file.recorded is None:
        output.result("applied (the plan file does not record the source's objects, being written by an "
                      "older pgsd: give SOURCE too to check that the target converged)")
        return 0
    if drifted:
        output.result("applied (the target had changed since the plan was made, so only a comparison with "
                      "the source can say whether it converged: give SOURCE too)")
        return 0
    after = read_sides({"target": target}, filters=filters, settings=pool_settings(args),
                       limit_containers=False).snapshots["target"]
    recorded = plan_file.recorded
    expected = expected_snapshot(before, [c.key for c in recorded if c.source_object is None],
                                 [c.source_object for c in recorded if c.source_object is not None],
                                 plan_file.source.server_version_num)
    left = left_after(expected, after, plan_file.options)
    if left.is_empty:
        output.result("converged: the target matches the source the plan was made from "
                      "(as the plan file records it)")
        return 0
    return _left(left, plan_file.plan)


def _left(left: ChangeSet, the_plan: Plan | None) -> int:
    """What differs after the plan ran, each marked when the plan left it out by choice."""
    left_out = set(the_plan.left_out) if the_plan else set()
    withheld = {s.key for s in the_plan.withheld} if the_plan else set()
    lines, chosen = [], 0
    for c in left.changes:
        if c.same_meaning:
            continue
        why = (" (left out of the plan)" if within(c.key, left_out, left.source, left.target)
               else " (withheld by --safe)" if within(c.key, withheld, left.source, left.target) else "")
        chosen += bool(why)
        lines.append(f"pgsd:   {c.status.value} {c.key}{why}")
    as_chosen = ", all of it left out of the plan or withheld by --safe" if lines and chosen == len(lines) else ""
    output.result(f"not converged: {totals_line(left)}{as_chosen}")
    for line in lines:
        output.note(line)
    return EXIT_DIFFERENCES_LEFT


# --------------------------------------------------------------------------- guards


def _read_plan(path: str) -> PlanFile:
    data = read_regular_file(path, limit=MAX_PLAN_BYTES, what="plan file", error=errors.PlanFileError)
    return parse_plan_json(data, name=f"plan file {path}")


def _database(side: Side, role: str) -> DatabaseSide:
    if not isinstance(side, DatabaseSide):
        raise errors.PgsdError(f"{role} must be a database to apply to, not {side.describe()}")
    return side


def _check_fingerprints(plan_file: PlanFile, target: Snapshot, source: Snapshot | None, side: DatabaseSide,
                        *, force: bool) -> bool:
    """Whether the target changed since the plan was made (refused unless ``force``)."""
    now = side_fingerprint(target)
    drifted = now != plan_file.target.fingerprint
    if drifted:
        if not force:
            raise errors.TargetDrifted(
                f"{side.describe()} changed since the plan was made (fingerprint {_short(now)}, the plan "
                f"was made for {_short(plan_file.target.fingerprint)}): make the plan again, or --force"
            )
        output.warn(f"{side.describe()} changed since the plan was made; applying anyway (--force)")
    if source is not None and side_fingerprint(source) != plan_file.source.fingerprint:
        output.warn("the source is not the one the plan was made from (its fingerprint differs): "
                    "the convergence check compares with the source as it is now")
    return drifted


def _short(fp: str) -> str:
    return fp.split(":", 1)[-1][:12]


def _confirm(the_plan: Plan, database: str, *, allow: bool, production: bool, name: str,
             ask: Callable[[str], str] = input) -> None:
    """Typing the database's name: for statements that lose data (unless --allow-data-loss) and
    for a profile marked production (unless --production-ok); refused without a terminal."""
    lossy = [] if allow else data_loss_statements(the_plan)
    if not lossy and not production:
        return
    listed = ", ".join(f"{i} ({first_line(the_plan.statements[i - 1].sql)[:60]})" for i in lossy[:3])
    more = f" and {len(lossy) - 3} more" if len(lossy) > 3 else ""
    if not sys.stdin.isatty():
        if lossy:
            raise errors.DataLossRefused(
                f"the plan loses data (statements {listed}{more}): pass --allow-data-loss, "
                "or run pgsd apply on a terminal to confirm"
            )
        raise errors.DataLossRefused(
            f"{name} is marked production: pass --production-ok, or run pgsd apply on a terminal to confirm"
        )
    if production:
        output.note(f"pgsd: {name} is marked production")
    if lossy:
        output.note(f"pgsd: {len(lossy)} statement(s) lose data: {listed}{more}")
    for i in lossy:
        for h in the_plan.statements[i - 1].hazards:
            output.note(f"pgsd:   {i}: {h.type.label}: {h.message}")
    try:
        typed = ask(f"Type the database name ({database}) to apply: ")
    except EOFError:
        typed = ""
    if typed.strip() != database:
        raise errors.DataLossRefused("not confirmed: nothing was applied")


# --------------------------------------------------------------------------- progress


class StatementLines:
    """Progress per statement on a terminal (stderr), and the --log JSON lines."""

    def __init__(self, total: int, log: IO[str] | None, *, verbose: bool = False) -> None:
        self.total = total
        self.log = log
        self.show = sys.stderr.isatty() or verbose
        self.width = len(str(total))

    def __call__(self, event: StatementEvent) -> None:
        if self.log is not None and event.outcome != "running":
            self.log.write(json.dumps(event.log_record(), ensure_ascii=False) + "\n")
            self.log.flush()
        if not self.show or event.outcome == "running":
            return
        what = {"ok": f"ok {event.seconds:.3f}s", "lock_timeout": "lock timeout, will retry",
                "failed": "FAILED", "rolled_back": "rolled back"}.get(event.outcome, event.outcome)
        retry = f" (attempt {event.attempt})" if event.attempt > 1 else ""
        output.note(f"[{event.index:>{self.width}}/{self.total}] {what}{retry}  {first_line(event.statement.sql)}")


def _open_log(path: str | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    except OSError as e:
        raise errors.PgsdError(f"cannot write the log {path}: {e.strerror}") from None
