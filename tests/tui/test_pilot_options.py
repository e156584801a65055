"""Plan options on the Compare screen (issue 23, item 4): always in sight, changeable with a key
and from the palette, and the same ``ComparisonRequest`` `pgsd diff` builds from its flags."""

from __future__ import annotations

import dataclasses

from textual.widgets import Checkbox, Input

from pgsd.cli.main import build_parser
from pgsd.cli.sources import request_from_args
from pgsd.tui.app import PgsdApp
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.export import ExportModal
from pgsd.tui.screens.options import COMPARE_BOXES, SCRIPT_BOXES, OptionsModal
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.tui.widgets.sql_view import SqlView
from pgsd.workflow import ComparisonRequest
from tests.tui.conftest import settle
from tests.tui.fakes import SRC, TGT, fake_backend

SIZE = (120, 36)


async def open_compare(pilot) -> CompareScreen:  # noqa: ANN001
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def options_line(screen: CompareScreen) -> str:
    return str(screen.query_one("#plan-options").render())


def ddl(screen: CompareScreen) -> str:
    return screen.query_one("#ddl-sql", SqlView).text


async def test_safe_from_the_export_dialog_is_shown_and_can_be_switched_off(tmp_path) -> None:  # noqa: ANN001
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        screen.query_one(ObjectTree).action_edge(0)  # the group: the plan pane shows the whole selection
        await settle(pilot)
        assert options_line(screen) == "Options (O): in a transaction"
        assert "DROP TABLE shop.legacy_carts" in ddl(screen)
        # Export with "Safe" ticked: the screen keeps it, and says so.
        await pilot.press("e")
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "m.sql")
        await pilot.click("#export-safe")
        await pilot.click("#export-write")
        await settle(pilot)
        assert "safe: data loss left out" in options_line(screen)
        assert "DROP TABLE shop.legacy_carts" not in ddl(screen).replace("--   DROP", "")
        # O opens the options with Safe ticked; unticking it plans again without it.
        await pilot.press("O")
        assert isinstance(app.screen, OptionsModal)
        assert app.screen.query_one("#options-safe", Checkbox).value
        await pilot.click("#options-safe")
        await pilot.click("#options-use")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert options_line(screen) == "Options (O): in a transaction"
        assert not screen.request.safe and screen.plan is not None and not screen.plan.withheld
        assert "DROP TABLE shop.legacy_carts" in ddl(screen)


async def test_script_options_replan_and_are_what_pgsd_diff_builds() -> None:
    backend = fake_backend()
    planned = []
    real_plan = backend.plan

    def plan(changes, options, selected):  # noqa: ANN001, ANN202
        planned.append(options)
        return real_plan(changes, options, selected)

    backend.plan = plan  # type: ignore[method-assign]
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        comparisons = screen.comparison
        await pilot.press("O")
        await pilot.click("#options-transaction")
        await pilot.click("#options-not-valid")
        app.screen.query_one("#options-lock-timeout", Input).value = "5 s"
        await pilot.click("#options-use")
        await settle(pilot)
        assert screen.comparison == comparisons  # how the script is written: planned again, not compared
        line = options_line(screen)
        assert "no transaction" in line and "NOT VALID first" in line and "lock timeout 5s" in line
        cli = request_from_args(build_parser().parse_args(
            ["diff", "a", "b", "--no-transaction", "--not-valid", "--lock-timeout", "5s"]))
        assert screen.request.plan_options() == cli.plan_options()
        assert planned[-1] == cli.plan_options()
        assert screen.plan is not None and not screen.plan.transaction


async def test_what_is_compared_compares_again() -> None:
    backend = fake_backend()
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        comparisons = screen.comparison
        await pilot.press("O")
        await pilot.click("#options-owners")
        await pilot.click("#options-comments")
        await pilot.click("#options-use")
        await settle(pilot)
        assert screen.comparison == comparisons + 1
        assert "owners" in options_line(screen) and "no comments" in options_line(screen)
        cli = request_from_args(build_parser().parse_args(["diff", "a", "b", "--owners", "--no-comments"]))
        # The backend (which compares, verifies and applies) holds the same request as the screen.
        assert backend.request is screen.request
        assert screen.request.diff_options() == cli.diff_options()
        assert screen.request.plan_options() == cli.plan_options()


async def test_a_bad_lock_timeout_is_refused_in_the_dialog() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("O")
        app.screen.query_one("#options-lock-timeout", Input).value = "5s; DROP TABLE x"
        await pilot.click("#options-use")
        assert isinstance(app.screen, OptionsModal)
        assert "invalid duration" in str(app.screen.query_one("#options-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)
        assert screen.request == ComparisonRequest()


async def test_options_are_in_the_palette_and_the_options_line_opens_them() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        assert "Options (O)" in {c.title for c in app.get_system_commands(screen)}
        await pilot.click("#plan-options")
        assert isinstance(app.screen, OptionsModal)


def test_the_dialog_offers_every_option_of_the_request() -> None:
    """A new field of ComparisonRequest must be offered by the dialog, or said here why not."""
    not_in_dialog = {
        "filters": "what is read: changing it reads the sides again (pgsd tui --schema ...)",
        "using": "per column, from the command line (--using)",
        "shadow": "where SQL sides are loaded, fixed when they are read",
        "lock_timeout": "an input field, not a check box",
        "renames": "decided by pairing rows in the tree (m, R), not by a box",
        "decisions": "loaded and saved with L and D (a file dialog)",
        "rename_mode": "set when the app starts (pgsd tui --renames off|suggest|auto)",
    }
    offered = {name for name, _, _ in (*SCRIPT_BOXES, *COMPARE_BOXES)}
    fields = {f.name for f in dataclasses.fields(ComparisonRequest)}
    assert offered | set(not_in_dialog) == fields


async def test_comparison_options_changed_while_reading_apply_to_that_read() -> None:
    import threading

    from tests.tui.conftest import notifications

    gate = threading.Event()
    gate.set()
    backend = fake_backend(gate=gate)
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        gate.clear()
        try:
            await pilot.press("r")  # reading again, held
            await pilot.pause()
            assert screen.loading_catalogs
            await pilot.press("O")
            await pilot.click("#options-owners")
            await pilot.click("#options-use")
            await pilot.pause()
            assert screen.loading_catalogs  # the read goes on (not cancelled by a comparison of the old snapshots)
        finally:
            gate.set()
        await settle(pilot)
        assert len(backend.loads) == 2 and screen.request.owners
        assert not [n for n in notifications(app) if n[2] != "information"], notifications(app)
