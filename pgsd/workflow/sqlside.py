"""Schema as code: a SQL side's files, loaded into a shadow database that is then read like any database.

* ``sql_files(side)``: the side's files as (label, text), in lexical order of their
  paths: a ``.sql`` file, every ``.sql`` file under a directory (recursively), or the
  same at a git revision of the current repository (``git ls-tree`` and ``git cat-file``:
  no checkout, the working tree is never touched).
* ``load_sql(files, spec)``: runs them on the shadow database. Consecutive files (up to
  ``BATCH_STATEMENTS`` statements, fewer where the lock table is small) are first run together: their statements (as
  ``sqlsplit`` splits them, meta-commands left out) in one transaction and one round
  trip. A batch that fails is rolled back whole and its files run
  one by one: each file whole (one implicit transaction: all or nothing; a file of more
  statements than a batch holds runs in parts of a batch each); a file (or part) that
  fails is run again statement by statement. A statement failing because something it
  needs is defined later (an undefined table, column, function, type or schema) is
  retried after the rest, for a bounded number of rounds. Roles the statements name
  (``sqlroles``) that the shadow server lacks are named before anything runs, or created
  first (NOLOGIN) with ``create_roles``; one found only by a failing statement is
  handled the same way then. Whatever still fails is one ``SqlLoadFailed`` listing every statement
  with file:line and PostgreSQL's error. psql meta-commands are never run: those without
  which psql would load something else (``\\i``, ``\\connect``, ``\\if``, ``\\g``, ...; see
  ``psqlmeta``) are errors, the others warnings.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from pgsd import errors
from pgsd.connect import ConnectionSpec
from pgsd.workflow.psqlmeta import commands, refusal
from pgsd.workflow.scratch_copy import batch_statements
from pgsd.workflow.sides import SQL_SUFFIX, DatabaseSide, ShadowChoice, SqlSide
from pgsd.workflow.sqlroles import roles_named
from pgsd.workflow.sqlsplit import Piece, split_sql

if TYPE_CHECKING:
    from pgsd.model.snapshot import Snapshot
    from pgsd.workflow.read import CancelToken
    from pgsd.workflow.scratch import ScratchPlace, ScratchServer

MAX_ROUNDS = 20
"""Retry rounds for statements that need something defined later (each round must make progress)."""

MAX_FILE_BYTES = 256 * 1024**2

BATCH_STATEMENTS = 10000
"""At most this many statements of consecutive files run in one transaction and one round trip
(fewer where the server's lock table holds fewer: ``scratch_copy.batch_statements``). A dump of
the generated 2,000-table schema (``pgsd dump``, 12,339 files) loaded file by file took 130 s
on the loaded development machine, one round trip and one commit per file. Sent as one simple
query rather than a pipeline of statements: 1.0-1.2 s of client CPU instead of 2.1-2.2 s for that
dump (load average 3, two runs each)."""

RETRY_SQLSTATES = frozenset({
    "42P01",  # undefined_table
    "42703",  # undefined_column
    "42883",  # undefined_function
    "42704",  # undefined_object (types, roles, ...)
    "3F000",  # invalid_schema_name
})

_ROLE_MISSING = re.compile(r'role "(.*)" does not exist')
"""PostgreSQL's message; the name inside is as written, its quotes not doubled (``role "a"b" does not exist``)."""

FAILURES_SHOWN = 50
"""Statements named one by one when a load fails; the rest are counted."""

LoadProgress = Callable[[int, int], None]
"""progress(statements done, total)."""


class SqlLoadFailed(errors.PgsdError):
    title = "SQL did not load"


@dataclass(frozen=True)
class SqlFile:
    label: str
    """How messages name the file: its path, or git:REV:PATH."""
    text: str


@dataclass
class LoadResult:
    statements: int = 0
    retried: int = 0
    roles_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- files


def sql_files(side: SqlSide, *, cwd: str | None = None) -> list[SqlFile]:
    """The side's SQL files, in lexical order of their paths (one line on any problem)."""
    if side.kind == "empty":
        return []
    if side.kind == "git":
        return _git_files(side, cwd=cwd)
    path = Path(side.path)
    if side.kind == "file":
        if not path.is_file():
            raise SqlLoadFailed(f"SQL file {side.path} does not exist" if not path.exists()
                                else f"SQL file {side.path} is not a regular file")
        return [SqlFile(side.path, _read_text(path, side.path))]
    if not path.is_dir():
        raise SqlLoadFailed(f"SQL directory {side.path} does not exist")
    top = str(path)
    found = sorted(_sql_files_under(top))
    if not found:
        raise SqlLoadFailed(f"SQL directory {side.path} holds no {SQL_SUFFIX} files")
    # labelled as Path would join them: under ".", "x.sql" rather than "./x.sql"
    labels = [rel if top == "." else full for rel, full in found]
    return [SqlFile(label, _read_text(Path(label), label)) for label in labels]


def _sql_files_under(top: str, relative: str = "") -> Iterator[tuple[str, str]]:
    """(path relative to the top, with ``/``; the path) of every ``.sql`` file under ``top``.

    What ``Path.rglob("*")`` filtered by suffix and ``is_file()`` finds (symbolic links to
    files count, links to directories are not entered, any case of the suffix), through
    ``os.scandir``'s entries instead of a Path, a suffix and a stat per file: the 12,339
    files of a 2,000-table ``pgsd dump`` are listed and read in 0.20 s instead of 0.57 s.
    A directory that cannot be read is an error, where rglob skipped it silently.
    """
    try:
        with os.scandir(top) as listing:
            entries = list(listing)
    except OSError as e:
        raise SqlLoadFailed(f"cannot read directory {top}: {e.strerror}") from None
    for entry in entries:
        name = entry.name
        rel = f"{relative}/{name}" if relative else name
        if entry.is_dir(follow_symlinks=False):
            yield from _sql_files_under(entry.path, rel)
        elif _suffix(name).lower() == SQL_SUFFIX and entry.is_file():
            yield rel, entry.path


def _suffix(name: str) -> str:
    """A file name's suffix as ``PurePath.suffix`` reads it (``.sql`` alone has none)."""
    at = name.rfind(".")
    return name[at:] if 0 < at < len(name) - 1 else ""


def _read_text(path: Path, label: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SqlLoadFailed(f"cannot read {label}: {e.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SqlLoadFailed(f"{label} is larger than {MAX_FILE_BYTES // 1024**2} MB")
    return _decode(data, label)


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SqlLoadFailed(f"{label} is not UTF-8 (byte {e.start})") from None


def _git(args: list[str], cwd: str | None, what: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=300, check=False)
    except FileNotFoundError:
        raise SqlLoadFailed(f"{what}: git is not installed") from None
    except (OSError, subprocess.SubprocessError) as e:
        raise SqlLoadFailed(f"{what}: {e}") from None
    if done.returncode != 0:
        reason = (done.stderr.decode(errors="replace").strip().splitlines() or ["git failed"])[-1]
        raise SqlLoadFailed(f"{what}: {reason.removeprefix('fatal: ')}")
    return done.stdout


def _git_files(side: SqlSide, *, cwd: str | None) -> list[SqlFile]:
    what = f"cannot read {side.name}"
    if side.rev.startswith("-"):
        raise SqlLoadFailed(f"{what}: not a git revision: {side.rev!r}")
    _git(["rev-parse", "--git-dir"], cwd, what)
    try:
        _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{side.rev}^{{commit}}"], cwd, what)
    except SqlLoadFailed:
        raise SqlLoadFailed(f"{what}: {side.rev!r} is not a revision of the git repository here") from None
    path = side.path or "."
    listing = _git(["ls-tree", "-r", "-z", "--full-name", "--end-of-options", side.rev, "--", path], cwd, what)
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name_bytes = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode != "120000":
            entries.append((os.fsdecode(name_bytes), sha))
    if not _is_blob(side, cwd):
        entries = [(n, s) for n, s in entries if n.lower().endswith(SQL_SUFFIX)]
    if not entries:
        raise SqlLoadFailed(f"{what}: no {SQL_SUFFIX} files at {path} in revision {side.rev}")
    entries.sort()
    blobs = _git(["cat-file", "--batch"], cwd, what, stdin="".join(f"{s}\n" for _, s in entries).encode())
    files: list[SqlFile] = []
    pos = 0
    for name, _sha in entries:
        header_end = blobs.index(b"\n", pos)
        size = int(blobs[pos:header_end].split()[2])
        data = blobs[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1
        label = f"git:{side.rev}:{name}"
        if size > MAX_FILE_BYTES:
            raise SqlLoadFailed(f"{label} is larger than {MAX_FILE_BYTES // 1024**2} MB")
        files.append(SqlFile(label, _decode(data, label)))
    return files


def _is_blob(side: SqlSide, cwd: str | None) -> bool:
    """Whether the side's path names a file (not a directory) at its revision."""
    if not side.path or side.path.endswith("/"):
        return False
    try:
        kind = _git(["cat-file", "-t", f"{side.rev}:./{side.path}"], cwd, "git cat-file")
    except SqlLoadFailed:
        return False
    return kind.strip() == b"blob"


# --------------------------------------------------------------------------- loading


@dataclass
class _Pending:
    label: str
    piece: Piece
    search_path: str
    error: str = ""
    sqlstate: str = ""

    @property
    def where(self) -> str:
        return f"{self.label}:{self.piece.line}"


@dataclass
class PreparedSql:
    """A SQL side's files split into statements, read before anything runs (``prepare_sql``)."""

    split: list[tuple[SqlFile, list[Piece]]]
    total: int
    """Statements in all."""
    warnings: list[str]
    """psql meta-commands left out (file:line), those that do not change what is loaded."""
    roles: set[str]
    """Roles the statements refer to and do not create (``sqlroles``)."""


def prepare_sql(files: list[SqlFile]) -> PreparedSql:
    """Split ``files`` into statements and name the roles they need; ``SqlLoadFailed`` when a file
    holds a meta-command without which psql would load something else (``\\i``, ``\\if``, ...:
    see ``psqlmeta``): nothing runs then."""
    split: list[tuple[SqlFile, list[Piece]]] = []
    refused: list[str] = []
    warnings: list[str] = []
    for f in files:
        statements, meta = split_sql(f.text)
        if meta:
            last_line = max((s.line + s.text.count("\n") for s in statements), default=0)
            for m in meta:
                why = refusal(m.text, statements_after=last_line > m.line)
                if why is not None:
                    refused.append(f"{f.label}:{m.line}: {why}")
                else:
                    first = commands(m.text)[0]  # the line quotes the file: shown without its control characters
                    warnings.append(errors.one_line(f"{f.label}:{m.line}: psql meta-command {first} is not run"))
        split.append((f, statements))
    if refused:
        raise SqlLoadFailed(
            "plain SQL only: psql meta-commands change what is loaded and pgsd does not run them:\n  "
            + "\n  ".join(refused)
        )
    referred, _created = roles_named(piece.text for _, statements in split for piece in statements)
    return PreparedSql(split, sum(len(s) for _, s in split), warnings, referred)


def load_sql(
    files: list[SqlFile] | PreparedSql,
    spec: ConnectionSpec,
    *,
    create_roles: bool = False,
    where: str = "the shadow database",
    progress: LoadProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LoadResult:
    """Run ``files`` (or what ``prepare_sql`` made of them) on the (empty) database ``spec`` names;
    see the module's docstring."""
    prepared = files if isinstance(files, PreparedSql) else prepare_sql(files)
    loader = _Loader(create_roles, progress, cancelled)
    loader.total = prepared.total
    loader.result.warnings.extend(prepared.warnings)
    try:
        conn = psycopg.connect(spec.conninfo(), autocommit=True, prepare_threshold=None)
    except psycopg.Error as e:
        raise SqlLoadFailed(f"cannot connect to {where}: {_first_line(e)}") from None
    with conn:
        _session_defaults(conn)
        loader.prepare_roles(conn, prepared.roles, where)
        if progress is not None:
            progress(0, loader.total)  # the load begins (a batch reports only once it has run)
        for batch in _batches(prepared.split, min(BATCH_STATEMENTS, batch_statements(conn))):
            if len(batch) > 1 and loader.load_batch(conn, batch):
                continue
            for f, statements in batch:
                loader.load_file(conn, f, statements)
        loader.retry(conn)
    if progress is not None:
        progress(loader.total, loader.total)
    loader.raise_failures(where)
    return loader.result


class _Loader:
    def __init__(self, create_roles: bool, progress: LoadProgress | None,
                 cancelled: Callable[[], bool] | None) -> None:
        self.create_roles = create_roles
        self.progress = progress
        self.cancelled = cancelled
        self.result = LoadResult()
        self.deferred: list[_Pending] = []
        self.failed: list[_Pending] = []
        self.missing_roles: set[str] = set()
        self.total = 0
        self.done = 0

    def prepare_roles(self, conn: psycopg.Connection, referred: set[str], where: str) -> None:
        """Roles the statements name (``sqlroles``) that the server lacks: named at once, before
        anything runs, or created (``create_roles``) so that the batches load whole."""
        if not referred:
            return
        rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (sorted(referred),)).fetchall()
        missing = referred - {str(row[0]) for row in rows}
        self.missing_roles |= missing
        if missing and not self.create_roles:
            self.raise_failures(where)
        for role in sorted(missing):
            error = _create_role(conn, role, self.result)
            if error is not None:
                raise SqlLoadFailed(f"{error} on {where}")

    def _check_cancel(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise errors.Cancelled("loading SQL was cancelled")

    def _advance(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        if self.progress is not None and (before // 50 != self.done // 50):
            self.progress(self.done, self.total)

    def load_batch(self, conn: psycopg.Connection, batch: list[tuple[SqlFile, list[Piece]]]) -> bool:
        """Every statement of ``batch`` in one transaction and one round trip; False (nothing of it
        stays) when one failed."""
        self._check_cancel()
        pieces = [piece for _, statements in batch for piece in statements]
        try:
            with conn.transaction():
                conn.execute(_joined(pieces))  # one simple query
        except psycopg.Error:
            return False
        self.result.statements += len(pieces)
        self._advance(len(pieces))
        return True

    def load_file(self, conn: psycopg.Connection, f: SqlFile, statements: list[Piece]) -> None:
        self._check_cancel()
        if statements and not any(p.is_transaction_control for p in statements):
            try:
                conn.execute(f.text)  # the whole file: no parameters, so one simple query
            except psycopg.Error:
                pass  # again statement by statement, to know which and to retry
            else:
                self.result.statements += len(statements)
                self._advance(len(statements))
                return
        for piece in statements:
            if not piece.is_transaction_control:
                self._attempt(conn, _Pending(f.label, piece, _search_path(conn)), self.deferred)
            self._advance(1)

    def _attempt(self, conn: psycopg.Connection, p: _Pending, later: list[_Pending]) -> bool:
        if _run(conn, p):
            self.result.statements += 1
            return True
        if _retry(p, self.create_roles, self.missing_roles, conn, self.result):
            later.append(p)
        else:
            self.failed.append(p)
        return False

    def retry(self, conn: psycopg.Connection) -> None:
        for _round in range(MAX_ROUNDS):
            if not self.deferred:
                return
            still: list[_Pending] = []
            roles_before = len(self.result.roles_created)
            for p in self.deferred:
                self._check_cancel()
                conn.execute("SELECT set_config('search_path', %s, false)", (p.search_path,))
                if self._attempt(conn, p, still):
                    self.result.retried += 1
            progressed = len(still) < len(self.deferred) or len(self.result.roles_created) > roles_before
            self.deferred = still
            if not progressed:
                break
        self.failed.extend(self.deferred)
        self.deferred = []

    def raise_failures(self, where: str) -> None:
        if self.missing_roles and not self.create_roles:
            names = ", ".join(sorted(self.missing_roles))
            raise SqlLoadFailed(
                f"the SQL refers to roles that do not exist on {where}: {names}; "
                f"create them there, or pass --create-roles to create them (NOLOGIN) on the shadow server"
            )
        if self.failed:
            self.failed.sort(key=lambda p: (p.label, p.piece.line))
            lines = [f"{p.where}: {p.error}" for p in self.failed[:FAILURES_SHOWN]]
            n = len(self.failed)
            if n > FAILURES_SHOWN:
                lines.append(f"and {n - FAILURES_SHOWN} more")
            raise SqlLoadFailed(
                f"{n} statement{'s' if n != 1 else ''} did not load into {where}:\n  " + "\n  ".join(lines)
            )


def _batches(split: list[tuple[SqlFile, list[Piece]]], size: int) -> list[list[tuple[SqlFile, list[Piece]]]]:
    """Consecutive files in batches of about ``size`` statements; a file with a
    transaction control statement (or none at all) is a batch of its own.

    A file of more than ``size`` statements (``pgsd dump --layout single`` of 2,000
    tables: 23,507) is cut into parts of ``size``, each a batch of its own that runs as
    the file would (its text being the part's statements): run whole, it held a lock on
    every relation it created and filled the lock table of a server with default
    settings ("out of shared memory"), after which every statement ran on its own
    (``pgsd diff schema.sql DB`` on such a server: 25.9 s, in parts 8.5-8.7 s). A part
    that fails runs statement by statement, as a whole file that fails does.
    """
    out: list[list[tuple[SqlFile, list[Piece]]]] = []
    current: list[tuple[SqlFile, list[Piece]]] = []
    count = 0
    for f, statements in split:
        alone = not statements or any(p.is_transaction_control for p in statements)
        if current and (alone or count + len(statements) > size):
            out.append(current)
            current, count = [], 0
        if alone:
            out.append([(f, statements)])
            continue
        if len(statements) > size:
            for start in range(0, len(statements), size):
                part = statements[start:start + size]
                out.append([(SqlFile(f.label, _joined(part)), part)])
            continue
        current.append((f, statements))
        count += len(statements)
    if current:
        out.append(current)
    return out


def _joined(pieces: list[Piece]) -> str:
    """Statements as one simple query."""
    return "\n;\n".join(piece.text for piece in pieces)


def _session_defaults(conn: psycopg.Connection) -> None:
    """English messages (to recognise a missing role), no notices, function bodies checked on use."""
    for setting, value in (("lc_messages", "C"), ("client_min_messages", "warning"),
                           ("check_function_bodies", "off")):
        try:
            conn.execute("SELECT set_config(%s, %s, false)", (setting, value))
        except psycopg.Error:
            pass  # lc_messages needs a superuser; the rest never fails


def _search_path(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT current_setting('search_path')").fetchone()
    return str(row[0]) if row else ""


def _run(conn: psycopg.Connection, p: _Pending) -> bool:
    try:
        conn.execute(p.piece.text)
    except psycopg.Error as e:
        p.error = _first_line(e)
        p.sqlstate = e.sqlstate or ""
        return False
    return True


def _retry(p: _Pending, create_roles: bool, missing_roles: set[str], conn: psycopg.Connection,
           result: LoadResult) -> bool:
    """Whether ``p`` is worth running again later (creating the role it needs, when allowed)."""
    if p.sqlstate not in RETRY_SQLSTATES:
        return False
    m = _ROLE_MISSING.search(p.error) if p.sqlstate == "42704" else None
    if m is None:
        return True
    role = m.group(1)
    missing_roles.add(role)
    if not create_roles:
        return False
    error = _create_role(conn, role, result)
    if error is not None:
        p.error = error
        return False
    return True


def _create_role(conn: psycopg.Connection, role: str, result: LoadResult) -> str | None:
    """Create ``role`` (NOLOGIN) once; the error, as one line, when the server refuses."""
    if role in result.roles_created:
        return None
    try:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    except psycopg.errors.DuplicateObject:
        pass  # made meanwhile by a concurrent load on the same server
    except psycopg.Error as e:
        return f"cannot create role {role}: {_first_line(e)}"
    result.roles_created.append(role)
    return None


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


# --------------------------------------------------------------------------- sides


def load_sql_sides(
    sides: Mapping[str, SqlSide],
    stack: contextlib.ExitStack,
    *,
    shadow: ShadowChoice | None = None,
    progress: Callable[[str, str, int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, tuple[DatabaseSide, str, list[str]]]:
    """Load every SQL side into its own shadow database on one scratch server.

    The databases (and the server, when pgsd started it) live as long as ``stack``.
    Returns role -> (the shadow database as a side, the snapshot's origin, notes).
    """
    from pgsd.workflow.scratch import choose_place
    from pgsd.workflow.scratch_copy import analyze_catalogs

    choice = shadow or ShadowChoice()
    files = {role: sql_files(side) for role, side in sides.items()}  # every file read before any server starts
    place = choose_place(dsn=choice.dsn, major=None)
    if progress is not None and place.kind == "embedded":
        for role in sides:  # no silent wait: the first start of the embedded server runs initdb
            progress(role, _embedded_start(), 0, 1)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pgsd-sql-split") as splitting:
        prepared_soon = splitting.submit(lambda: {role: prepare_sql(f) for role, f in files.items()})
        server = _start_while_splitting(stack, place, prepared_soon)
        prepared = prepared_soon.result()
    parsed_by = {"embedded": "the embedded server", "binaries": "local PostgreSQL binaries"}.get(
        place.kind, f"shadow {server.where}")
    out: dict[str, tuple[DatabaseSide, str, list[str]]] = {}
    for role, side in sides.items():
        db = stack.enter_context(server.database("shadow"))
        report: LoadProgress | None = None
        if progress is not None:
            report = lambda done, total, role=role: progress(role, "loading SQL", done, total)  # noqa: E731
        result = load_sql(prepared[role], db.spec, create_roles=choice.create_roles, where=server.where,
                          progress=report, cancelled=(lambda: cancel.cancelled) if cancel is not None else None)
        analyze_catalogs(db.spec)  # read next, like verify's copy (speed: see workflow.scratch_copy)
        notes = [f"{role}: {w}" for w in result.warnings]
        if result.roles_created:
            notes.append(f"{role}: created role{'s' if len(result.roles_created) > 1 else ''} "
                         f"{', '.join(result.roles_created)} (NOLOGIN) on {server.where}")
        out[role] = (DatabaseSide(spec=db.spec), f"{side.describe()}, parsed by {parsed_by}", notes)
    return out


def _start_while_splitting(stack: contextlib.ExitStack, place: ScratchPlace,
                           prepared_soon: Future[dict[str, PreparedSql]]) -> ScratchServer:
    """The scratch server, started while another thread splits the files.

    Starting a throwaway cluster (a copy of a kept initdb, then the postmaster: about 0.3 s,
    or 1.1 s with initdb the first time) and splitting a 2,000-table dump (12,339 files,
    23,507 statements: 0.5 s of Python on a quiet machine before ``sqlsplit``'s quiet-run
    skip, a third of that since) do not take turns; measured in ``bench/README.md`` ("SQL
    sides"). When the server cannot start, a problem in the files is still the error
    shown, as when the files were split first: it is the one the user must fix anyway.
    """
    from pgsd.workflow.scratch import scratch_server

    try:
        return stack.enter_context(scratch_server(place))
    except errors.PgsdError:
        prepared_soon.result()  # raises SqlLoadFailed for a file pgsd will not run
        raise


def _embedded_start() -> str:
    """What the wait before loading SQL on the embedded server is, in one line."""
    return "starting a throwaway cluster of the embedded PostgreSQL (the first one runs initdb: about a second)"


def version_notes(sql_sides: Mapping[str, SqlSide], snapshots: Mapping[str, Snapshot]) -> list[str]:
    """A note for each SQL side parsed by another major version than a database it is compared with."""
    notes: list[str] = []
    for role in sql_sides:
        mine = snapshots[role].server
        if mine is None:
            continue
        for other, snap in snapshots.items():
            if other in sql_sides or snap.server is None or snap.server.major == mine.major:
                continue
            notes.append(
                f"warning: the {role} SQL was parsed by PostgreSQL {mine.major}, the {other} is PostgreSQL "
                f"{snap.server.major}: give --shadow DSN of a PostgreSQL {snap.server.major} server for an exact match"
            )
    return notes
