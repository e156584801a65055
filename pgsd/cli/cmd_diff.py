"""`pgsd diff SOURCE TARGET`: introspect both sides, diff, plan, print (or write) the result.

stdout carries only the result (SQL, summary or JSON); progress, the coverage report
and warnings go to stderr, so ``pgsd diff a b > migration.sql`` is always clean. The
exit code follows diff(1): 0 identical, 1 differences found, 2 error (130 on Ctrl-C),
and an unexpected crash is an error (2), never "differences" and never "identical".

The side-loading helpers here are shared with ``pgsd snapshot``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable

import pgsd
from pgsd.cli import output
from pgsd.cli.quick_exit import park
from pgsd.cli.sources import add_connection_options, pool_settings
from pgsd.connect import PoolSettings
from pgsd.ddl.context import PlanOptions
from pgsd.diff.changes import DiffOptions
from pgsd.errors import PgsdError
from pgsd.export import FORMATS, check_writable, render, write_atomic
from pgsd.export.render import coverage_line
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow import (
    load_sides as read_live,
    CancelToken,
    SideProgress,
    bulk_work,
    compare,
    is_snapshot_file,
    load_side,
    looks_like_connection_string,
    plan,
    read_snapshot_file,
    resolve_spec,
)

SOURCE_HELP = "profile name, postgresql:// URI, conninfo string, or snapshot .json file"
# What PostgreSQL accepts for lock_timeout; anything else would be pasted into `SET`.
LOCK_TIMEOUT_RE = re.compile(r"^\d+(\.\d+)?(us|ms|s|min|h|d)?$")
"""Seconds to let cancelled sides close their pools after Ctrl-C or an error."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="print the DDL that makes TARGET match SOURCE",
        description="Compare SOURCE (the desired schema) with TARGET (the database to change) "
        "and print the DDL that makes TARGET match SOURCE.",
        epilog="Exit codes: 0 identical, 1 differences found, 2 error, 130 interrupted.",
    )
    p.add_argument("source", metavar="SOURCE", help=f"the desired state: {SOURCE_HELP}")
    p.add_argument("target", metavar="TARGET", help=f"the database to change: {SOURCE_HELP}")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="sql",
                     help="sql: the plan as a script (default); summary: counts and hazards; json: for programs")
    add_output_options(out)
    out.add_argument("--exit-code", action="store_true",
                     help="accepted for scripts written for git diff: the exit code is always 0/1/2")
    g = p.add_argument_group("plan")
    g.add_argument("--safe", action="store_true",
                   help="leave out statements that would lose data (listed as comments)")
    g.add_argument("--concurrently", action="store_true",
                   help="CREATE/DROP INDEX CONCURRENTLY (outside the transaction)")
    g.add_argument("--not-valid", action="store_true",
                   help="add foreign keys and checks NOT VALID, then VALIDATE them separately")
    g.add_argument("--no-transaction", action="store_true", help="do not wrap the script in BEGIN/COMMIT")
    g.add_argument("--lock-timeout", metavar="DURATION", type=_lock_timeout,
                   help="start the script with SET lock_timeout (e.g. 5s, 500ms)")
    add_filter_options(p)
    c = p.add_argument_group("comparison")
    c.add_argument("--no-privileges", action="store_true", help="ignore grants and default privileges")
    c.add_argument("--owners", action="store_true", help="compare owners too")
    c.add_argument("--no-comments", action="store_true", help="ignore comments")
    c.add_argument("--ignore-extension-versions", action="store_true",
                   help="do not compare (or pin) extension versions")
    add_connection_options(p)
    p.set_defaults(run=run)


def add_output_options(g: argparse._ArgumentGroup) -> None:
    g.add_argument("-o", "--output", metavar="FILE",
                   help="write the result to FILE atomically instead of stdout")
    g.add_argument("--force", action="store_true", help="replace FILE if it exists")


def add_filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (applied while reading the catalog)")
    g.add_argument("--schema", action="append", default=[], metavar="SCHEMA",
                   help="only this schema (repeatable)")
    g.add_argument("--exclude-schema", action="append", default=[], metavar="SCHEMA",
                   help="leave this schema out (repeatable)")
    g.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="only objects whose name or schema.name matches (repeatable)")
    g.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="leave out objects whose name or schema.name matches (repeatable)")
    g.add_argument("--roles", action="store_true",
                   help="compare the cluster's roles too: attributes, memberships, settings (never passwords)")


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters(
        include_schemas=tuple(args.schema),
        exclude_schemas=tuple(args.exclude_schema),
        include_objects=tuple(args.include),
        exclude_objects=tuple(args.exclude),
    )


def _lock_timeout(text: str) -> str:
    value = text.strip().replace(" ", "")
    if not LOCK_TIMEOUT_RE.match(value):
        raise argparse.ArgumentTypeError(f"invalid duration {text!r} (e.g. 5s, 500ms, 1min)")
    return value


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------- run


def run(args: argparse.Namespace) -> int:
    # One bulk block for the whole command: between separate blocks the collector would
    # come back and walk every object just read (half a second at 10,000 tables).
    with bulk_work():
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
    loaded = load_sides({"source": args.source, "target": args.target}, args, filters_from_args(args))
    source, target = loaded.snapshots["source"], loaded.snapshots["target"]
    diff_options = DiffOptions(
        privileges=not args.no_privileges,
        owners=args.owners,
        comments=not args.no_comments,
        extension_versions=not args.ignore_extension_versions,
    )
    plan_options = PlanOptions(
        safe=args.safe,
        concurrently=args.concurrently,
        not_valid=args.not_valid,
        transaction=not args.no_transaction,
        lock_timeout=args.lock_timeout,
        extension_versions=not args.ignore_extension_versions,
        owners=args.owners,
    )
    t0 = time.perf_counter()
    changes = compare(source, target, diff_options)
    t1 = time.perf_counter()
    the_plan = plan(changes, plan_options)
    t2 = time.perf_counter()
    text = render(args.format, changes, the_plan, generated_at=now_iso(),
                  pgsd_version=pgsd.__version__, files=loaded.files)
    report_snapshots(loaded.snapshots)
    park(loaded, changes, the_plan)  # freed by the process's exit, not one by one
    if args.verbose:
        loaded.print_timings()
        output.note(f"diff: {len(changes.changes)} changes, {changes.identical} identical in {t1 - t0:.3f}s")
        output.note(f"plan: {len(the_plan.statements)} statements in {t2 - t1:.3f}s")
        output.note(f"total: {time.perf_counter() - started:.3f}s")
    emit(text, args)
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


# --------------------------------------------------------------------------- loading


class Loaded:
    """The snapshots of each side, which sides came from files, and timing marks."""

    def __init__(self, progress: _Progress) -> None:
        self.snapshots: dict[str, Snapshot] = {}
        self.files: dict[str, str] = {}
        self._progress = progress

    def print_timings(self) -> None:
        for line in self._progress.timing_lines():
            output.note(line)


def load_sides(texts: dict[str, str], args: argparse.Namespace, filters: Filters) -> Loaded:
    """Read every side: snapshot files as they are, databases introspected concurrently.

    Connection specs (and prompted or keyring passwords) are resolved here, in the main
    thread, one side after the other, so two password prompts never race for the
    terminal and a bad profile fails before any connection is opened.
    """
    progress = _Progress(verbose=getattr(args, "verbose", False))
    loaded = Loaded(progress)
    for side, text in texts.items():
        if is_snapshot_file(text):
            loaded.snapshots[side] = read_snapshot_file(text)
            loaded.files[side] = text
    filters = _effective_filters(filters, loaded, texts)
    live = {side: text for side, text in texts.items() if side not in loaded.files}
    conninfos = {side: resolve_spec(text).conninfo() for side, text in live.items()}
    try:
        loaded.snapshots.update(
            read_live(conninfos, filters=filters, settings=pool_settings(args), progress=progress)
        )
    finally:
        progress.clear()
    for side, text in live.items():
        _remember_version(text, loaded.snapshots[side])
    loaded.snapshots = {side: loaded.snapshots[side] for side in texts}
    return loaded


def _effective_filters(filters: Filters, loaded: Loaded, texts: dict[str, str]) -> Filters:
    """The filters to read live sides with, warning when the two sides cannot match.

    With no filter options, a live side uses the filters its snapshot-file peer was
    taken with; otherwise everything outside a filtered snapshot would show up as
    removed or added.
    """
    file_filters = {side: loaded.snapshots[side].filters for side in loaded.files}
    if len(file_filters) == len(texts):  # nothing live: the options have nothing to filter
        if not filters.is_empty():
            output.warn("filter options apply when reading a database; snapshot files are compared as they are")
        if len(set(file_filters.values())) > 1:
            output.warn("the snapshots were taken with different filters (" + "; ".join(
                f"{side}: {describe_filters(f)}" for side, f in file_filters.items()
            ) + "): objects outside either will show as differences")
        return filters
    if filters.is_empty() and len(file_filters) == 1:
        [peer] = file_filters.values()
        if not peer.is_empty():
            output.note(f"pgsd: using the filters the snapshot was taken with: {describe_filters(peer)}")
            return peer
    for side, f in file_filters.items():
        if f != filters:
            output.warn(
                f"{side} snapshot {loaded.files[side]} was taken with filters {describe_filters(f)}, "
                f"not {describe_filters(filters)}: objects outside either will show as differences"
            )
    return filters


def describe_filters(f: Filters) -> str:
    if f.is_empty():
        return "(none)"
    parts = [f"--schema {s}" for s in f.include_schemas]
    parts += [f"--exclude-schema {s}" for s in f.exclude_schemas]
    parts += [f"--include {g}" for g in f.include_objects]
    parts += [f"--exclude {g}" for g in f.exclude_objects]
    return " ".join(parts)


def _remember_version(text: str, snapshot: Snapshot) -> None:
    """A side given as a profile name: remember its server version (best effort)."""
    if looks_like_connection_string(text) or snapshot.server is None:
        return
    try:
        from pgsd.profiles.store import ProfileStore

        ProfileStore().record_server_version(text, snapshot.server.version)
    except PgsdError:
        pass  # a read-only config dir must not fail a diff


class _Progress:
    """The progress callback of both sides: one terminal line, plus timings for --verbose."""

    def __init__(self, *, verbose: bool) -> None:
        self.display = output.Progress()
        self.verbose = verbose
        self._lock = threading.Lock()
        self._marks: dict[str, list[tuple[str, float]]] = {}
        self._pools: dict[str, str] = {}

    def __call__(self, side: str, step: str, done: int, total: int) -> None:
        with self._lock:  # two sides report from two threads
            self._marks.setdefault(side, []).append((step, time.perf_counter()))
            self.display(side, step, done, total)
            if self.verbose and step == "done":
                self._pools[side] = _pool_line(side)

    def clear(self) -> None:
        with self._lock:
            self.display.clear()

    def timing_lines(self) -> list[str]:
        lines: list[str] = []
        for side, marks in self._marks.items():
            steps = [
                f"{step} {later - at:.3f}s"
                for (step, at), (_, later) in zip(marks, marks[1:])
                if later - at >= 0.0005
            ]
            total = marks[-1][1] - marks[0][1] if marks else 0.0
            lines.append(f"{side}: read in {total:.3f}s: {', '.join(steps) or 'no step'}")
            if self._pools.get(side):
                lines.append(self._pools[side])
        return lines


def _pool_line(side: str) -> str:
    """The side's pool statistics, read while the pool is still open (the workflow closes it)."""
    from pgsd.connect import pool as pool_module

    for p in list(getattr(pool_module, "_open_pools", ())):
        if p.side == side and p.is_open:
            return "pool " + p.stats().line()
    return ""
