"""`pgsd diff SOURCE TARGET`: introspect both sides, diff, plan, print (or write) the result.

stdout carries only the result (SQL, summary or JSON); progress, the coverage report
and warnings go to stderr, so ``pgsd diff a b > migration.sql`` is always clean. The
exit code follows diff(1): 0 identical, 1 differences found, 2 error (128 + signal when stopped),
and an unexpected crash is an error (2), never "differences" and never "identical".
Two gates for CI change it after the result is written: ``--strict-coverage`` exits 2
when a side holds kinds pgsd does not compare, ``--fail-on HAZARD,...`` exits 3
(``EXIT_HAZARD``) when the plan has one of those hazards.

Sides are parsed and read by ``cli.sources.read`` (``workflow.read_sides``, as the app
reads them); the options come from one ``ComparisonRequest`` (``request_from_args``).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Iterable

import pgsd
from pgsd.cli import output
from pgsd.cli.process import batch_job
from pgsd.cli.quick_exit import keep_until_exit
from pgsd.cli.sources import (
    SOURCE_HELP,
    Read,
    add_comparison_options,
    add_connection_options,
    add_filter_options,
    add_rename_options,
    filters_from_args,
    read,
    report_decisions,
    request_from_args,
)
from pgsd.ddl.context import using_key
from pgsd.ddl.plan import HazardType, Plan
from pgsd.diff.changes import DiffOptions
from pgsd.errors import PgsdError
from pgsd.export import FORMATS, check_writable, render, write_atomic
from pgsd.export.render import coverage_line
from pgsd.model.snapshot import Snapshot
from pgsd.workflow import compare_with_decisions, generated_at, plan

EXIT_HAZARD = 3
"""Exit code of ``--fail-on``: the plan has a hazard the caller refuses (0/1/2/130 are taken)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="print the DDL that makes TARGET match SOURCE",
        description="Compare SOURCE (the desired schema) with TARGET (the database to change) "
        "and print the DDL that makes TARGET match SOURCE.",
        epilog="Exit codes: 0 identical, 1 differences found, 2 error (also when the result could not be "
        "written, or --strict-coverage with kinds not compared), 3 the plan has a hazard named in --fail-on, "
        "6 --verify failed, 141 stdout closed by its reader (broken pipe), 130 interrupted (Ctrl-C), "
        "143 SIGTERM, 129 SIGHUP.",
    )
    p.add_argument("source", metavar="SOURCE", help=f"the desired state: {SOURCE_HELP}")
    p.add_argument("target", metavar="TARGET", help=f"the database to change: {SOURCE_HELP}")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="sql",
                     help="sql: the plan as a script (default); summary: counts and hazards; json: for programs; "
                     "markdown: a review report for a pull request; html: the same report as one self-contained file")
    out.add_argument("--report-limit", metavar="CHARS", type=_report_limit, default=None,
                     help="longest Markdown report; above it the per-object part is shortened "
                     "(default 65536, GitHub's comment limit)")
    add_output_options(out)
    out.add_argument("--exit-code", action="store_true",
                     help="accepted for scripts written for git diff: the exit code is always 0/1/2 (3 with --fail-on)")
    g = p.add_argument_group("plan")
    g.add_argument("--safe", action="store_true",
                   help="leave out statements that would lose data (listed as comments)")
    g.add_argument("--concurrently", action="store_true",
                   help="CREATE/DROP INDEX CONCURRENTLY (outside the transaction)")
    g.add_argument("--not-valid", action="store_true",
                   help="add foreign keys and checks NOT VALID, then VALIDATE them separately")
    g.add_argument("--no-transaction", action="store_true", help="do not wrap the script in BEGIN/COMMIT")
    g.add_argument("--commit-data-loss-early", action="store_true",
                   help="when some statements must run outside the transaction, let statements that lose "
                        "data commit before them (by default they go in the last transaction possible)")
    g.add_argument("--using", action="append", default=[], type=_using, metavar="SCHEMA.TABLE.COLUMN=EXPR",
                   help="convert this column's values with EXPR when its type changes (ALTER COLUMN ... TYPE ... "
                        "USING EXPR); repeatable")
    g.add_argument("--lock-timeout", metavar="DURATION", type=_lock_timeout,
                   help="start the script with SET lock_timeout (e.g. 5s, 500ms)")
    gates = p.add_argument_group("gates (for CI)")
    gates.add_argument("--fail-on", metavar="HAZARD[,HAZARD...]", type=_hazard_list, default=(),
                       help=f"exit {EXIT_HAZARD} when the plan has one of these hazards "
                       f"({', '.join(h.label for h in HazardType)})")
    gates.add_argument("--strict-coverage", action="store_true",
                       help="exit 2 when either side holds objects of kinds pgsd does not compare")
    add_rename_options(p)
    add_verify_options(p)
    add_filter_options(p)
    add_comparison_options(p)
    add_connection_options(p)
    p.set_defaults(run=run)


EXIT_VERIFY_FAILED = 6


def add_verify_options(p: argparse.ArgumentParser) -> None:
    v = p.add_argument_group(
        "verification",
        "--verify tries the plan on a throwaway database holding the target's schema (built by pgsd's own "
        "plan from an empty database): the part of it the plan can reach, or all of it with --verify-whole. "
        "It runs the plan there exactly as pgsd apply does, and compares the result with the "
        f"source. A failed verification exits {EXIT_VERIFY_FAILED}.",
    )
    v.add_argument("--verify", action="store_true", help="prove the plan on a scratch copy of the target's schema")
    v.add_argument("--scratch", metavar="DSN",
                   help="a server where pgsd may create and drop the scratch database (default: --shadow if "
                        "given, else local binaries of the target's major version, else the embedded PostgreSQL)")
    v.add_argument("--verify-rows", metavar="N", type=int, default=0,
                   help="copy up to N rows per table from the target into the scratch database first "
                        "(default 0: rows never leave the target unless asked)")
    v.add_argument("--verify-whole", action="store_true",
                   help="copy all of the target's schema into the scratch database, not only the part the plan "
                        "can reach (slower; also shows that pgsd reproduces every object)")


def verify(args: argparse.Namespace, the_plan: Plan, source: Snapshot, target: Snapshot, target_side: object,
           diff_options: DiffOptions, lock_timeout: str | None = None, *, from_file: bool = False,
           compared_target: Snapshot | None = None) -> bool:
    """Run --verify when asked: the result on stderr; whether the plan is verified (True when not asked).

    ``compared_target``: the target as the comparison saw it (renames applied), which the
    plan's left-out changes must leave as it is (``workflow.verify``).

    A plan read from a file (``from_file``) is tried on a copy of the whole target: its
    statements may have been edited, so what they say they act on is not taken at its word.
    """
    if not (getattr(args, "verify", False) or getattr(args, "verify_rows", 0) or getattr(args, "verify_whole", False)):
        return True
    if args.verify_rows < 0:
        raise PgsdError("--verify-rows must be 0 or more")
    if the_plan.is_empty:
        output.note("pgsd: verify: nothing to verify (the plan is empty)")
        return True
    from pgsd.workflow import DatabaseSide
    from pgsd.workflow.apply import ApplySettings
    from pgsd.workflow.verify import verify_plan

    spec = target_side.spec if isinstance(target_side, DatabaseSide) else None
    if args.verify_rows and spec is None:
        raise PgsdError("--verify-rows needs TARGET to be a live database")
    settings = ApplySettings(lock_timeout=lock_timeout or the_plan.lock_timeout or "5s",
                             statement_timeout=getattr(args, "apply_statement_timeout", None) or "15min")
    whole = ("asked with --verify-whole" if args.verify_whole
             else "the plan was read from a file, and may have been edited" if from_file else "")
    display = output.Progress()
    try:
        result = verify_plan(the_plan, source, target, scratch=args.scratch or getattr(args, "shadow", None),
                             diff_options=diff_options, settings=settings, target_spec=spec,
                             rows=args.verify_rows, whole=whole, note=lambda text: display("pgsd", text, 0, 0),
                             compared_target=compared_target)
    finally:
        display.clear()
    for line in result.lines():
        output.note(f"pgsd: {line}")
    return result.verified


def add_output_options(g: argparse._ArgumentGroup) -> None:
    g.add_argument("-o", "--output", metavar="FILE",
                   help="write the result to FILE atomically instead of stdout")
    g.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _using(text: str) -> tuple[str, str]:
    """``SCHEMA.TABLE.COLUMN=EXPR`` -> (column key, EXPR)."""
    name, sep, expression = text.partition("=")
    if not sep or not expression.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not SCHEMA.TABLE.COLUMN=EXPR")
    try:
        return using_key(name), expression.strip()
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _lock_timeout(text: str) -> str:
    from pgsd.workflow.options import lock_timeout_value

    try:
        return lock_timeout_value(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _report_limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1000:
        raise argparse.ArgumentTypeError(f"invalid limit {text!r} (a number of characters, at least 1000)")
    return value


def _hazard_list(text: str) -> tuple[HazardType, ...]:
    """``data-loss,table_rewrite`` -> hazard types (labels or values, any case)."""
    out: list[HazardType] = []
    for part in text.split(","):
        name = part.strip().lower().replace("-", "_")
        if not name:
            continue
        try:
            out.append(HazardType(name))
        except ValueError:
            known = ", ".join(h.label for h in HazardType)
            raise argparse.ArgumentTypeError(f"unknown hazard {part.strip()!r} (one of {known})") from None
    if not out:
        raise argparse.ArgumentTypeError("no hazard named")
    return tuple(out)


def gate(args: argparse.Namespace, plan_: Plan, snapshots: dict[str, Snapshot]) -> int | None:
    """The exit code a CI gate asks for (--strict-coverage, --fail-on), or None to exit as usual.

    The result is written first either way: a failed gate still leaves the report to read.
    """
    if getattr(args, "strict_coverage", False):
        uncovered = [f"{side}: {cov}" for side, snap in snapshots.items() if (cov := coverage_line(snap))]
        if uncovered:
            output.error("--strict-coverage: " + "; ".join(uncovered))
            return 2
    wanted = set(getattr(args, "fail_on", ()) or ())
    if wanted:
        found = plan_.hazard_counts()
        hit = sorted((t for t in found if t in wanted), key=lambda t: t.value)
        if hit:
            counts = ", ".join(f"{found[t]} {t.label}" for t in hit)
            output.error(f"--fail-on: the plan has {counts}")
            return EXIT_HAZARD
    return None


# --------------------------------------------------------------------------- run


def run(args: argparse.Namespace) -> int:
    # One batch block for the whole command (pgsd.cli.process): between separate blocks the
    # collector would come back and walk every object just read (half a second at 10,000 tables).
    with batch_job():
        return guarded(_run, args)


def guarded(body: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """An unexpected exception is exit 2 with one line, never exit 1 ("differences")."""
    try:
        return body(args)
    except (PgsdError, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as e:  # noqa: BLE001 - a bug must still read as an error to a CI job
        first = (str(e).strip().splitlines() or [""])[0]
        verbose = getattr(args, "verbose", False)
        hint = "" if verbose else " (run with --verbose for the traceback)"
        output.error(f"internal error: {type(e).__name__}: {first}{hint}")
        if verbose:
            traceback.print_exc(file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.output:
        check_writable(args.output, force=args.force)  # before minutes of introspection
    started = time.perf_counter()
    request = request_from_args(args)
    loaded = read({"source": args.source, "target": args.target}, args, request.filters)
    source, target = loaded.snapshots["source"], loaded.snapshots["target"]
    t0 = time.perf_counter()
    replayed = compare_with_decisions(source=source, target=target, request=request)
    changes = replayed.changes
    t1 = time.perf_counter()
    the_plan = plan(changes, request.plan_options(), replayed.selected)
    t2 = time.perf_counter()
    text = render(args.format, changes, the_plan, generated_at=generated_at(),
                  pgsd_version=pgsd.__version__, files=loaded.files, report_limit=args.report_limit)
    report_snapshots(loaded.snapshots)
    report_decisions(changes)
    keep_until_exit(loaded, changes, the_plan)  # freed by the process's exit, not one by one
    if args.verbose:
        loaded.print_timings()
        output.note(f"diff: {len(changes.changes)} changes, {changes.identical} identical in {t1 - t0:.3f}s")
        output.note(f"plan: {len(the_plan.statements)} statements in {t2 - t1:.3f}s")
        output.note(f"total: {time.perf_counter() - started:.3f}s")
    verified = verify(args, the_plan, source, target, loaded.loaded.sides.get("target"), request.diff_options(),
                      compared_target=changes.target)
    emit(text, args)
    gated = gate(args, the_plan, loaded.snapshots)
    if not verified:
        return EXIT_VERIFY_FAILED
    if gated is not None:
        return gated
    return 0 if changes.is_empty else 1


def emit(text: str | Iterable[str], args: argparse.Namespace) -> None:
    if args.output:
        path = write_atomic(args.output, text, force=args.force)
        if args.verbose:
            output.note(f"wrote {path}")
    else:
        output.result(text)


def report_snapshots(snapshots: dict[str, Snapshot]) -> None:
    """Coverage and permission warnings on stderr: never let "identical" hide what was not seen."""
    for side, snap in snapshots.items():
        for w in snap.warnings:
            output.warn(f"{side}: {w}")
        cov = coverage_line(snap)
        if cov:
            output.note(f"pgsd: {side}: {cov} (kinds pgsd does not model; differences in them are not shown)")


__all__ = ["Read", "add_filter_options", "emit", "filters_from_args", "guarded", "report_snapshots", "run"]
