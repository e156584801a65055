"""The connections screen: profiles, picking two sides, the profile form and the Test button."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from pgsd import errors
from pgsd.tui.app import PgsdApp
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.connections import ConnectionsScreen
from pgsd.tui.screens.profile_form import ProfileModal
from tests.tui.conftest import notifications, settle
from tests.tui.fakes import fake_backend

SIZE = (100, 30)


async def test_lists_saved_profiles_with_their_versions(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        table = app.screen.query_one("#profiles", DataTable)
        assert table.row_count == 3
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(3)]
        assert rows[0][0].startswith("local") and rows[0][1] == "?"
        assert rows[1][0] == "prod Production" and rows[1][1] == "17.5"
        assert "staging.internal:5432/shop" in rows[2][2]


async def test_pick_source_and_target_then_compare(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "s")  # staging
        await pilot.press("up", "t")  # prod
        screen = app.screen
        assert screen.query_one("#source-input", Input).value == "staging"
        assert screen.query_one("#target-input", Input).value == "prod"
        await pilot.press("c")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert (compare.source_name, compare.target_name) == ("staging", "prod")
        assert compare.changes is not None
        await pilot.press("o")  # back to the connections
        assert app.screen is screen


async def test_compare_needs_both_sides(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, ConnectionsScreen)
        assert notifications(app)[-1][0] == "Compare"


async def test_test_button_shows_the_server(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")  # local
        await settle(pilot)
        result = str(app.screen.query_one("#test-result").render())
        assert "PostgreSQL 18.1" in result and "role app" in result
        assert store.get("local").server_version == "18.1"


async def test_unreachable_server_in_the_test_button(store) -> None:  # noqa: ANN001
    backend = fake_backend(test_error=errors.ConnectionFailed(
        "cannot reach postgresql://app@db1.internal:5432/shop: connection refused (is the server running?)"))
    app = PgsdApp(backend=backend, profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#test-profile")
        await settle(pilot)
        [(title, message, severity)] = notifications(app)
        assert (title, severity) == ("Connection failed", "error") and "connection refused" in message
        assert "✗" in str(app.screen.query_one("#test-result").render())
        # still usable
        await pilot.press("n")
        assert isinstance(app.screen, ProfileModal)
        await pilot.press("escape")
        assert isinstance(app.screen, ConnectionsScreen)


async def test_profile_form_shows_errors_next_to_fields_and_saves(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ProfileModal)
        form.query_one("#field-name", Input).value = "not a name!"
        form.query_one("#field-port", Input).value = "99999"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ProfileModal)
        assert "profile name" in str(form.query_one("#error-name").render())
        assert "65535" in str(form.query_one("#error-port").render())
        form.query_one("#field-name", Input).value = "ci"
        form.query_one("#field-port", Input).value = "6543"
        form.query_one("#field-host", Input).value = "ci.internal"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        assert store.get("ci").port == 6543
        table = app.screen.query_one("#profiles", DataTable)
        assert table.row_count == 4


async def test_password_without_keyring_is_refused_not_written(store) -> None:  # noqa: ANN001
    # The tests run with keyring's "fail" backend: no keyring at all.
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        form.query_one("#field-name", Input).value = "secret"
        form.query_one("#field-password_source", Select).value = "keyring"
        await pilot.pause()
        form.query_one("#field-password", Input).value = "hunter2"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ProfileModal)
        assert "keyring" in str(form.query_one("#error-password").render())
        assert "secret" not in store.load()
        assert "hunter2" not in store.path.read_text()


async def test_delete_profile_after_confirmation(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert "local" not in store.load()
        assert app.screen.query_one("#profiles", DataTable).row_count == 2


async def test_the_side_fields_name_every_kind_of_side(store) -> None:  # noqa: ANN001
    """Source and Target take what `pgsd diff` takes: SQL files, directories and git revisions too."""
    app = PgsdApp(backend=fake_backend(), profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for field in ("#source-input", "#target-input"):
            placeholder = str(app.screen.query_one(field, Input).placeholder)
            assert all(kind in placeholder for kind in ("profile", "URI", ".json", ".sql", "dir/", "git:"))
        hint = str(app.screen.query_one("#sides-hint").render())
        assert all(kind in hint for kind in ("snapshot .json", ".sql file", "directory of .sql", "git:REV:PATH"))
