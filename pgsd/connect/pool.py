"""SidePool: the connection pool of one side (source or target) of a comparison.

One ``psycopg_pool.ConnectionPool`` per side, tuned for a tool that reads catalogs:
few connections, checked on checkout, recycled, and reconnected in the background
(with the pool's exponential backoff, bounded by ``reconnect_timeout``) when the
server drops them. Server-side prepared statements are off so PgBouncer in
transaction mode works. Every pool is closed on exit, even if a caller forgets.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from pgsd import errors
from pgsd.connect.failures import translate_connect_error, translate_query_error
from pgsd.connect.spec import ConnectionSpec

_open_pools: weakref.WeakSet[SidePool] = weakref.WeakSet()

# psycopg_pool logs what it does about a broken connection ("discarding closed
# connection: <psycopg.Connection [BAD] ...>") at WARNING, which Python's last-resort
# handler prints on stderr before pgsd's own one-line error. pgsd reports those failures
# itself (and counts them in PoolStats): the pool's log lines never reach the user.
_pool_log = logging.getLogger("psycopg.pool")
_pool_log.addHandler(logging.NullHandler())
_pool_log.propagate = False

_CHUNKED_ROWS = psycopg.pq.version() >= 170000
"""libpq can hand a query's rows over in chunks as they arrive (``Cursor.stream(size=)``)."""


_LOCK_HOLDERS = """
SELECT DISTINCT l.relation::regclass::text, l.pid
FROM pg_locks l
WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'AccessExclusiveLock'
  AND l.pid <> pg_backend_pid()
  AND l.database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
ORDER BY 1, 2
"""


@atexit.register
def _close_all_pools() -> None:
    for pool in list(_open_pools):
        pool.close()


@dataclass(frozen=True)
class PoolSettings:
    max_size: int = 4
    checkout_timeout: float = 30.0
    max_idle: float = 300.0
    max_lifetime: float = 3600.0
    reconnect_timeout: float = 60.0
    statement_timeout_ms: int = 60_000
    lock_timeout_ms: int = 5_000
    answer_margin: float = 5.0
    """Seconds past the statement timeout after which a server that sent nothing is given up on."""

    @property
    def answer_deadline(self) -> float | None:
        """How long a catalog query may go without a word from the server (see ReadSession).

        None without a statement timeout (0): the user asked to wait as long as it takes.
        """
        if self.statement_timeout_ms <= 0:
            return None
        return self.statement_timeout_ms / 1000 + self.answer_margin


@dataclass(frozen=True)
class PoolStats:
    """What the UI and ``--verbose`` show about a pool."""

    side: str
    open: int
    idle: int
    in_use: int
    waiting: int
    errors: int
    lost: int
    query_seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.side}: {self.open} open, {self.idle} idle, {self.in_use} in use, "
            f"{self.waiting} waiting, {self.errors} errors, {self.lost} lost"
        )


class _Watchdog:
    """Calls ``expire`` once, from its own thread, if an armed deadline passes.

    Several threads may wait on the server at once (a loader and the prefetch thread),
    each under its own token.
    """

    def __init__(self, expire: Callable[[], None]) -> None:
        self._expire = expire
        self._cond = threading.Condition()
        self._deadlines: dict[int, float] = {}
        self._closed = False
        self._thread: threading.Thread | None = None

    def arm(self, token: int, seconds: float) -> None:
        with self._cond:
            self._deadlines[token] = time.monotonic() + seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="pgsd-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self, token: int) -> None:
        with self._cond:
            self._deadlines.pop(token, None)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _watch(self) -> None:
        with self._cond:
            while not self._closed:
                if not self._deadlines:
                    self._cond.wait()
                    continue
                left = min(self._deadlines.values()) - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._closed = True
                break
            else:
                return
        self._expire()


class ReadSession:
    """One READ ONLY, REPEATABLE READ transaction: a consistent view of the catalog.

    A server that stops answering (a frozen host, a network partition that sends no
    reset) would keep a query waiting forever: its statement timeout runs on the server,
    which is not running. So every wait for the server has a deadline on this side too,
    the statement timeout plus ``PoolSettings.answer_margin``: past it the query is
    cancelled, the connection's socket is shut down (which ends the wait at once), and
    the query fails with "the server stopped answering".
    """

    def __init__(self, conn: psycopg.Connection, pool: SidePool) -> None:
        self.conn = conn
        self._pool = pool
        self.gave_up = False
        self._watchdog = _Watchdog(self._give_up)

    # ------------------------------------------------------------ deadlines

    @contextmanager
    def _answering(self) -> Iterator[None]:
        deadline = self._pool.settings.answer_deadline
        if deadline is None:
            yield
            return
        token = threading.get_ident()
        self._watchdog.arm(token, deadline)
        try:
            yield
        finally:
            self._watchdog.disarm(token)

    def _give_up(self) -> None:
        self.gave_up = True
        try:
            self.conn.cancel_safe(timeout=2)
        except Exception:  # noqa: BLE001 - a frozen server may not take the cancel either
            pass
        try:
            fd = self.conn.pgconn.socket
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except (OSError, psycopg.Error):
            pass

    def close(self) -> None:
        self._watchdog.close()

    def failure(self, e: psycopg.Error, what: str) -> errors.PgsdError:
        """The pgsd error for a driver error in this session (raised once, where it happened)."""
        spec = self._pool.spec
        if self.gave_up:
            return errors.ConnectionLost(
                f"the server at {spec.describe()} stopped answering during {what}: nothing came back "
                f"within {self._pool.settings.answer_deadline or 0:g} s (the statement timeout plus "
                f"{self._pool.settings.answer_margin:g} s); the query was cancelled and the connection closed"
            )
        extra: dict[str, str | None] = {}
        if isinstance(e, pg_errors.LockNotAvailable):
            extra["lock_wait"] = f"{self._pool.settings.lock_timeout_ms / 1000:g} s"
            extra["lock_holders"] = self._pool.lock_holders()
        try:
            role = self.conn.info.parameter_status("session_authorization") or self.conn.info.user
        except psycopg.Error:
            role = None
        return translate_query_error(e, spec, what, role=role, **extra)

    # ------------------------------------------------------------ queries

    def execute(self, query: str | sql.Composed, params: tuple | dict | None = None, *, what: str) -> None:
        """Run a statement that returns nothing of interest (BEGIN, SET), under the deadline."""
        try:
            with self._answering():
                self.conn.execute(query, params)
        except psycopg.Error as e:
            raise self.failure(e, what) from None

    def fetch(self, query: str, params: tuple | dict | None = None, *, step: str = "query") -> list[tuple]:
        """Run one catalog query and return all rows; errors are translated once, here."""
        started = time.perf_counter()
        try:
            with self._answering():
                cur = self.conn.execute(query, params)
                rows = cur.fetchall() if cur.description is not None else []
        except psycopg.Error as e:
            raise self.failure(e, f"reading {step}") from None
        finally:
            self._pool._record_time(step, time.perf_counter() - started)
        return rows

    def chunks(self, query: str, params: tuple | dict | None = None, *, step: str = "query",
               size: int = 2000) -> Iterator[tuple[tuple[str, ...], list[tuple]]]:
        """Run one catalog query; yield (column names, rows) chunks of ``size`` rows.

        For a reader in another thread (``pgsd.catalog.prefetch``). With libpq 17 or
        newer the query runs once and its rows arrive in chunks as the server produces
        them (libpq's chunked-rows mode): the server never waits for the client to ask
        for more, and plans the query as a plain query. Measured at 2,000 tables, one
        side: 0.62 s for every catalog query this way, 0.80 s through a server-side
        cursor, where the server stops after each chunk until the next FETCH. Older
        libpq falls back to that cursor.

        The deadline covers each wait for the server's next chunk, not the time the
        reader takes between chunks.
        """
        started = time.perf_counter()
        try:
            if _CHUNKED_ROWS:
                yield from self._streamed_chunks(query, params, size)
            else:
                yield from self._cursor_chunks(query, params, step, size)
        except psycopg.Error as e:
            raise self.failure(e, f"reading {step}") from None
        finally:
            self._pool._record_time(step, time.perf_counter() - started)

    def _streamed_chunks(self, query: str, params: tuple | dict | None,
                         size: int) -> Iterator[tuple[tuple[str, ...], list[tuple]]]:
        cur = self.conn.cursor()
        rows_of_query = cur.stream(query, params, size=size)
        try:
            names: tuple[str, ...] | None = None
            while True:
                with self._answering():
                    rows = list(islice(rows_of_query, size))
                if names is None:
                    names = tuple(d.name for d in cur.description or ())
                yield names, rows
                if len(rows) < size:
                    break
        finally:
            # a reader that stops early cancels the query here, not whenever the
            # generator happens to be collected
            with self._answering():
                rows_of_query.close()  # type: ignore[attr-defined]  # a generator: it has close()

    def _cursor_chunks(self, query: str, params: tuple | dict | None, step: str,
                       size: int) -> Iterator[tuple[tuple[str, ...], list[tuple]]]:
        with self.conn.cursor(name=f"pgsd_{step}") as cur:
            with self._answering():
                cur.execute(query, params)
            names = tuple(d.name for d in cur.description or ())
            while True:
                with self._answering():
                    rows = cur.fetchmany(size)
                yield names, rows
                if len(rows) < size:
                    break

    def fetch_dicts(self, query: str, params: tuple | dict | None = None, *, step: str = "query") -> list[dict]:
        started = time.perf_counter()
        try:
            with self._answering():
                cur = self.conn.cursor(row_factory=dict_row)
                cur.execute(query, params)
                rows = cur.fetchall()
        except psycopg.Error as e:
            raise self.failure(e, f"reading {step}") from None
        finally:
            self._pool._record_time(step, time.perf_counter() - started)
        return rows

    def export_snapshot(self) -> str:
        """This transaction's snapshot, for another session to see the same catalog (``read_session(snapshot=)``)."""
        (snapshot,), = self.fetch("SELECT pg_export_snapshot()", step="sharing the snapshot")
        return str(snapshot)

    def cancel(self) -> None:
        """Cancel the running server query (safe to call from another thread)."""
        try:
            self.conn.cancel_safe(timeout=5)
        except Exception:  # noqa: BLE001 - cancelling is best effort
            pass


class SidePool:
    """A small pool for one side of a comparison; use as a context manager."""

    def __init__(self, spec: ConnectionSpec, side: str = "source", settings: PoolSettings | None = None) -> None:
        self.spec = spec
        self.side = side
        self.settings = settings or PoolSettings()
        self._pool: ConnectionPool | None = None
        self._lock = threading.Lock()
        self._query_seconds: dict[str, float] = {}
        self._sessions: set[ReadSession] = set()

    # ------------------------------------------------------------ life cycle

    def open(self) -> SidePool:
        """Connect once directly (to get libpq's own error message), then start the pool."""
        with self._lock:
            if self._pool is not None:
                return self
            conninfo = self.spec.conninfo()
            try:
                probe = psycopg.connect(conninfo, autocommit=True, prepare_threshold=None)
            except (psycopg.Error, OSError) as e:
                raise translate_connect_error(e, self.spec) from None
            probe.close()
            s = self.settings
            pool = ConnectionPool(
                conninfo,
                min_size=1,
                max_size=max(1, s.max_size),
                timeout=s.checkout_timeout,
                max_idle=s.max_idle,
                max_lifetime=s.max_lifetime,
                reconnect_timeout=s.reconnect_timeout,
                check=ConnectionPool.check_connection,
                kwargs={"autocommit": True, "prepare_threshold": None},
                name=f"pgsd-{self.side}",
                open=False,
            )
            try:
                pool.open(wait=True, timeout=max(5.0, float(self.spec.connect_timeout or 10)))
            except PoolTimeout:
                pool.close()
                raise errors.ConnectionFailed(f"cannot open a connection pool to {self.spec.describe()}") from None
            self._pool = pool
            _open_pools.add(self)
        return self

    def close(self) -> None:
        """Close every connection; calling it twice is harmless."""
        with self._lock:
            pool, self._pool = self._pool, None
        for session in list(self._sessions):
            session.cancel()
        if pool is not None:
            pool.close(timeout=5)
        _open_pools.discard(self)

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    def __enter__(self) -> SidePool:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ using

    def _require(self) -> ConnectionPool:
        pool = self._pool
        if pool is None:
            raise errors.ConnectionFailed(f"the {self.side} pool for {self.spec.describe()} is closed")
        return pool

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """Check out a healthy autocommit connection."""
        pool = self._require()
        try:
            with pool.connection() as conn:
                yield conn
        except PoolTimeout:
            raise errors.ConnectionFailed(
                f"no connection to {self.spec.describe()} became available within "
                f"{self.settings.checkout_timeout:g} s"
            ) from None
        except psycopg.OperationalError as e:
            raise translate_query_error(e, self.spec, "a query") from None

    @contextmanager
    def read_session(self, snapshot: str | None = None) -> Iterator[ReadSession]:
        """A READ ONLY REPEATABLE READ transaction with statement and lock timeouts.

        ``snapshot``: an id from another session's ``ReadSession.export_snapshot()`` (still
        open): this transaction then sees exactly what that one sees.

        Parallel query is off for the session: catalog queries are small joins for which
        starting workers costs more than it saves (measured: 20% slower at 2,000 tables),
        and the two sides of a diff already keep two server processes busy. Queries read
        through a server-side cursor (``chunks`` with libpq before 17) are planned for
        all their rows, as plain queries are (``cursor_tuple_fraction`` 1).

        ``work_mem`` is 32MB for the transaction: the columns query's IN over the column
        comments stays hashed up to one or two million comments (past what fits, the
        server would scan them all for every column), and the big catalog joins of a
        10,000-table database do not spill to disk. It is an upper bound, used only as
        far as the catalog's size needs it.
        """
        s = self.settings
        with self.connection() as conn:
            session = ReadSession(conn, self)
            self._sessions.add(session)
            try:
                session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                                what="starting a read-only transaction")
                if snapshot is not None:  # before any query of the transaction, as PostgreSQL requires
                    session.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)),
                                    what="joining another session's snapshot")
                session.execute(
                    "SELECT set_config('statement_timeout', %s, true), set_config('lock_timeout', %s, true),"
                    " set_config('search_path', 'pg_catalog', true),"
                    " set_config('max_parallel_workers_per_gather', '0', true),"
                    " set_config('cursor_tuple_fraction', '1', true),"
                    " set_config('work_mem', '32MB', true)",
                    (f"{s.statement_timeout_ms}ms", f"{s.lock_timeout_ms}ms"),
                    what="starting a read-only transaction",
                )
                yield session
            finally:
                self._sessions.discard(session)
                session.close()
                if not session.gave_up:
                    try:
                        conn.execute("ROLLBACK")
                    except psycopg.Error:
                        pass  # the pool discards a broken connection on return

    def lock_holders(self) -> str | None:
        """Which other sessions hold an ACCESS EXCLUSIVE lock in this database, for a lock timeout's message.

        Read on a connection of its own (the session's transaction has failed); None when
        it cannot be read. Only that lock mode blocks the ACCESS SHARE locks reading takes.
        """
        try:
            with psycopg.connect(self.spec.conninfo(), autocommit=True, prepare_threshold=None,
                                 connect_timeout=5) as conn:
                conn.execute("SELECT set_config('statement_timeout', '5s', false)")
                rows = conn.execute(_LOCK_HOLDERS).fetchall()
        except (psycopg.Error, OSError):
            return None
        if not rows:
            return None
        held = [f"{relation} (process {pid})" for relation, pid in rows[:3]]
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        return "ACCESS EXCLUSIVE lock on " + ", ".join(held) + more

    def cancel(self) -> None:
        """Cancel every running read session's server query."""
        for session in list(self._sessions):
            session.cancel()

    # ------------------------------------------------------------ metrics

    def _record_time(self, step: str, seconds: float) -> None:
        self._query_seconds[step] = self._query_seconds.get(step, 0.0) + seconds

    def stats(self) -> PoolStats:
        pool = self._pool
        raw = pool.get_stats() if pool is not None else {}
        size = raw.get("pool_size", 0)
        idle = raw.get("pool_available", 0)
        return PoolStats(
            side=self.side,
            open=size,
            idle=idle,
            in_use=max(0, size - idle),
            waiting=raw.get("requests_waiting", 0),
            errors=raw.get("connections_errors", 0),
            lost=raw.get("connections_lost", 0),
            query_seconds=dict(self._query_seconds),
        )
