"""The two demo databases: the sample shop as deployed (v1, the target) and in development (v2, the source).

They are rebuilt from the packaged SQL on every run, because a user of ``--keep`` may
have applied a plan to v1 (or changed anything else) since the last one. Rebuilding
must not pull the databases out from under another ``pgsd demo`` that is showing them
right now, so every demo holds a shared advisory lock on the server for as long as it
uses them; a run rebuilds only when it can take that lock exclusively, and otherwise
reuses the databases as the other run left them (they are complete: a finished load
is marked with a comment on the database that carries a digest of the SQL). Setups
themselves are serialised by a second advisory lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from pgsd.errors import PgsdError

SOURCE_DB = "pgsd_demo_v2"
"""Release 2, in development: the state we want."""
TARGET_DB = "pgsd_demo_v1"
"""Release 1, deployed: the database the plan changes."""
SQL_FILES = {TARGET_DB: "shop_v1.sql", SOURCE_DB: "shop_v2.sql"}

_LOCK_SPACE = 0x70677364  # "pgsd"
_SETUP_LOCK = 1
_USE_LOCK = 2
_MARK = "pgsd demo sample "


class DemoSetupFailed(PgsdError):
    title = "Demo setup failed"


def sample_sql(filename: str) -> str:
    """The text of one packaged sample schema (pgsd/demo/sql/<filename>)."""
    return resources.files("pgsd.demo").joinpath("sql", filename).read_text(encoding="utf-8")


def sample_digest() -> str:
    h = hashlib.sha256()
    for name in sorted(SQL_FILES.values()):
        h.update(name.encode() + b"\0" + sample_sql(name).encode())
    return h.hexdigest()[:16]


def database_uri(admin_uri: str, dbname: str) -> str:
    """A copy-pasteable URI for `dbname` on the server `admin_uri` points at (no password)."""
    params = conninfo_to_dict(admin_uri)
    user = quote(str(params.get("user") or "postgres"), safe="")
    host = str(params.get("host") or "")
    port = params.get("port")
    if host.startswith("/") or not host:
        uri = f"postgresql://{user}@/{quote(dbname, safe='')}"
        query = [f"host={quote(host, safe='/')}"] if host else []
        if port:
            query.append(f"port={port}")
        return uri + ("?" + "&".join(query) if query else "")
    return f"postgresql://{user}@{host}{':' + str(port) if port else ''}/{quote(dbname, safe='')}"


@dataclass
class DemoDatabases:
    """The DSNs of both databases; holds them in use until closed (see the module doc)."""

    source: str
    target: str
    rebuilt: bool
    _holder: psycopg.Connection | None = field(default=None, repr=False)

    def close(self) -> None:
        conn, self._holder = self._holder, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                pass

    def __enter__(self) -> DemoDatabases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prepare_databases(admin_uri: str, *, lock_timeout_s: int = 120) -> DemoDatabases:
    """Create (or recreate) both databases from the sample SQL; return their DSNs.

    The returned object must be closed when the demo is done with the databases.
    """
    digest = sample_digest()
    try:
        conn = psycopg.connect(admin_uri, autocommit=True, application_name="pgsd demo")
    except psycopg.Error as e:
        raise DemoSetupFailed(f"cannot connect to the demo server: {_reason(e)}") from None
    try:
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{lock_timeout_s}s")))
        try:
            conn.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_SPACE, _SETUP_LOCK))
        except psycopg.errors.LockNotAvailable:
            raise DemoSetupFailed(
                f"another pgsd demo has been setting up the sample databases for {lock_timeout_s} s; try again"
            ) from None
        row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_SPACE, _USE_LOCK)).fetchone()
        alone = row is not None and row[0]
        rebuilt = alone or not _complete(conn, digest)
        if rebuilt:
            # Alone: nobody is looking at them. Not alone but incomplete or from another
            # pgsd version: the other run's databases are unusable anyway.
            for dbname, filename in SQL_FILES.items():
                _load(conn, admin_uri, dbname, filename, digest)
        if alone:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_SPACE, _USE_LOCK))
        conn.execute("SELECT pg_advisory_lock_shared(%s, %s)", (_LOCK_SPACE, _USE_LOCK))
        conn.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_SPACE, _SETUP_LOCK))
    except psycopg.Error as e:
        conn.close()
        raise DemoSetupFailed(f"setting up the demo databases failed: {_reason(e)}") from None
    except BaseException:
        conn.close()
        raise
    return DemoDatabases(
        source=database_uri(admin_uri, SOURCE_DB),
        target=database_uri(admin_uri, TARGET_DB),
        rebuilt=rebuilt,
        _holder=conn,
    )


def _complete(conn: psycopg.Connection, digest: str) -> bool:
    rows = conn.execute(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ANY(%s)",
        (list(SQL_FILES),),
    ).fetchall()
    return len(rows) == len(SQL_FILES) and all(comment == _MARK + digest for _, comment in rows)


def _load(conn: psycopg.Connection, admin_uri: str, dbname: str, filename: str, digest: str) -> None:
    """Drop, create and fill one database; the comment marking it complete comes last."""
    ident = sql.Identifier(dbname)
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
    conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(ident))
    text = sample_sql(filename)
    try:
        # One simple-protocol query: the whole file runs as one implicit transaction.
        with psycopg.connect(admin_uri, dbname=dbname, autocommit=True, application_name="pgsd demo") as db:
            db.execute(text)  # trusted, packaged SQL without parameters
    except psycopg.Error as e:
        raise DemoSetupFailed(f"loading {filename} into {dbname} failed: {_reason(e)}") from None
    conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(_MARK + digest)))


def _reason(e: psycopg.Error) -> str:
    diag = getattr(e, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        return " ".join(primary.split())
    lines = str(e).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(e).__name__
