"""The command line's side of reading sides: options in, ``workflow.read_sides`` called, progress shown.

Every command that takes a SOURCE turns it into a ``workflow.Side`` with ``parse_side``
(the one place that decides what an argument is) and reads it with ``read``, which
calls ``workflow.read_sides`` exactly as the app does. What the user asked for is one
``ComparisonRequest`` (``request_from_args``), for ``pgsd diff`` and ``pgsd tui`` alike.
"""

from __future__ import annotations

import argparse
import threading
import time
from itertools import pairwise

from pgsd.cli import output
from pgsd.cli.process import release_free_memory
from pgsd.connect import PoolSettings
from pgsd.diff.changes import ChangeSet
from pgsd.export.render import one_line
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow import ComparisonRequest, Loaded, parse_side, read_sides, side_info
from pgsd.workflow.decisions import Decisions, RenameDecision, read_decisions, rename_arg
from pgsd.workflow.sides import ShadowChoice

SOURCE_HELP = ("profile name, postgresql:// URI, conninfo string, snapshot .json file, "
               ".sql file, directory of .sql files, or git:REV:PATH")

SHADOW_HELP = (
    "A SQL side (a .sql file, a directory of them, git:REV:PATH) is loaded into a throwaway database, "
    "read like any database and dropped afterwards."
)

FILTERS_HELP = (
    "Applied while reading a database. A snapshot file keeps the filters it was taken with: "
    "give the same ones or none (the database compared with it is then read with them); "
    "anything else is an error (exit 2), never a plan that creates or drops what one side "
    "left out. Object globs apply to every kind by its name; schemas, extensions, foreign-data "
    "wrappers and foreign servers are also kept (with their grants) when a kept object is in "
    "or uses one."
)


ARGV_PASSWORD_NOTE = (
    "A password written into a URI or conninfo argument is visible to other local users "
    "(ps, /proc) for as long as pgsd runs: prefer a saved profile (pgsd profiles add, password "
    "in the keyring), ~/.pgpass or PGPASSWORD."
)


def add_connection_options(p: argparse.ArgumentParser, *, sql_sides: bool = True) -> None:
    """Connection options, and (unless the command takes no SQL side) --shadow and --create-roles."""
    g = p.add_argument_group("connection", description=ARGV_PASSWORD_NOTE)
    g.add_argument("--statement-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="server statement timeout for catalog queries (default 60); a server that "
                   "stops answering is given up on 5 s after it")
    g.add_argument("--read-lock-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="how long a catalog query waits for a lock another session holds (default 5)")
    g.add_argument("--max-connections", type=int, default=4, metavar="N",
                   help="pool size per side (default 4)")
    g.add_argument("-v", "--verbose", action="store_true", help="print pool statistics and timings to stderr")
    if sql_sides:
        add_shadow_options(p)


def add_shadow_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("SQL sides", SHADOW_HELP)
    g.add_argument("--shadow", metavar="DSN",
                   help="load SQL sides on this server (pgsd creates and drops a database there, so the role "
                        "needs CREATEDB; use the production major version); default: the embedded PostgreSQL")
    g.add_argument("--create-roles", action="store_true",
                   help="create roles the SQL grants to or makes owners but the shadow server lacks, as NOLOGIN "
                        "(roles are server-wide: on a --shadow server they stay there)")


def add_filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters", FILTERS_HELP)
    g.add_argument("--schema", action="append", default=[], metavar="SCHEMA",
                   help="only this schema (repeatable)")
    g.add_argument("--exclude-schema", action="append", default=[], metavar="SCHEMA",
                   help="leave this schema out (repeatable)")
    g.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="only objects whose name or schema.name matches, with the containers they need "
                        "(repeatable)")
    g.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="leave out objects whose name or schema.name matches (repeatable)")
    g.add_argument("--roles", action="store_true",
                   help="compare the cluster's roles too: attributes, memberships, settings (never passwords)")


def add_comparison_options(p: argparse.ArgumentParser) -> None:
    c = p.add_argument_group("comparison")
    c.add_argument("--no-privileges", action="store_true", help="ignore grants and default privileges")
    c.add_argument("--owners", action="store_true", help="compare owners too")
    c.add_argument("--no-comments", action="store_true", help="ignore comments")
    c.add_argument("--ignore-extension-versions", action="store_true",
                   help="do not compare (or pin) extension versions")


RENAMES_HELP = (
    "A table, column or other object renamed in the source reads as one dropped and one created, which loses "
    "its rows. A rename is taken only when decided: --rename OLD=NEW (OLD as the target names it, NEW as the "
    "source does: schema, schema.name, schema.f(argtypes), schema.table.column, schema.table.constraint, "
    "schema.enum.label; a different schema is a SET SCHEMA move), a --decisions file, or --renames auto. "
    "Views, foreign keys, indexes and policies follow a rename by themselves; function bodies written as "
    "strings do not, and the plan says which to check."
)


def add_rename_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("renames and decisions", RENAMES_HELP)
    g.add_argument("--renames", choices=("off", "suggest", "auto"), default="suggest",
                   help="suggest (default): list rename candidates on stderr, each with its --rename option; "
                        "auto: rename the exact candidates (equal definitions, unambiguous); off: no candidates")
    g.add_argument("--rename", action="append", default=[], type=_rename, metavar="OLD=NEW",
                   help="OLD (in the target) is NEW (in the source), renamed or moved: ALTER ... RENAME / "
                        "SET SCHEMA instead of drop and create; repeatable")
    g.add_argument("--decisions", metavar="FILE",
                   help="replay the decisions in this TOML file (renames, left-out changes, USING expressions); "
                        "decisions that no longer match are reported on stderr (and in --format json)")


def _rename(text: str) -> RenameDecision:
    try:
        return rename_arg(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def decisions_from_args(args: argparse.Namespace) -> Decisions:
    path = getattr(args, "decisions", None)
    return read_decisions(path) if path else Decisions()


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters(
        include_schemas=tuple(getattr(args, "schema", None) or ()),
        exclude_schemas=tuple(getattr(args, "exclude_schema", None) or ()),
        include_objects=tuple(getattr(args, "include", None) or ()),
        exclude_objects=tuple(getattr(args, "exclude", None) or ()),
        roles=getattr(args, "roles", False),
    )


def request_from_args(args: argparse.Namespace) -> ComparisonRequest:
    """What the user asked for; options a command does not have keep their defaults."""
    return ComparisonRequest(
        filters=filters_from_args(args),
        privileges=not getattr(args, "no_privileges", False),
        owners=getattr(args, "owners", False),
        comments=not getattr(args, "no_comments", False),
        extension_versions=not getattr(args, "ignore_extension_versions", False),
        safe=getattr(args, "safe", False),
        concurrently=getattr(args, "concurrently", False),
        not_valid=getattr(args, "not_valid", False),
        transaction=not getattr(args, "no_transaction", False),
        commit_data_loss_early=getattr(args, "commit_data_loss_early", False),
        lock_timeout=getattr(args, "lock_timeout", None),
        using=tuple(getattr(args, "using", None) or ()),
        shadow=shadow_from_args(args),
        rename_mode=getattr(args, "renames", None) or "suggest",
        renames=tuple(getattr(args, "rename", None) or ()),
        decisions=decisions_from_args(args),
    )


def report_decisions(changes: ChangeSet, *, verbose: bool = False) -> None:
    """Renames taken, candidates not taken, and stale decisions: one stderr line each."""
    for r in changes.renames:
        output.note(f"pgsd: rename: {r.label} {one_line(r.before_name)} -> {one_line(r.after_name)}")
    candidates = changes.rename_candidates
    if candidates:
        output.note(f"pgsd: {len(candidates)} rename candidate(s), not renamed (pass the option shown to rename; "
                    "--renames auto takes the exact ones):")
    for c in candidates:
        exact = "exact" if c.exact else f"score {c.score:.2f}"
        output.note(f"pgsd:   {one_line(c.describe())} ({exact}): {one_line(c.option)}")
    for line in changes.stale_decisions:
        output.warn(one_line(line))


def shadow_from_args(args: argparse.Namespace) -> ShadowChoice:
    return ShadowChoice(dsn=getattr(args, "shadow", None), create_roles=getattr(args, "create_roles", False))


def pool_settings(args: argparse.Namespace) -> PoolSettings:
    return PoolSettings(
        max_size=getattr(args, "max_connections", 4),
        statement_timeout_ms=int(getattr(args, "statement_timeout", 60.0) * 1000),
        lock_timeout_ms=int(getattr(args, "read_lock_timeout", 5.0) * 1000),
    )


def open_info(text: str, args: argparse.Namespace) -> tuple[str, ServerInfo]:
    side = parse_side(text)
    info, stats = side_info(side, pool_settings(args))
    if getattr(args, "verbose", False):
        output.note(stats.line())
    return side.describe(), info


# --------------------------------------------------------------------------- reading


class Read:
    """What ``read`` read, and the timing marks --verbose prints."""

    def __init__(self, loaded: Loaded, progress: Progress) -> None:
        self.loaded = loaded
        self.snapshots: dict[str, Snapshot] = loaded.snapshots
        self.files: dict[str, str] = loaded.files
        self._progress = progress

    def print_timings(self) -> None:
        for line in self._progress.timing_lines():
            output.note(line)


def read(texts: dict[str, str], args: argparse.Namespace, filters: Filters, *, limit_containers: bool = True) -> Read:
    """Parse and read every side through ``workflow.read_sides``; say how the filters were settled.

    Passwords (keyring or prompt) are resolved inside ``read_sides`` in this thread, one
    side after the other, so two prompts never race for the terminal and a bad profile
    fails before any connection is opened.
    """
    sides = {role: parse_side(text) for role, text in texts.items()}
    progress = Progress(verbose=getattr(args, "verbose", False))
    try:
        loaded = read_sides(sides, filters=filters, settings=pool_settings(args), progress=progress,
                            limit_containers=limit_containers, shadow=shadow_from_args(args))
    finally:
        progress.clear()
    release_free_memory()  # (pgsd.cli.process)
    for note in loaded.notes:
        output.note(f"pgsd: {note}")
    return Read(loaded, progress)


class Progress:
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
                for (step, at), (_, later) in pairwise(marks)
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
