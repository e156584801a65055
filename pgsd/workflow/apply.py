"""Applying a plan: the only code in pgsd that writes to a database.

``ApplySession`` is one connection to the target for one apply:

* it takes a session advisory lock (``APPLY_LOCK``, per database) so two applies never
  run at once; when another session holds it, ``ApplyLocked`` names that session (pid,
  application name, user, since when it is connected);
* it sets, for the session, ``check_function_bodies = off`` (as pg_dump's scripts do: a
  function may name a table created later in the plan), ``lock_timeout`` and
  ``statement_timeout`` (every statement is bounded by both);
* ``run(plan)`` runs the plan's segments in order: a run of transactional statements in
  one transaction (when the plan asks for transactions), and every other statement alone.

Lock timeouts (SQLSTATE 55P03) are retried ``ApplySettings.retries`` times with a doubling
pause. A transaction that hit one is rolled back whole, so retrying means running its
segment again from its first statement. Statements that cannot run in a transaction
(``CREATE INDEX CONCURRENTLY``) are not retried: a half-done concurrent build leaves an
invalid index behind, which a retry would trip over.

On failure ``StatementFailed`` carries an ``ApplyReport`` that says which segments were
committed, which statement failed with PostgreSQL's message, and what never ran.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg

from pgsd import errors
from pgsd.connect import ConnectionSpec, PoolSettings
from pgsd.connect.failures import _primary_message, _scrub, translate_connect_error, translate_query_error
from pgsd.ddl.plan import HazardType, Plan, Statement
from pgsd.model.fingerprint import side_fingerprint
from pgsd.model.snapshot import Filters
from pgsd.workflow.scratch_copy import BATCH_PREFIX, OUT_OF_SHARED_MEMORY, batch_statements
from pgsd.workflow.sides import DatabaseSide

APPLY_LOCK = (0x70677364, 1)
"""The advisory lock (two int4 keys: 'pgsd' in ASCII, 1 for apply) held while a plan runs.
Advisory locks belong to one database, so applies to different databases never wait."""

APPLICATION_NAME = "pgsd apply"

LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True)
class ApplySettings:
    lock_timeout: str = "5s"
    """Each statement waits at most this long for a lock (PostgreSQL's lock_timeout)."""
    statement_timeout: str = "15min"
    """Each statement runs at most this long ("0": no limit)."""
    retries: int = 3
    """How many times a segment that hit the lock timeout is run again."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled for each further one (at most ``max_backoff``)."""
    max_backoff: float = 8.0


@dataclass(frozen=True)
class Segment:
    """Statements that commit together: a transaction, or one statement alone."""

    number: int
    in_transaction: bool
    first: int
    """1-based index of its first statement in the plan."""
    statements: tuple[Statement, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.statements) - 1

    @property
    def retriable(self) -> bool:
        return self.in_transaction or all(s.transactional for s in self.statements)

    def describe(self) -> str:
        span = f"statement {self.first}" if self.first == self.last else f"statements {self.first}-{self.last}"
        how = "one transaction" if self.in_transaction else "alone"
        return f"segment {self.number} ({span}, {how})"


def segments(plan: Plan) -> list[Segment]:
    """The plan as it runs: ``Plan.batches()`` in transactions when the plan asks for them."""
    out: list[Segment] = []
    index = 1
    for transactional, statements in plan.batches():
        if transactional and plan.transaction:
            out.append(Segment(len(out) + 1, True, index, tuple(statements)))
            index += len(statements)
        else:
            for s in statements:
                out.append(Segment(len(out) + 1, False, index, (s,)))
                index += 1
    return out


def first_line(sql: str) -> str:
    return next((ln.strip() for ln in sql.strip().splitlines() if ln.strip()), "")


def data_loss_statements(plan: Plan) -> list[int]:
    """1-based indexes of the statements that carry a data-loss hazard."""
    return [i for i, s in enumerate(plan.statements, 1) if HazardType.DATA_LOSS in s.hazard_types()]


@dataclass(frozen=True)
class StatementEvent:
    """One step of one statement, for progress displays and the apply log."""

    index: int
    total: int
    statement: Statement
    segment: int
    outcome: str
    """running, ok, lock_timeout (its segment will run again), failed, rolled_back."""
    started: float
    """Wall-clock start (seconds since the epoch)."""
    seconds: float = 0.0
    attempt: int = 1
    error: str | None = None

    def log_record(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "sql": first_line(self.statement.sql),
            "segment": self.segment,
            "attempt": self.attempt,
            "start": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.started))
            + f".{int(self.started % 1 * 1000):03d}Z",
            "duration": round(self.seconds, 6),
            "outcome": self.outcome,
            **({"error": self.error} if self.error else {}),
        }


ApplyProgress = Callable[[StatementEvent], None]


@dataclass
class ApplyReport:
    """What a run did: committed segments, the failing statement (if any), what never ran."""

    total: int
    segments: list[Segment]
    committed: list[Segment] = field(default_factory=list)
    failed_segment: Segment | None = None
    failed_index: int | None = None
    failed_sql: str | None = None
    error: str | None = None
    sqlstate: str | None = None
    retries: int = 0

    @property
    def ok(self) -> bool:
        return self.failed_segment is None

    @property
    def statements_committed(self) -> int:
        return sum(len(s.statements) for s in self.committed)

    def lines(self) -> list[str]:
        """The report a user reads: what failed, what was committed, what was not."""
        if self.ok:
            return [f"applied {self.total} statement{'s' if self.total != 1 else ''} "
                    f"in {len(self.segments)} segment{'s' if len(self.segments) != 1 else ''}"]
        seg = self.failed_segment
        assert seg is not None
        out = [f"statement {self.failed_index} of {self.total} failed: {first_line(self.failed_sql or '')}",
               f"  error: {self.error}"]
        if len(self.committed) > 4:
            out.append(f"  committed: statements 1-{self.committed[-1].last} in {len(self.committed)} segments")
        elif self.committed:
            out.append(f"  committed: {self.statements_committed} statement(s): "
                       + "; ".join(s.describe() for s in self.committed))
        else:
            out.append("  committed: nothing")
        rest = [s for s in self.segments if s.number > seg.number]
        undone = f"{seg.describe()} rolled back" if seg.in_transaction else f"{seg.describe()} failed"
        if rest:
            first, last = rest[0].first, rest[-1].last
            undone += f"; not run: statement {first}" if first == last else f"; not run: statements {first}-{last}"
        out.append(f"  not committed: {undone}")
        return out


class StatementFailed(errors.ApplyFailed):
    """A statement failed: the plan stopped there. ``report`` says what was committed."""

    def __init__(self, report: ApplyReport) -> None:
        super().__init__(f"statement {report.failed_index} failed: {report.error}")
        self.report = report


class ApplyInterrupted(errors.Cancelled):
    def __init__(self, report: ApplyReport) -> None:
        super().__init__(f"applying was interrupted at statement {report.failed_index}")
        self.report = report


def _pg_error(e: BaseException, spec: ConnectionSpec) -> tuple[str | None, str]:
    """(SQLSTATE, PostgreSQL's one-line message, password scrubbed)."""
    sqlstate = getattr(e, "sqlstate", None)
    if isinstance(e, psycopg.OperationalError) and sqlstate is None:
        return None, str(translate_query_error(e, spec, "applying the plan"))
    return sqlstate, _scrub(_primary_message(e), spec)


class ApplySession:
    """One connection to the target, holding the apply lock, that runs plans."""

    def __init__(self, spec: ConnectionSpec, settings: ApplySettings | None = None) -> None:
        self.spec = spec.with_changes(application_name=APPLICATION_NAME)
        self.settings = settings or ApplySettings()
        self.conn: psycopg.Connection | None = None

    # ------------------------------------------------------------ open / close

    def __enter__(self) -> ApplySession:
        try:
            self.conn = psycopg.connect(self.spec.conninfo(), autocommit=True, prepare_threshold=None)
        except psycopg.Error as e:
            raise translate_connect_error(e, self.spec) from None
        try:
            self._lock()
            self._execute("SELECT set_config('check_function_bodies', 'off', false), "
                          "set_config('lock_timeout', %s, false), set_config('statement_timeout', %s, false)",
                          (self.settings.lock_timeout, self.settings.statement_timeout))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()  # the session's advisory lock ends with it
            except psycopg.Error:
                pass

    def _execute(self, sql: str, params: tuple | None = None) -> list[tuple]:
        assert self.conn is not None
        try:
            cur = self.conn.execute(sql, params)
            return cur.fetchall() if cur.description is not None else []
        except psycopg.Error as e:
            raise translate_query_error(e, self.spec, "preparing to apply") from None

    def _lock(self) -> None:
        (got,), = self._execute("SELECT pg_try_advisory_lock(%s, %s)", APPLY_LOCK)
        if got:
            return
        holders = self._execute(
            "SELECT l.pid, a.application_name, a.usename, a.backend_start "
            "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s "
            "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            APPLY_LOCK,
        )
        who = "another session"
        if holders:
            pid, app, user, since = holders[0]
            who = f"pid {pid}"
            if app:
                who += f" ({app})"
            if user:
                who += f" as {user}"
            if since is not None:
                who += f", connected since {since.isoformat(timespec='seconds')}"
        raise errors.ApplyLocked(
            f"another apply is running on {self.spec.describe()}: {who} holds pgsd's apply lock; "
            "wait for it to finish"
        )

    # ------------------------------------------------------------ facts

    def database(self) -> str:
        (name,), = self._execute("SELECT current_database()")
        return str(name)

    # ------------------------------------------------------------ running

    def run(self, plan: Plan, progress: ApplyProgress | None = None,
            sleep: Callable[[float], None] = time.sleep, *, batched: bool = False) -> ApplyReport:
        """Run every segment of ``plan``; ``StatementFailed`` (with the report) at the first failure.

        ``batched``: send each transaction's statements to the server in one round trip (no
        progress per statement; a failing transaction is run again statement by statement to
        name the failing one), in transactions the server's lock table holds (see
        ``scratch_copy.batch_statements``). For building scratch databases, never for a user's plan.
        """
        segs = segments(plan)
        if batched:
            segs = self._in_batches(segs)
        report = ApplyReport(total=len(plan.statements), segments=segs)
        emit = progress or (lambda event: None)
        for seg in segs:
            attempt = 1
            while True:
                if batched and seg.in_transaction and len(seg.statements) > 1 and self._run_batch(seg, report):
                    break
                outcome = self._run_segment(seg, report.total, attempt, emit)
                if outcome is None:
                    report.committed.append(seg)
                    break
                index, sqlstate, message, interrupted = outcome
                if (sqlstate == LOCK_NOT_AVAILABLE and seg.retriable and attempt <= self.settings.retries
                        and not interrupted):
                    report.retries += 1
                    sleep(min(self.settings.max_backoff, self.settings.backoff * 2 ** (attempt - 1)))
                    attempt += 1
                    continue
                if sqlstate == LOCK_NOT_AVAILABLE:
                    tries = f"{attempt} time{'s' if attempt != 1 else ''}"
                    message = (f"{message} (waited {self.settings.lock_timeout} for a lock, {tries}; "
                               "another session holds a lock on that object)")
                report.failed_segment = seg
                report.failed_index = index
                report.failed_sql = plan.statements[index - 1].sql
                report.error = message
                report.sqlstate = sqlstate
                if interrupted:
                    raise ApplyInterrupted(report)
                raise StatementFailed(report)
        return report

    def _run_segment(self, seg: Segment, total: int, attempt: int,
                     emit: ApplyProgress) -> tuple[int, str | None, str, bool] | None:
        """None when the segment committed; else (failing index, SQLSTATE, message, interrupted)."""
        assert self.conn is not None
        index = seg.first
        done: list[StatementEvent] = []
        started = time.time()
        t0 = time.perf_counter()
        try:
            with self._maybe_transaction(seg.in_transaction):
                for offset, statement in enumerate(seg.statements):
                    index = seg.first + offset
                    started, t0 = time.time(), time.perf_counter()
                    emit(StatementEvent(index, total, statement, seg.number, "running", started, attempt=attempt))
                    self.conn.execute(statement.sql)
                    event = StatementEvent(index, total, statement, seg.number, "ok", started,
                                           time.perf_counter() - t0, attempt)
                    done.append(event)
                    emit(event)
        except psycopg.Error as e:
            sqlstate, message = _pg_error(e, self.spec)
            statement = seg.statements[index - seg.first]
            retry = sqlstate == LOCK_NOT_AVAILABLE and seg.retriable and attempt <= self.settings.retries
            emit(StatementEvent(index, total, statement, seg.number, "lock_timeout" if retry else "failed",
                                started, time.perf_counter() - t0, attempt, message))
            self._rolled_back(seg, done, emit)
            return index, sqlstate, message, False
        except BaseException as e:
            if isinstance(e, (Exception, SystemExit, GeneratorExit)):
                raise
            # Ctrl-C, or a stop signal the command line turns into its own BaseException
            statement = seg.statements[index - seg.first]
            emit(StatementEvent(index, total, statement, seg.number, "failed", started,
                                time.perf_counter() - t0, attempt, "interrupted"))
            self._rolled_back(seg, done, emit)
            return index, None, "interrupted (Ctrl-C)", True
        return None

    def _in_batches(self, segs: list[Segment]) -> list[Segment]:
        """Transactions cut to what the server's lock table holds (``scratch_copy.batch_statements``)."""
        assert self.conn is not None
        size = batch_statements(self.conn)
        out: list[Segment] = []
        for seg in segs:
            if not seg.in_transaction or len(seg.statements) <= size:
                out.append(replace(seg, number=len(out) + 1))
                continue
            for start in range(0, len(seg.statements), size):
                out.append(Segment(len(out) + 1, True, seg.first + start, seg.statements[start:start + size]))
        return out

    def _run_batch(self, seg: Segment, report: ApplyReport) -> bool:
        """The segment's statements in one transaction and one round trip, committed segments
        added to ``report``; False when it failed (rolled back: nothing of it stays). A
        transaction that filled the server's lock table is run again in halves."""
        assert self.conn is not None
        try:
            with self.conn.transaction():
                self.conn.execute(BATCH_PREFIX + "\n;\n".join(s.sql for s in seg.statements))
        except psycopg.Error as e:
            half = len(seg.statements) // 2
            if getattr(e, "sqlstate", None) != OUT_OF_SHARED_MEMORY or half == 0:
                return False
            first = Segment(seg.number, True, seg.first, seg.statements[:half])
            second = Segment(seg.number, True, seg.first + half, seg.statements[half:])
            return (self._run_batch(first, report) or self._run_alone(first, report)) and (
                self._run_batch(second, report) or self._run_alone(second, report))
        report.committed.append(seg)
        return True

    def _run_alone(self, seg: Segment, report: ApplyReport) -> bool:
        """A part of a batch that failed for another reason than the lock table: statement by
        statement, so that the failure names its statement."""
        outcome = self._run_segment(seg, report.total, 1, lambda event: None)
        if outcome is None:
            report.committed.append(seg)
            return True
        index, sqlstate, message, interrupted = outcome
        report.failed_segment = seg
        report.failed_index = index
        report.failed_sql = seg.statements[index - seg.first].sql
        report.error = message
        report.sqlstate = sqlstate
        if interrupted:
            raise ApplyInterrupted(report)
        raise StatementFailed(report)

    def _rolled_back(self, seg: Segment, done: list[StatementEvent], emit: ApplyProgress) -> None:
        if seg.in_transaction:
            for event in done:
                emit(StatementEvent(event.index, event.total, event.statement, event.segment, "rolled_back",
                                    event.started, event.seconds, event.attempt))

    @contextmanager
    def _maybe_transaction(self, on: bool) -> Iterator[None]:
        assert self.conn is not None
        if on:
            with self.conn.transaction():
                yield
        else:
            yield


def apply_plan(spec: ConnectionSpec, plan: Plan, settings: ApplySettings | None = None,
               progress: ApplyProgress | None = None) -> int:
    """Run ``plan`` on the database of ``spec`` under the apply lock; the number of statements run.

    Raises ``StatementFailed`` (an ``ApplyFailed``) with its report, ``ApplyLocked``, or a
    connection error. Without ``settings`` the plan's own lock_timeout is used and
    nothing else is bounded (as a script run with psql would be).
    """
    if settings is None:
        settings = ApplySettings(lock_timeout=plan.lock_timeout or "0", statement_timeout="0", retries=0)
    with ApplySession(spec, settings) as session:
        return session.run(plan, progress).total



def apply_to_side(
    side: DatabaseSide,
    plan: Plan,
    *,
    expected_fingerprint: str | None,
    filters: Filters,
    settings: ApplySettings | None = None,
    progress: ApplyProgress | None = None,
    pool_settings: PoolSettings | None = None,
) -> ApplyReport:
    """Apply ``plan`` to a database side under the apply lock, after checking that the target
    still has ``expected_fingerprint`` (``side_fingerprint`` of the snapshot the plan was made
    from; None: no check). The app's apply; ``TargetDrifted`` when the target moved on."""
    from pgsd.workflow.read import read_sides

    with ApplySession(side.spec, settings) as session:
        if expected_fingerprint is not None:
            now = read_sides({"target": side}, filters=filters, settings=pool_settings).snapshots["target"]
            if side_fingerprint(now) != expected_fingerprint:
                raise errors.TargetDrifted(
                    f"{side.describe()} changed since it was read: refresh the comparison and look again"
                )
        return session.run(plan, progress)
