"""The connection layer against a real server: detection, errors, pool behaviour."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import psycopg
import pytest
from psycopg import sql

from pgsd import errors
from pgsd.connect import ConnectionSpec, PoolSettings, SidePool, detect_server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_detects_version_and_superuser(pg_server, new_db):
    spec = ConnectionSpec.parse(new_db())
    with SidePool(spec) as pool, pool.read_session() as session:
        info = detect_server(session)
    assert info.version_num == pg_server.version_num
    assert 13 <= info.major <= 18
    assert info.is_superuser
    assert "public" in info.usable_schemas
    assert info.can_apply()


@pytest.fixture
def limited_role(pg_server):
    """A login role without CREATE on the database and without USAGE on one schema."""
    name = f"pgsd_limited_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw' IN ROLE pgsd_pwauth").format(sql.Identifier(name)))
    yield name
    pg_server.execute(pg_server.admin_dsn, sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_reports_hidden_schema_and_missing_create(pg_server, limited_role, new_db):
    dsn = new_db()
    pg_server.execute(dsn, "CREATE SCHEMA secret; CREATE TABLE secret.t (id int); REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    pg_server.execute(dsn, sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC; GRANT CONNECT ON DATABASE {} TO {}").format(
        sql.Identifier(psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]),
        sql.Identifier(psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]),
        sql.Identifier(limited_role)))
    spec = ConnectionSpec.parse(dsn).with_changes(user=limited_role, password="pw")
    with SidePool(spec) as pool, pool.read_session() as session:
        info = detect_server(session)
    assert not info.is_superuser
    assert "secret" in info.hidden_schemas
    assert not info.can_create_in_database
    assert any("secret" in w for w in info.warnings)
    assert any("CREATE" in w for w in info.warnings)


def test_wrong_password_is_masked(pg_server, limited_role, new_db):
    spec = ConnectionSpec.parse(new_db()).with_changes(user=limited_role, password="not-the-pw-XYZ")
    with pytest.raises(errors.AuthenticationFailed) as e:
        SidePool(spec).open()
    assert "not-the-pw-XYZ" not in str(e.value)
    assert "***" in str(e.value)
    assert "\n" not in str(e.value)


def test_malformed_uri():
    with pytest.raises(errors.InvalidConnectionString) as e:
        ConnectionSpec.parse("postgresql://user:secret@host:5432/db?nonsense_option=1")
    assert "secret" not in str(e.value)


def test_unreachable_port():
    spec = ConnectionSpec(host="127.0.0.1", port=_free_port(), dbname="x", user="u", password="hunter2")
    with pytest.raises(errors.ConnectionFailed) as e:
        SidePool(spec).open()
    assert "hunter2" not in str(e.value)
    assert "cannot reach" in str(e.value)


def test_missing_database(pg_server):
    spec = ConnectionSpec.parse(pg_server.dsn("pgsd_no_such_db"))
    with pytest.raises(errors.DatabaseMissing) as e:
        SidePool(spec).open()
    assert "pgsd_no_such_db" in str(e.value)


def test_connect_timeout():
    """A server that accepts TCP but never answers: the connect timeout fires."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        spec = ConnectionSpec(host="127.0.0.1", port=port, dbname="x", user="u", connect_timeout=2)
        with pytest.raises(errors.ConnectTimeout):
            SidePool(spec).open()
    finally:
        stop.set()
        t.join()
        listener.close()
        for s in accepted:
            s.close()


def test_pool_recovers_after_backends_killed(pg_server, new_db):
    dsn = new_db()
    spec = ConnectionSpec.parse(dsn).with_changes(application_name="pgsd_kill_test")
    with SidePool(spec) as pool:
        with pool.connection() as conn:
            conn.execute("SELECT 1")
        pg_server.execute(
            pg_server.admin_dsn,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgsd_kill_test'",
        )
        with pool.connection() as conn:
            assert conn.execute("SELECT 42").fetchone() == (42,)
        assert pool.stats().open >= 1


def _count_pgsd(pg_server, app: str) -> int:
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (app,)
        ).fetchone()[0]


def test_no_leak_after_many_checkouts(pg_server, new_db):
    app = f"pgsd_leak_{uuid.uuid4().hex[:6]}"
    spec = ConnectionSpec.parse(new_db()).with_changes(application_name=app)
    pool = SidePool(spec, settings=PoolSettings(max_size=3)).open()
    errors_seen: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                with pool.read_session() as s:
                    s.fetch("SELECT count(*) FROM pg_class")
        except BaseException as e:  # noqa: BLE001
            errors_seen.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors_seen
    assert _count_pgsd(pg_server, app) <= 3
    pool.close()
    pool.close()  # idempotent
    assert _gone_within(pg_server, app, seconds=10), "connections left open after close()"


def _gone_within(pg_server, app: str, seconds: float) -> bool:
    """Backends exit asynchronously after the client says goodbye: poll the condition."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _count_pgsd(pg_server, app) == 0:
            return True
        with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_stat_clear_snapshot()")
    return _count_pgsd(pg_server, app) == 0


def test_read_session_cannot_write(new_db):
    dsn = new_db()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int)")
    with SidePool(ConnectionSpec.parse(dsn)) as pool, pool.read_session() as session, \
            pytest.raises(errors.PgsdError) as e:
        session.fetch("INSERT INTO public.t VALUES (1)", step="write attempt")
    assert "read-only" in str(e.value)


def test_stats_and_timings(new_db):
    with SidePool(ConnectionSpec.parse(new_db()), "target") as pool:
        with pool.read_session() as s:
            s.fetch("SELECT 1", step="probe")
        stats = pool.stats()
    assert stats.side == "target"
    assert "probe" in stats.query_seconds
    assert "target:" in stats.line()
