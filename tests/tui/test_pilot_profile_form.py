"""The profile form follows `pgsd profiles add`'s rules and offers what works; typing never fires keys.

The tests run with keyring's "fail" backend: there is no keyring at all.
"""

from __future__ import annotations

import stat

import pytest
from textual.widgets import DataTable, Input, Select

from pgsd.tui.app import PgsdApp
from pgsd.tui.screens.connections import ConnectionsScreen
from pgsd.tui.screens.profile_form import ProfileModal
from tests.tui.conftest import notifications, settle
from tests.tui.fakes import fake_backend

SIZE = (100, 50)


@pytest.fixture
def pgpass(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    path = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(path))
    return path


async def new_form(pilot) -> ProfileModal:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, ProfileModal)
    return form


async def test_without_a_keyring_a_keyring_profile_is_refused(store, pgpass) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_form(pilot)
        source = form.query_one("#field-password_source", Select)
        assert source.value == "pgpass"  # what works here is offered first
        assert "none here" in dict((v, label) for label, v in form._source_options())["keyring"]
        form.query_one("#field-name", Input).value = "nokeyring"
        form.query_one("#field-host", Input).value = "db.internal"
        source.value = "keyring"
        await pilot.pause()
        assert "No keyring here" in str(form.query_one("#password-note").render())
        form.query_one("#field-password", Input).value = "hunter2"
        await pilot.press("ctrl+t")  # the test may connect, but says what Save will do
        await settle(pilot)
        assert "Save will refuse" in str(form.query_one("#error-password").render())
        form.query_one("#field-password", Input).value = ""
        await pilot.press("ctrl+s")  # no password typed: the CLI refuses this profile too
        await pilot.pause()
        assert app.screen is form
        assert "keyring" in str(form.query_one("#error-password").render())
        assert "nokeyring" not in store.load()


async def test_a_pgpass_password_is_written_as_its_line(store, pgpass) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_form(pilot)
        password = form.query_one("#field-password", Input)
        assert "~/.pgpass" in password.placeholder and not password.disabled
        for field, value in (("name", "ci"), ("host", "ci.internal"), ("port", "6543"), ("dbname", "shop"),
                             ("user", "deploy")):
            form.query_one(f"#field-{field}", Input).value = value
        password.value = "s3:cret"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        assert store.get("ci").password_source == "pgpass"
        assert "s3" not in store.path.read_text()
        assert pgpass.read_text() == "ci.internal:6543:shop:deploy:s3\\:cret\n"
        assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
        assert any(t == "~/.pgpass" for t, _, _ in notifications(app))


async def test_the_password_field_follows_the_source_and_is_in_sight(store, pgpass) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_form(pilot)
        password = form.query_one("#field-password", Input)
        source = form.query_one("#field-password_source", Select)
        placeholders = {}
        for value in ("keyring", "pgpass", "env", "prompt"):
            source.value = value
            await pilot.pause()
            placeholders[value] = (password.placeholder, password.disabled)
        assert "keyring" in placeholders["keyring"][0] and not placeholders["keyring"][1]
        assert "PGPASSWORD" in placeholders["env"][0] and placeholders["env"][1]
        assert "asked" in placeholders["prompt"][0] and placeholders["prompt"][1]
        # At 50 rows the password field and the buttons are on screen without scrolling.
        for selector in ("#field-password", "#profile-save"):
            widget = form.query_one(selector)
            region = widget.region
            assert region.height > 0 and region.bottom <= SIZE[1], selector
            assert form.get_widget_at(region.x + 1, region.y)[0] is widget, selector


async def test_tab_from_the_list_reaches_the_fields_and_typing_fires_nothing(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#profiles", DataTable).has_focus
        await pilot.press("tab")
        source = screen.query_one("#source-input", Input)
        assert source.has_focus
        await pilot.press(*"snapshots/nt.json")  # s, n and t are commands on the list
        assert source.value == "snapshots/nt.json"
        assert app.screen is screen and screen.query_one("#target-input", Input).value == ""
        footer = {k.description for k in screen.query("FooterKey")}
        assert not footer & {"Source", "Target", "New"}  # the footer hides what would not fire
        await pilot.press("tab")
        assert screen.query_one("#target-input", Input).has_focus
        await pilot.press("escape")
        screen.query_one("#profiles", DataTable).focus()
        await pilot.press("i")  # a key straight to the source field
        assert source.has_focus
        await settle(pilot)
