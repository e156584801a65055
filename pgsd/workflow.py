"""The one composition point: resolve sources, introspect both sides, diff, plan, apply.

The CLI and the app call these functions; they take plain callables for progress and
cancellation, never UI objects. Source and target are introspected concurrently.
"""

from __future__ import annotations

import gc
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from pgsd import errors
from pgsd.catalog.inspect import Inspection
from pgsd.catalog.twins import Twins
from pgsd.connect import ConnectionSpec, PoolSettings, PoolStats, SidePool, detect_server
from pgsd.connect.failures import translate_query_error
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Plan
from pgsd.ddl.planner import build_plan
from pgsd.ddl.sizes import size_hazards
from pgsd.diff.changes import ChangeSet, DiffOptions, diff_snapshots
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Filters, Snapshot

SideProgress = Callable[[str, str, int, int], None]
"""progress(side, step, done, total)."""

CANCEL_GRACE = 5.0
"""Seconds to wait, after Ctrl-C or an error, for sides that are reading to stop."""


_bulk_lock = threading.Lock()
_bulk_depth = 0
_bulk_saved: tuple[bool, float] = (True, 0.005)

BULK_SWITCH_INTERVAL = 0.001
"""GIL switch interval (s) while sides are read: see ``bulk_work``."""


@contextmanager
def bulk_work() -> Iterator[None]:
    """Tune the interpreter for building and comparing hundreds of thousands of objects.

    * The cyclic garbage collector is paused: the objects built have no cycles, and
      each full collection would walk every object built so far (measured: 10-15% of
      a 2,000-table diff). It runs again, unchanged, once the outermost block ends.
    * The GIL switch interval drops from 5 ms to 1 ms: a side's thread that was waiting
      on its server otherwise waits up to 5 ms more for the other side's thread to
      give up the interpreter, every time a chunk of rows arrives.

    Re-entrant and thread-safe (the app may read while it compares): the settings are
    restored when the last block exits.
    """
    global _bulk_depth, _bulk_saved
    with _bulk_lock:
        if _bulk_depth == 0:
            _bulk_saved = (gc.isenabled(), sys.getswitchinterval())
            gc.disable()
            sys.setswitchinterval(BULK_SWITCH_INTERVAL)
        _bulk_depth += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_depth -= 1
            if _bulk_depth == 0:
                enabled, interval = _bulk_saved
                sys.setswitchinterval(interval)
                if enabled:
                    gc.enable()


def looks_like_connection_string(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://")) or "=" in text


def is_snapshot_file(text: str) -> bool:
    return text.endswith(".json") and not looks_like_connection_string(text)


def resolve_spec(text: str) -> ConnectionSpec:
    """A URI or conninfo string, or a saved profile name, as a ConnectionSpec."""
    if looks_like_connection_string(text):
        return ConnectionSpec.parse(text)
    try:
        from pgsd.profiles.resolve import spec_for_profile
    except ImportError:
        raise errors.InvalidConnectionString(
            f"{text!r} is neither a postgresql:// URI nor a conninfo string"
        ) from None
    return spec_for_profile(text)


def read_snapshot_file(path: str) -> Snapshot:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise errors.SnapshotFileError(f"snapshot file {path} does not exist") from None
    except OSError as e:
        raise errors.SnapshotFileError(f"cannot read snapshot file {path}: {e.strerror}") from None
    return Snapshot.from_json(text, source=path)


@dataclass
class CancelToken:
    """Cancels every running inspection it was handed (server queries included)."""

    _event: threading.Event = field(default_factory=threading.Event)
    _inspections: list[Inspection] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            running = list(self._inspections)
        for ins in running:
            ins.cancel()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def _attach(self, ins: Inspection) -> None:
        with self._lock:
            self._inspections.append(ins)
        if self._event.is_set():
            ins.cancel()


def load_side(
    text: str,
    side: str,
    *,
    filters: Filters | None = None,
    settings: PoolSettings | None = None,
    progress: SideProgress | None = None,
    cancel: CancelToken | None = None,
    twins: Twins | None = None,
) -> Snapshot:
    """Read one side: a snapshot file as is, or a live database introspected.

    ``twins`` is shared with another side read at the same time (see load_sides).
    """
    if is_snapshot_file(text):
        return read_snapshot_file(text)
    spec = resolve_spec(text)
    if cancel is not None and cancel.cancelled:
        raise errors.Cancelled(f"reading {spec.describe()} was cancelled")
    with SidePool(spec, side, settings) as pool:
        ins = Inspection(pool, filters, twins)
        if cancel is not None:
            cancel._attach(ins)
        report = None
        if progress is not None:
            report = lambda step, done, total: progress(side, step, done, total)  # noqa: E731
        snapshot = ins.run(report).build_indexes()
        if side == "target":
            # what the planner asks of the target, built while the source may still be read
            snapshot.dependents  # noqa: B018 - a cached property, computed for its side effect
        return snapshot


def load_sides(
    texts: dict[str, str],
    *,
    filters: Filters | None = None,
    settings: PoolSettings | None = None,
    progress: SideProgress | None = None,
    cancel: CancelToken | None = None,
    grace: float = CANCEL_GRACE,
) -> dict[str, Snapshot]:
    """Read every side at once, each in its own thread; the first error wins.

    After Ctrl-C or an error only the sides already reading the catalog are waited for (their
    server query is cancelled and their pool closed, within ``grace`` seconds). A side
    still connecting, perhaps to an unresponsive host, cannot be interrupted by any
    cancel; it runs in a daemon thread and must not hold the exit for its whole
    connect_timeout.
    """
    token = cancel or CancelToken()
    reading: set[str] = set()
    # Objects both live sides read identically are built once (see catalog.twins). Only
    # for two or more live sides: alone, a side would fill it with objects nobody takes.
    live = [text for text in texts.values() if not is_snapshot_file(text)]
    twins = Twins(sides=len(live)) if len(live) > 1 else None

    def report(side: str, step: str, done: int, total: int) -> None:
        reading.add(side)  # the first report comes once the side is connected
        if progress is not None:
            progress(side, step, done, total)

    finished: queue.Queue[tuple[str, Snapshot | None, BaseException | None]] = queue.Queue()

    def work(side: str, conninfo: str) -> None:
        try:
            snap = load_side(conninfo, side, filters=filters, settings=settings, progress=report, cancel=token,
                             twins=twins)
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            finished.put((side, None, e))
        else:
            finished.put((side, snap, None))

    def work_in_bulk(side: str, conninfo: str) -> None:
        with bulk_work():
            work(side, conninfo)

    threads = [
        threading.Thread(target=work_in_bulk, args=(side, conninfo), name=f"pgsd-{side}", daemon=True)
        for side, conninfo in texts.items()
    ]
    for t in threads:
        t.start()
    results: dict[str, Snapshot] = {}
    try:
        for _ in threads:
            side, snap, error = _wait_for(finished)
            if error is not None:
                raise error
            assert snap is not None
            results[side] = snap
    except BaseException:
        token.cancel()  # Ctrl-C or the first error: stop the other side's server queries
        deadline = time.monotonic() + grace
        for side, t in zip(texts, threads):
            if side in reading:
                t.join(max(0.0, deadline - time.monotonic()))
        raise
    return results


def _wait_for(finished: queue.Queue):  # noqa: ANN202
    """The next finished side, waking up every quarter second.

    Ctrl-C is a signal to the process, and the kernel may hand it to any of its threads
    (the side readers, their prefetch threads, the pools' workers). Python runs the
    handler only in the main thread, and a main thread blocked in a wait without a
    timeout would not notice until a side finished; waking up regularly lets it raise
    KeyboardInterrupt at once.
    """
    while True:
        try:
            return finished.get(timeout=0.25)
        except queue.Empty:
            continue


def load_both(
    source: str,
    target: str,
    *,
    filters: Filters | None = None,
    settings: PoolSettings | None = None,
    progress: SideProgress | None = None,
    cancel: CancelToken | None = None,
) -> tuple[Snapshot, Snapshot]:
    """Read source and target concurrently (see load_sides)."""
    got = load_sides({"source": source, "target": target}, filters=filters, settings=settings,
                     progress=progress, cancel=cancel)
    return got["source"], got["target"]


def server_info(spec: ConnectionSpec, settings: PoolSettings | None = None) -> tuple[ServerInfo, PoolStats]:
    """Connect, read the server facts (version, role, permissions) and close again.

    Used by `pgsd info`, `pgsd profiles test` and the app's Test button.
    """
    with SidePool(spec, "source", settings) as pool:
        with pool.read_session() as session:
            info = detect_server(session, where=spec.describe())
        return info, pool.stats()


def compare(source: Snapshot, target: Snapshot, options: DiffOptions | None = None) -> ChangeSet:
    with bulk_work():
        return diff_snapshots(source=source, target=target, options=options)


def plan(changes: ChangeSet, options: PlanOptions | None = None, selected: set[str] | None = None) -> Plan:
    with bulk_work():
        # the target's table sizes on the hazards (pgsd.ddl.sizes), for every presenter
        return size_hazards(build_plan(changes, options, selected=selected),
                            target=changes.target, source=changes.source)


def apply_plan(spec: ConnectionSpec, plan_: Plan) -> int:
    """Run a plan on a database: transactional statements in transactions, the rest alone.

    Returns the number of statements run. Only called when a user asks to apply.
    """
    count = 0
    try:
        with psycopg.connect(spec.conninfo(), autocommit=True, prepare_threshold=None) as conn:
            if plan_.lock_timeout:
                conn.execute("SELECT set_config('lock_timeout', %s, false)", (plan_.lock_timeout,))
            for transactional, statements in plan_.batches():
                if transactional and plan_.transaction:
                    with conn.transaction():
                        for s in statements:
                            conn.execute(s.sql)
                            count += 1
                else:
                    for s in statements:
                        conn.execute(s.sql)
                        count += 1
    except psycopg.Error as e:
        failed = translate_query_error(e, spec, f"applying statement {count + 1}")
        if isinstance(failed, (errors.ConnectionFailed, errors.Cancelled)):
            raise failed from None
        raise errors.ApplyFailed(str(failed)) from None
    return count
