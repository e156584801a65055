"""Pictures of each screen on a fixed comparison (canned plans and definitions: stable text).

Update the baselines only after looking at them: `pytest tests/tui/test_snapshots.py
--snapshot-update`, then review the SVGs under __snapshots__/ before committing.
"""

from __future__ import annotations

from pgsd.tui.app import PgsdApp
from pgsd.tui.widgets.object_tree import ObjectTree
from tests.tui.conftest import settle
from tests.tui.fakes import SRC, TGT, fake_backend


def compare_app(theme: str | None = None) -> PgsdApp:
    app = PgsdApp(SRC, TGT, backend=fake_backend(canned=True))
    if theme:
        app.theme = theme
    return app


async def on_function(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    pilot.app.screen.query_one(ObjectTree).select_key("function:shop.order_total(bigint)")
    await settle(pilot)


def test_connections_screen(snap_compare, store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=fake_backend(canned=True), profile_store=store)
    assert snap_compare(app, terminal_size=(100, 28))


def test_compare_screen(snap_compare) -> None:  # noqa: ANN001
    assert snap_compare(compare_app(), terminal_size=(120, 34), run_before=on_function)


def test_compare_screen_side_by_side_light(snap_compare) -> None:  # noqa: ANN001
    assert snap_compare(compare_app("textual-light"), terminal_size=(160, 34), run_before=on_function)


def test_compare_screen_80x24(snap_compare) -> None:  # noqa: ANN001
    assert snap_compare(compare_app(), terminal_size=(80, 24), run_before=settle)


def test_export_dialog(snap_compare) -> None:  # noqa: ANN001
    async def open_export(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(compare_app(), terminal_size=(100, 30), run_before=open_export)


def test_help_screen(snap_compare) -> None:  # noqa: ANN001
    async def open_help(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(compare_app(), terminal_size=(120, 40), run_before=open_help)


def test_profile_form_50_rows(snap_compare, store) -> None:  # noqa: ANN001
    """The whole form in sight, the password field saying where a password goes (no keyring here)."""
    async def open_form(pilot) -> None:  # noqa: ANN001
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()

    app = PgsdApp(backend=fake_backend(canned=True), profile_store=store)
    assert snap_compare(app, terminal_size=(100, 50), run_before=open_form)


def test_failed_load(snap_compare) -> None:  # noqa: ANN001
    """The bars give their place to the failure and what to do; Export and Copy are not offered."""
    from pgsd import errors

    backend = fake_backend(canned=True, load_error=errors.ConnectionFailed(
        "cannot reach postgresql://app@db1:5432/shop: connection refused (is the server running?)"))
    app = PgsdApp(SRC, TGT, backend=backend)

    async def failed(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 24), run_before=failed)


def test_options_dialog(snap_compare) -> None:  # noqa: ANN001
    """The options of the comparison, with Safe ticked from the export dialog's choice."""
    async def open_options(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        screen = pilot.app.screen
        screen.request = screen.request.with_plan_choices(safe=True)
        screen._show_options()
        await pilot.press("O")
        await pilot.pause()

    assert snap_compare(compare_app(), terminal_size=(100, 30), run_before=open_options)
