"""Shared fixtures: a real PostgreSQL server per test session, fresh databases per test."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path
from collections.abc import Callable, Iterator

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
