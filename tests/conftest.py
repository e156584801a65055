"""Shared fixtures: a real PostgreSQL server per test session, fresh databases per test."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.pg import PgServer, ensure_password_role, server_from_env, start_embedded

DB_FIXTURES = {"pg_server", "new_db", "db_pair"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    """A running PostgreSQL: PGSD_TEST_DSN if set, else an embedded PostgreSQL 18."""
    dsn = server_from_env()
    if dsn:
        ensure_password_role(dsn)
        yield PgServer(dsn)
        return
    # Not under pytest's basetemp: concurrent pytest runs rotate (delete) old basetemps.
    base = Path(tempfile.mkdtemp(prefix="pgsd-test-pg-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        admin, handle = start_embedded(base)
    ensure_password_role(admin)
    try:
        yield PgServer(admin)
    finally:
        handle.cleanup()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def new_db(pg_server: PgServer) -> Iterator[Callable[[], str]]:
    """A factory of fresh empty databases (DSNs), all dropped after the test."""
    made: list[str] = []

    def make() -> str:
        dsn = pg_server.create_database()
        made.append(dsn)
        return dsn

    yield make
    for dsn in made:
        pg_server.drop_database(dsn)


@pytest.fixture
def db_pair(new_db: Callable[[], str]) -> tuple[str, str]:
    """Two fresh databases: (source DSN, target DSN)."""
    return new_db(), new_db()


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real profiles or keyring from a test."""
    monkeypatch.setenv("PGSD_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


# One pass/skip/fail line per peer-corpus case at the end of the run (in the controller
# process under xdist, which only loads this root conftest).
_outcomes: dict[str, tuple[str, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "test_peer_case[" not in report.nodeid:
        return
    case = report.nodeid.split("[", 1)[1].rstrip("]")
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        reason = ""
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2])
        elif report.failed:
            reason = (report.longreprtext or "").strip().splitlines()[-1][:160] if report.longreprtext else ""
        _outcomes[case] = (report.outcome, reason)


def pytest_terminal_summary(terminalreporter) -> None:
    if not _outcomes:
        return
    terminalreporter.section("peer corpus (migra)")
    for case in sorted(_outcomes):
        outcome, reason = _outcomes[case]
        terminalreporter.write_line(f"{outcome:7} {case}{(': ' + reason) if reason else ''}")
