"""read_sides: the one way both presentations read the sides of a comparison.

``pgsd diff``, ``pgsd snapshot``, ``pgsd demo`` and the app all call ``read_sides`` with
the sides ``parse_side`` made. Everything that decides *what* is read happens here, so
the CLI and the app cannot disagree about the same inputs:

1. snapshot files are read (in the caller's thread; a file that is not a regular file,
   or not a snapshot, is refused with one line);
2. the filters are reconciled with the snapshots' own (``scope_filters``: the same
   filters, or none given, or a one-line ``FilterConflict``);
3. passwords are fetched or asked, one side after the other, in the caller's thread;
4. live databases are read concurrently, each in its own thread, with progress and
   cancellation (the server queries are cancelled too);
5. the sides are limited to the same scope together (``Filters.scope``: object globs
   apply to every kind, and containers are kept where a kept object on either side
   needs them);
6. a profile's server version is remembered for the connections list.

SQL sides (``SqlSide``: files, a directory, a git revision) are loaded, in the caller's
thread while the live databases are read, into throwaway shadow databases on one
scratch server (``workflow.scratch``; ``shadow`` says which server and whether missing
roles may be created), then read in step 4 exactly like the live databases, and dropped
however reading ends.
"""

from __future__ import annotations

import contextlib
import os
import queue
import stat
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgsd import errors
from pgsd.catalog.inspect import Inspection
from pgsd.catalog.shared_builds import SharedBuilds
from pgsd.connect import PoolSettings, SidePool
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow.sides import AskPassword, DatabaseSide, ShadowChoice, Side, SnapshotSide, SqlSide

if TYPE_CHECKING:
    from pgsd.profiles.store import ProfileStore

SideProgress = Callable[[str, str, int, int], None]
"""progress(side, step, done, total)."""

CANCEL_GRACE = 5.0
"""Seconds to wait, after Ctrl-C or an error, for sides that are reading to stop."""

MAX_SNAPSHOT_BYTES = 4 * 1024**3
"""Larger snapshot files are refused before reading (a 10,000-table database makes about 200 MB)."""


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

    def wait(self, timeout: float) -> bool:
        """Whether it is cancelled within ``timeout`` seconds."""
        return self._event.wait(timeout)

    def _attach(self, ins: Inspection) -> None:
        with self._lock:
            self._inspections.append(ins)
        if self._event.is_set():
            ins.cancel()


@dataclass
class Loaded:
    """What ``read_sides`` read: a snapshot per side, in the order the sides were given."""

    snapshots: dict[str, Snapshot]
    sides: dict[str, Side]
    """The sides as read (a profile's password is in its spec by now)."""
    filters: Filters
    """The filters every side was read or limited with."""
    notes: list[str] = field(default_factory=list)
    """Things the user should know about how the sides were read (one line each)."""

    @property
    def files(self) -> dict[str, str]:
        """The sides that are snapshot files: side -> path (the script's header names them)."""
        return {role: s.path for role, s in self.sides.items() if isinstance(s, SnapshotSide)}


# --------------------------------------------------------------------------- snapshot files


_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_snapshot_file(path: str, *, limit: int = MAX_SNAPSHOT_BYTES) -> Snapshot:
    """A snapshot file, refused with one line unless it is a regular file (after links) holding one."""
    return Snapshot.from_json(read_regular_file(path, limit=limit), source=path)


def read_regular_file(
    path: str, *, limit: int = MAX_SNAPSHOT_BYTES, what: str = "snapshot file",
    error: type[errors.PgsdError] = errors.SnapshotFileError,
) -> bytes:
    """The bytes of ``path``, refused with one ``error`` line unless it is a regular file (after links)
    of at most ``limit`` bytes (snapshot files, and the plan files ``pgsd apply --plan`` reads).

    The file is opened without blocking (a FIFO with no writer would otherwise wait
    forever) and checked on the open descriptor, so what is read is what was checked.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist") from None
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "not a regular file")
        raise error(f"{what} {path} is {kind}, not a regular file")
    with os.fdopen(fd, "rb") as f:
        if st.st_size > limit:
            raise error(
                f"{what} {path} is {st.st_size / 1024**3:.1f} GB, more than pgsd reads "
                f"({limit / 1024**3:.0f} GB)"
            )
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise error(f"cannot read {what} {path}: {e.strerror}") from None
    if len(data) > limit:
        raise error(f"{what} {path} grew past {limit / 1024**3:.0f} GB while read")
    return data


# --------------------------------------------------------------------------- filters


def scope_filters(
    requested: Filters, files: Mapping[str, tuple[str, Filters]], *, live: bool
) -> tuple[Filters, list[str]]:
    """The filters every side is read with, given the options and the snapshot files' own.

    A snapshot's filters are part of it. The rule: the filter options must be the same as
    the snapshots' (in any order) or absent, and then the snapshots' are used (for the
    database compared with them, too); two snapshots must have been taken with the same
    filters. Anything else would show everything outside one scope as added or removed,
    so it is a ``FilterConflict`` (one line, saying how to resolve it), never a plan.
    Returns (filters, notes).
    """
    if not files:
        return requested, []
    (first_role, (first_path, peer)), *others = files.items()
    for role, (path, f) in others:
        if not f.same_scope(peer):
            raise errors.FilterConflict(
                f"the snapshots were taken with different filters ({first_role} {first_path}: {peer.describe()}; "
                f"{role} {path}: {f.describe()}): take both with the same filter options"
            )
    if requested.is_empty():
        notes = []
        if live and not peer.is_empty():
            notes.append(f"using the filters the snapshot was taken with: {peer.describe()}")
        return peer, notes
    if not requested.same_scope(peer):
        raise errors.FilterConflict(
            f"{first_role} snapshot {first_path} was taken with filters {peer.describe()}, not "
            f"{requested.describe()}: leave the filter options out to use the snapshot's, "
            f"or take the snapshot again with them"
        )
    return requested, []


# --------------------------------------------------------------------------- reading


def read_sides(
    sides: Mapping[str, Side],
    *,
    filters: Filters | None = None,
    settings: PoolSettings | None = None,
    progress: SideProgress | None = None,
    cancel: CancelToken | None = None,
    ask_password: AskPassword | None = None,
    store: ProfileStore | None = None,
    grace: float = CANCEL_GRACE,
    limit_containers: bool = True,
    shadow: ShadowChoice | None = None,
) -> Loaded:
    """Read every side (see the module's docstring for the steps); the first error wins.

    ``limit_containers=False`` leaves every schema and extension in (``pgsd snapshot``
    does: which containers a comparison needs depends on both of its sides, so a
    snapshot file keeps them all and the comparison decides).
    """
    requested = filters or Filters()
    snapshots: dict[str, Snapshot] = {}
    for role, side in sides.items():
        if isinstance(side, SnapshotSide):
            snapshots[role] = read_snapshot_file(side.path)
    files = {role: (side.path, snapshots[role].filters)
             for role, side in sides.items() if isinstance(side, SnapshotSide)}
    live: dict[str, DatabaseSide] = {}
    for role, side in sides.items():
        if isinstance(side, DatabaseSide):
            live[role] = side
    sql_sides = {role: side for role, side in sides.items() if isinstance(side, SqlSide)}
    unknown = [role for role in sides if role not in files and role not in live and role not in sql_sides]
    if unknown:
        raise TypeError(f"cannot read side {sides[unknown[0]]!r}")
    scope, notes = scope_filters(requested, files, live=bool(live or sql_sides))
    # passwords in this thread, one side after the other: two prompts never race for the terminal
    ready = {role: side.with_password_from(ask_password) for role, side in live.items()}
    if cancel is not None and cancel.cancelled:
        raise errors.Cancelled("reading was cancelled")
    with contextlib.ExitStack() as shadows:

        def load_sql(token: CancelToken, loading: Callable[[], None]) -> dict[str, tuple[DatabaseSide, str]]:
            from pgsd.workflow.sqlside import load_sql_sides

            def report(role: str, step: str, done: int, total: int) -> None:
                if step == "loading SQL":
                    loading()
                if progress is not None:
                    progress(role, step, done, total)

            loaded_sql = load_sql_sides(sql_sides, shadows, shadow=shadow, progress=report, cancel=token)
            for _db_side, _origin, sql_notes in loaded_sql.values():
                notes.extend(sql_notes)
            return {role: (db_side, origin) for role, (db_side, origin, _notes) in loaded_sql.items()}

        if ready or sql_sides:
            later = LaterSides(len(sql_sides), load_sql) if sql_sides else None
            snapshots.update(_read_databases(ready, scope, settings, progress, cancel, grace, later=later))
    if sql_sides:
        from pgsd.workflow.sqlside import version_notes

        notes.extend(version_notes(sql_sides, snapshots))
    if limit_containers:
        roles = list(snapshots)
        snapshots = dict(zip(roles, scope.scope(*(snapshots[r] for r in roles)), strict=True))
    _remember_versions(ready, snapshots, store)
    all_sides: dict[str, Side] = {role: ready.get(role, side) for role, side in sides.items()}
    return Loaded(snapshots={role: snapshots[role] for role in sides}, sides=all_sides, filters=scope, notes=notes)


def read_side(side: Side | str, role: str = "source", **kw: Any) -> Snapshot:
    """One side alone, through ``read_sides`` (tests and benchmarks; ``kw`` as for it)."""
    if isinstance(side, str):
        from pgsd.workflow.sides import parse_side

        side = parse_side(side)
    return read_sides({role: side}, **kw).snapshots[role]


def _read_database(
    side: DatabaseSide,
    role: str,
    *,
    filters: Filters,
    settings: PoolSettings | None,
    progress: SideProgress | None,
    cancel: CancelToken,
    shared_builds: SharedBuilds | None,
    origin: str | None = None,
    alone: bool = True,
) -> Snapshot:
    """One database read into a snapshot; ``origin`` names where it came from when that is not
    the database itself (a SQL side's shadow). A side read ``alone`` (no other side reading
    meanwhile) reads its catalog on two sessions (``Inspection``)."""
    if cancel.cancelled:
        raise errors.Cancelled(f"reading {side.describe()} was cancelled")
    with SidePool(side.spec, role, settings) as pool:
        ins = Inspection(pool, filters, shared_builds, sessions=2 if alone else 1)
        cancel._attach(ins)
        report = None
        if progress is not None:
            report = lambda step, done, total: progress(role, step, done, total)  # noqa: E731
        snapshot = ins.run(report)
        if origin is not None:
            snapshot = snapshot.model_copy(update={"origin": origin})
        snapshot.build_indexes()
        if role == "target":
            # what the planner asks of the target, built while the source may still be read
            snapshot.dependents  # noqa: B018 - a cached property, computed for its side effect
        return snapshot


@dataclass(frozen=True)
class LaterSides:
    """Database sides that exist only once ``make`` has run (SQL sides: their shadow databases,
    loaded in the caller's thread, each with the origin its snapshot names); ``count`` of them.
    ``make`` calls its second argument once it waits on its server (the load has begun)."""

    count: int
    make: Callable[[CancelToken, Callable[[], None]], dict[str, tuple[DatabaseSide, str]]]


def _read_databases(
    sides: dict[str, DatabaseSide],
    filters: Filters,
    settings: PoolSettings | None,
    progress: SideProgress | None,
    cancel: CancelToken | None,
    grace: float,
    *,
    later: LaterSides | None = None,
) -> dict[str, Snapshot]:
    """Read every live side at once, each in its own thread; the first error wins.

    ``later`` sides are made in this (the caller's) thread while the others are read,
    then read the same way: a SQL side's load (3-4 s at 2,000 tables, mostly the shadow
    server's own work) no longer waits for, nor delays, the reading of a live side. The
    others start once the load has begun, not before: splitting the files (while the
    scratch server starts) is Python work on the load's path, and a side read then would
    take the interpreter from it (the reads have the whole load to finish in). A side
    that fails meanwhile cancels the making, which stops at its next batch, and its
    error is the one raised.

    After Ctrl-C or an error only the sides already reading the catalog are waited for (their
    server query is cancelled and their pool closed, within ``grace`` seconds). A side
    still connecting, perhaps to an unresponsive host, cannot be interrupted by any
    cancel; it runs in a daemon thread and must not hold the exit for its whole
    connect_timeout.
    """
    token = cancel or CancelToken()
    reading: set[str] = set()
    # Objects both sides read identically are built once (see catalog.shared_builds). Only
    # for two or more sides: alone, a side would fill it with objects nobody takes.
    count = len(sides) + (later.count if later is not None else 0)
    shared_builds = SharedBuilds(sides=count) if count > 1 else None

    def report(role: str, step: str, done: int, total: int) -> None:
        reading.add(role)  # the first report comes once the side is connected
        if progress is not None:
            progress(role, step, done, total)

    finished: queue.Queue[tuple[str, Snapshot | None, BaseException | None]] = queue.Queue()

    def work(role: str, side: DatabaseSide, origin: str | None, alone: bool) -> None:
        try:
            snap = _read_database(side, role, filters=filters, settings=settings, progress=report,
                                  cancel=token, shared_builds=shared_builds, origin=origin, alone=alone)
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            finished.put((role, None, e))
            token.cancel()  # the other sides, and a ``later`` side still being made, stop
        else:
            finished.put((role, snap, None))

    threads: dict[str, threading.Thread] = {}

    def start(these: Mapping[str, tuple[DatabaseSide, str | None]], *, others_busy: bool) -> None:
        # a side read alone reads on two sessions: also a shadow when the live side finished during the load
        alone = len(these) == 1 and not others_busy and not any(t.is_alive() for t in threads.values())
        for role, (side, origin) in these.items():
            threads[role] = threading.Thread(target=work, args=(role, side, origin, alone), name=f"pgsd-{role}",
                                             daemon=True)
            threads[role].start()

    results: dict[str, Snapshot] = {}
    try:
        now = {role: (side, None) for role, side in sides.items()}

        def start_now() -> None:
            if now:
                start(now, others_busy=later is not None)  # a load runs meanwhile, or has run
                now.clear()

        if later is not None:
            try:
                made = later.make(token, start_now)
            except errors.Cancelled:
                _raise_failed_side(finished)  # a side's failure cancelled the making: that failure is the error
                raise
            start_now()
            start(made, others_busy=False)
        start_now()
        for _ in range(len(threads)):
            role, snap, error = _wait_for(finished)
            if error is not None:
                raise error
            assert snap is not None
            results[role] = snap
    except BaseException:
        token.cancel()  # Ctrl-C or the first error: stop the other side's server queries
        deadline = time.monotonic() + grace
        for role, t in threads.items():
            if role in reading:
                t.join(max(0.0, deadline - time.monotonic()))
        raise
    return results


def _raise_failed_side(finished: queue.Queue) -> None:
    """Raise the error of a side that has already failed, if one has."""
    while True:
        try:
            _role, _snap, error = finished.get_nowait()
        except queue.Empty:
            return
        if error is not None:
            raise error


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


def _remember_versions(sides: dict[str, DatabaseSide], snapshots: dict[str, Snapshot],
                       store: ProfileStore | None) -> None:
    """A side given as a profile name: remember its server version (best effort)."""
    for role, side in sides.items():
        server = snapshots[role].server
        if side.profile is None or server is None:
            continue
        remember_version(side, server.version, store)


def remember_version(side: Side, version: str, store: ProfileStore | None = None) -> None:
    if not isinstance(side, DatabaseSide) or side.profile is None:
        return
    try:
        from pgsd.profiles.store import ProfileStore

        (store or ProfileStore()).record_server_version(side.profile, version)
    except errors.PgsdError:
        pass  # a read-only config dir must not fail a comparison
