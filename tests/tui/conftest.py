"""App test helpers: waiting for workers (never sleeping), and deterministic pictures."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerFailed

from pgsd.profiles.store import Profile, ProfileStore


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**args))
    return True


async def settle(pilot: Pilot) -> None:
    """Wait until no worker is running and every message has been handled.

    A handler may start a new worker when the previous one ends (planning the next
    object), so this loops until a pause leaves no worker running.
    """
    app = pilot.app
    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
        except WorkerFailed:
            pass  # the app reports it (that is what the tests check)
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
    raise AssertionError("workers kept running")


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cursors do not blink in tests, so pictures do not depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture(autouse=True)
def _private_pgpass(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The profile form may write a ~/.pgpass line: never the real one."""
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))


@pytest.fixture
def store(tmp_path) -> ProfileStore:  # noqa: ANN001
    """A profiles file with three profiles (no passwords anywhere)."""
    s = ProfileStore(tmp_path / "profiles.toml")
    s.add(Profile(name="staging", label="Staging", colour="green", host="staging.internal", port=5432,
                  dbname="shop", user="app", password_source="pgpass", server_version="18.1"))
    s.add(Profile(name="prod", label="Production", colour="red", host="db1.internal", port=5432,
                  dbname="shop", user="deploy", password_source="env", server_version="17.5"))
    s.add(Profile(name="local", host="localhost", dbname="shop_dev", password_source="pgpass"))
    return s


def notifications(app) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(title, message, severity) of every notification shown so far."""
    return [(n.title, n.message, n.severity) for n in app._notifications]
