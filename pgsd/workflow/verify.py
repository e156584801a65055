"""Verification: a plan tried on a throwaway copy of the target's schema before it runs for real.

``verify_plan`` makes a scratch database (``workflow.scratch``: the ``--scratch`` server,
local binaries of the target's major version, or the embedded PostgreSQL) and:

1. builds the target's schema there with pgsd's own plan from that fresh database to the
   target snapshot, and reads it back: what still differs is listed as *not reproduced*
   (pgsd's limits, shown rather than hidden), as are the kinds pgsd does not model
   (the target's ``not_compared``). The copy holds the part of the target the plan can
   reach (``workflow.verify_scope``; the comparisons are limited to it the same way), or
   all of it;
2. with ``rows`` > 0, copies up to that many rows per table from the target
   (``COPY ... TO STDOUT`` / ``FROM STDIN``, triggers and foreign keys off on the scratch
   side with ``session_replication_role = replica``), so that a new ``NOT NULL``, a
   failing cast, a new unique or check constraint fails here and not in production;
3. runs the plan exactly as ``pgsd apply`` would (``ApplySession``: the same segments,
   transactions and timeouts);
4. reads the scratch database again and compares it with the source: *verified* when
   nothing is left, else the failing statement or the objects still different.

A partial plan is judged by what it was made for: the changes a selection or a decisions
file left out (``Plan.left_out``) must leave their objects as the comparison saw them in
the target (any that the plan changed anyway are listed, as a note), and what ``--safe``
withheld (``Plan.withheld``) is not expected to have happened; neither reads as *still
different*. Their objects' children go with them (a withheld ``DROP TABLE`` keeps the
table's columns).

On throwaway servers pgsd started (local binaries, embedded) the roles the target's server
has are created first (NOLOGIN), so grants and owners can be reproduced; on a ``--scratch``
server nothing but the scratch database is created.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from pgsd import errors
from pgsd.connect import ConnectionSpec, SidePool
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Plan
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import ChangeSet, DiffOptions, Status, diff_snapshots
from pgsd.model.names import qualified, quote_ident
from pgsd.model.objects import Column, Table
from pgsd.model.snapshot import Snapshot, within
from pgsd.workflow.apply import ApplyReport, ApplySession, ApplySettings, StatementFailed, first_line
from pgsd.workflow.read import read_side
from pgsd.workflow.scratch import choose_place, scratch_database
from pgsd.workflow.scratch_copy import analyze_catalogs
from pgsd.workflow.verify_scope import Reach, plan_reach

VerifyNote = Callable[[str], None]
"""note(text): what verification is doing, one line at a time (for a progress line)."""

DATA_SQLSTATE_CLASSES = ("22", "23")
"""data exceptions (failing casts, values out of range) and integrity violations (not null,
unique, check, foreign key): failures caused by the rows, not by the DDL."""


@dataclass
class VerifyResult:
    where: str
    """The scratch database's place (e.g. "embedded PostgreSQL 18.1")."""
    statements: int
    warnings: list[str] = field(default_factory=list)
    not_compared: dict[str, int] = field(default_factory=dict)
    unreproduced: list[str] = field(default_factory=list)
    """Differences between the target and its copy built by pgsd ("status key")."""
    build_failure: ApplyReport | None = None
    failure: ApplyReport | None = None
    rows_copied: int = 0
    copied_objects: int | None = None
    """How many of the target's objects the copy held, when it held the part the plan reaches
    (``workflow.verify_scope``); None when it held all of them."""
    target_objects: int = 0
    whole_because: str = ""
    """Why the copy held all of the target (empty when it held a part)."""
    roles_created: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    left_out: int = 0
    """How many changes the plan left out (a selection, a decisions file)."""
    left_out_checked: int = 0
    """How many of them the copy held, to be checked (see ``_changed_though_left_out``)."""
    withheld: int = 0
    """How many statements ``--safe`` withheld."""
    changed_though_left_out: list[str] = field(default_factory=list)
    """Left-out changes whose object the plan changed all the same ("created key", "dropped
    key" or "changed key")."""
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        return self.build_failure is None and self.failure is None and not self.left

    @property
    def failed_by_data(self) -> bool:
        f = self.failure
        return bool(f and self.rows_copied and (f.sqlstate or "")[:2] in DATA_SQLSTATE_CLASSES)

    def verdict(self) -> str:
        if self.build_failure is not None:
            r = self.build_failure
            return (f"verification failed: pgsd could not build the target's schema in the scratch database: "
                    f"statement {r.failed_index} ({first_line(r.failed_sql or '')}): {r.error}")
        if self.failure is not None:
            r = self.failure
            cause = " (because of the rows copied from the target)" if self.failed_by_data else ""
            return (f"verification failed: statement {r.failed_index} of {r.total} failed{cause}: "
                    f"{first_line(r.failed_sql or '')}: {r.error}")
        if self.left:
            return f"verification failed: the plan ran, but {len(self.left)} object(s) still differ from the source"
        return (f"verified: the plan's {self.statements} statements ran on a copy of the target's schema "
                f"and left nothing to change{self._but()}")

    def _but(self) -> str:
        parts = []
        if self.left_out:
            parts.append(f"the {self.left_out} change(s) left out of the plan")
        if self.withheld:
            parts.append(f"what the {self.withheld} statement(s) withheld by --safe would change")
        return f" but {' and '.join(parts)}" if parts else ""

    def lines(self) -> list[str]:
        """The verdict first, then the details (what differs, what pgsd cannot reproduce)."""
        out = [self.verdict(), f"  scratch database: {self.where} ({self.seconds:.1f}s)"]
        if self.copied_objects is not None:
            out.append(f"  the copy held the {self.copied_objects:,} of the target's {self.target_objects:,} objects "
                       "the plan can reach (--verify-whole copies them all)")
        elif self.whole_because:
            out.append(f"  the copy held all of the target's {self.target_objects:,} objects: {self.whole_because}")
        out.extend(f"  warning: {w}" for w in self.warnings)
        if self.rows_copied:
            out.append(f"  rows copied from the target: {self.rows_copied}")
        if self.failure is not None and self.failure.sqlstate == "23503" and self.rows_copied:
            out.append("  note: the rows are a sample; a referenced row may simply not have been copied")
        out.extend(f"  still different: {item}" for item in self.left[:50])
        if len(self.left) > 50:
            out.append(f"  ... and {len(self.left) - 50} more")
        if self.left_out and self.build_failure is None and self.failure is None:
            kept = self.left_out_checked - len(self.changed_though_left_out)  # one item per key
            unchecked = self.left_out - self.left_out_checked
            out.append(f"  {kept} of the {self.left_out} change(s) left out of the plan stayed as in the target"
                       + (f" ({unchecked} not in the copy, not checked)" if unchecked else ""))
        out.extend(f"  note: left out, but the plan changed it all the same: {item}"
                   for item in self.changed_though_left_out[:20])
        if self.unreproduced:
            out.append(f"  not reproduced in the scratch database ({len(self.unreproduced)}; the verdict "
                       "does not cover them): " + ", ".join(self.unreproduced[:20])
                       + (" ..." if len(self.unreproduced) > 20 else ""))
        found = {k: n for k, n in sorted(self.not_compared.items()) if n}
        if found:
            out.append("  not modelled by pgsd, so not in the scratch database: "
                       + ", ".join(f"{n} {k.replace('_', ' ')}{'' if n == 1 else 's'}" for k, n in found.items()))
        if self.roles_created:
            out.append(f"  roles created (NOLOGIN) on the throwaway server: {', '.join(self.roles_created)}")
        return out


def compare(source: Snapshot, target: Snapshot, options: DiffOptions) -> ChangeSet:
    return diff_snapshots(source=source, target=target, options=options)


def _differences(changes: ChangeSet) -> list[str]:
    return [f"{c.status.value} {c.key}" for c in changes.changes if not c.same_meaning]


def verify_plan(
    plan: Plan,
    source: Snapshot,
    target: Snapshot,
    *,
    scratch: str | None = None,
    diff_options: DiffOptions | None = None,
    settings: ApplySettings | None = None,
    target_spec: ConnectionSpec | None = None,
    rows: int = 0,
    whole: str = "",
    note: VerifyNote | None = None,
    compared_target: Snapshot | None = None,
) -> VerifyResult:
    """Try ``plan`` (made from ``source`` and ``target``) on a scratch copy of the target's schema.

    ``scratch``: a server DSN where pgsd may create and drop a database (else local
    binaries of the target's major version, else the embedded PostgreSQL). ``target_spec``:
    the live target (its roles, and the rows ``rows`` > 0 asks for). The copy holds the part
    of the target the plan can reach (``workflow.verify_scope``), or all of it when ``whole``
    says why (asked for; a plan read from a file, which may have been edited).
    ``compared_target``: the target as the comparison saw it (``ChangeSet.target``: decided
    renames applied), what the plan's left-out changes must leave as it is; ``target`` when
    nothing was renamed.
    """
    say = note or (lambda text: None)
    started = time.perf_counter()
    options = diff_options or DiffOptions()
    run_settings = settings or ApplySettings()
    run_settings = ApplySettings(lock_timeout=run_settings.lock_timeout,
                                 statement_timeout=run_settings.statement_timeout, retries=0)
    major = target.server.version_num // 10000 if target.server else None
    place = choose_place(dsn=scratch, major=major)
    if rows > 0 and not whole:
        whole = "rows make the target's triggers and functions run, and what they use is recorded nowhere"
    reach = Reach(None, whole) if whole else plan_reach(plan, source, target,
                                                        (c.key for c in compare(source, target, options).changes))
    copied, expected = target, source
    if reach.keys is not None:
        copied = target.limited_to(reach.keys)
        expected = source.limited_to(reach.keys | {key for key in source.by_key if key not in target.by_key})
    say(f"verify: starting a scratch database ({place.describe()})")
    with scratch_database(place, purpose="verify") as db:
        result = VerifyResult(where=db.where, statements=len(plan.statements), warnings=list(db.warnings),
                              not_compared=dict(target.not_compared), target_objects=len(target.objects),
                              copied_objects=None if reach.keys is None else len(copied.objects),
                              whole_because=reach.because)
        if target_spec is not None and place.kind != "server":
            result.roles_created = _copy_roles(target_spec, db.spec)
        # 1. the target's schema, built by pgsd's own plan
        fresh = read_side(db.spec.conninfo(), "target", filters=target.filters)
        build = build_plan(compare(copied, fresh, options),
                           PlanOptions(owners=options.owners, extension_versions=options.extension_versions))
        say(f"verify: building the target's schema ({len(build.statements)} statements)")
        try:
            _run(db.spec, build, run_settings, batched=True)  # thousands of statements: one round trip each
        except StatementFailed as e:
            result.build_failure = e.report
            result.seconds = time.perf_counter() - started
            return result
        analyze_catalogs(db.spec)  # (speed: see workflow.scratch_copy)
        say("verify: reading the scratch database back")
        built = read_side(db.spec.conninfo(), "target", filters=target.filters)
        unreproduced = compare(copied, built, options)
        result.unreproduced = _differences(unreproduced)
        # 2. rows
        if rows > 0:
            if target_spec is None:
                raise errors.PgsdError("--verify-rows needs the target to be a live database")
            say(f"verify: copying up to {rows} rows per table from the target")
            result.rows_copied = _copy_rows(target_spec, db.spec, copied, rows)
        # 3. the plan, as pgsd apply runs it
        say(f"verify: running the plan ({len(plan.statements)} statements)")
        try:
            _run(db.spec, plan, run_settings)
        except StatementFailed as e:
            result.failure = e.report
            result.seconds = time.perf_counter() - started
            return result
        # 4. what is left
        say("verify: reading the scratch database again")
        after = read_side(db.spec.conninfo(), "target", filters=target.filters)
        skip = {c.key for c in unreproduced.changes}
        left = compare(expected, after, options)
        not_run = set(plan.left_out) | {s.key for s in plan.withheld}
        result.left_out, result.withheld = len(plan.left_out), len(plan.withheld)
        result.left = [f"{c.status.value} {c.key}" for c in left.changes
                       if not c.same_meaning and c.key not in skip and not within(c.key, not_run, expected, after)]
        if plan.left_out:
            result.left_out_checked, result.changed_though_left_out = _changed_though_left_out(
                plan.left_out, compared_target or target, after, copied, skip, options)
    result.seconds = time.perf_counter() - started
    return result


def _changed_though_left_out(left_out: tuple[str, ...], compared: Snapshot, after: Snapshot, copied: Snapshot,
                             skip: set[str], options: DiffOptions) -> tuple[int, list[str]]:
    """How many left-out changes were checked, and those whose object is not, after the plan,
    as the comparison saw it in the target.

    Only objects the copy could hold are asked about: one the target has but the copy left
    out (outside the part the plan reaches, under its name before a rename), or one pgsd
    could not reproduce there, is not there to be compared.
    """
    keys = {key for key in left_out if key not in skip and (key in copied.by_key or key not in compared.by_key)}
    if not keys:
        return 0, []
    differ = compare(compared.limited_to(keys), after.limited_to(keys), options)
    return len(keys), [f"{_DONE_ANYWAY[c.status]} {c.key}" for c in differ.changes if not c.same_meaning]


_DONE_ANYWAY = {Status.ADDED: "dropped", Status.REMOVED: "created", Status.CHANGED: "changed"}
"""What the plan did to a left-out object, from the status of the comparison of the target as
seen (as the source) with the scratch database after the plan (as the target)."""


def _run(spec: ConnectionSpec, plan: Plan, settings: ApplySettings, *, batched: bool = False) -> None:
    with ApplySession(spec, settings) as session:
        session.run(plan, batched=batched)


def _copy_roles(target: ConnectionSpec, scratch: ConnectionSpec) -> list[str]:
    """Create, NOLOGIN, the roles the target's server has and the throwaway server lacks."""
    with SidePool(target, "target") as pool, pool.read_session() as session:
        wanted = [r for (r,) in session.fetch("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1",
                                              step="roles")]
    created: list[str] = []
    try:
        with psycopg.connect(scratch.conninfo(), autocommit=True) as conn:
            have = {r for (r,) in conn.execute("SELECT rolname FROM pg_roles")}
            for role in wanted:
                if role not in have:
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                    created.append(role)
    except psycopg.Error as e:
        raise errors.PgsdError(f"cannot create the target's roles in the scratch database: "
                               f"{first_line(str(e))}") from None
    return created


def _copy_rows(target: ConnectionSpec, scratch: ConnectionSpec, snapshot: Snapshot, limit: int) -> int:
    """Up to ``limit`` rows of every table (leaf tables and partitions) from the target into the scratch db."""
    columns: dict[tuple[str | None, str], list[Column]] = {}
    for o in snapshot.objects:
        if isinstance(o, Column) and o.generated is None:
            columns.setdefault((o.schema_name, o.table), []).append(o)
    tables = [o for o in snapshot.objects if isinstance(o, Table) and not o.is_partitioned]
    copied = 0
    with SidePool(target, "target") as pool, pool.read_session() as session:
        try:
            dst = psycopg.connect(scratch.conninfo(), autocommit=True)
        except psycopg.Error as e:
            raise errors.PgsdError(f"cannot connect to the scratch database: {first_line(str(e))}") from None
        with dst:
            try:
                dst.execute("SET session_replication_role = replica")
            except psycopg.Error:
                pass  # not a superuser there: foreign keys and triggers stay on
            for table in tables:
                cols = sorted(columns.get((table.schema_name, table.name), ()), key=lambda c: c.position)
                if not cols:
                    continue
                name = qualified(table.schema_name, table.name)
                listed = ", ".join(quote_ident(c.name) for c in cols)
                try:
                    with session.conn.cursor().copy(
                        f"COPY (SELECT {listed} FROM ONLY {name} LIMIT {int(limit)}) TO STDOUT"  # noqa: S608
                    ) as out, dst.cursor().copy(f"COPY {name} ({listed}) FROM STDIN") as into:
                        for chunk in out:
                            into.write(chunk)
                except psycopg.Error as e:
                    raise errors.PgsdError(f"copying rows of {name} into the scratch database failed: "
                                           f"{first_line(str(e))}") from None
                copied += _count(dst, name)
    return copied


def _count(conn: psycopg.Connection, name: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM ONLY {name}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0
