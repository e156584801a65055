"""The compare screen driven by keys, on canned snapshots (no database)."""

from __future__ import annotations

import threading

from textual.app import App
from textual.widgets import Input

from pgsd import errors
from pgsd.model.objects import Column, Table
from pgsd.model.snapshot import Snapshot
from pgsd.tui.app import PgsdApp
from pgsd.tui.messages import ComparisonLoaded
from pgsd.tui.screens.apply import ApplyModal
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.export import ExportModal
from pgsd.tui.screens.help import SECTIONS, HelpScreen, binding_rows
from pgsd.tui.screens.options import OptionsModal
from pgsd.tui.widgets.ddl_pane import DdlPane
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.tui.widgets.sql_view import SqlView
from tests.tui.conftest import notifications, settle
from tests.tui.fakes import SRC, TGT, fake_backend

SIZE = (120, 36)


def sql_text(screen, selector: str) -> str:  # noqa: ANN001
    return screen.query_one(selector, SqlView).text


async def open_compare(pilot) -> CompareScreen:  # noqa: ANN001
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def test_open_comparison_lists_changes_grouped() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    messages: list = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await open_compare(pilot)
        loaded = next(m for m in messages if isinstance(m, ComparisonLoaded))
        assert not loaded.changes.is_empty
        tree = screen.query_one(ObjectTree)
        labels = [r.label for r in tree.rows]
        assert labels[:2] == ["shop", "tables"]
        assert "review_stats" in labels and "order_total(bigint)" in labels
        assert "customers" not in labels  # identical objects are hidden by default
        assert tree.has_focus
        assert screen.plan is not None and screen.plan.statements
        totals = str(screen.query_one("#totals").render())
        assert "10 of 10 changes selected" in totals
        header = str(screen.query_one("#header-target").render())
        assert "PG 17.5" in header and "versions differ" in header


async def test_state_toggles_show_identical_objects() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        await pilot.press("4")
        assert "customers" in [r.label for r in tree.rows]
        await pilot.press("1")
        assert all(r.entry is None or r.entry.status != "added" for r in tree.rows)


async def test_filter_by_name() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("slash")
        assert screen.query_one("#filter", Input).has_focus
        await pilot.press(*"review")
        tree = screen.query_one(ObjectTree)
        entries = tree.visible_entries()
        assert entries and all("review" in e.search for e in entries)
        await pilot.press("enter")
        assert tree.has_focus
        await pilot.press("escape")  # clears the filter
        assert screen.query_one("#filter", Input).value == ""
        assert len(tree.visible_entries()) == 10


async def test_select_object_shows_definitions_and_its_plan() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        assert tree.select_key("function:shop.order_total(bigint)")
        await settle(pilot)
        definition = sql_text(screen, "#definition-unified")
        assert "+  STABLE" in definition  # the line only the source has
        marks = screen.query_one("#definition-unified", SqlView).marks
        assert list(marks.values()) == ["added"]
        await pilot.press("u")  # side by side
        assert "STABLE" in sql_text(screen, "#definition-source")
        assert "STABLE" not in sql_text(screen, "#definition-target")
        ddl = sql_text(screen, "#ddl-sql")
        assert "order_total" in ddl and "STABLE" in ddl
        assert "order_total" in str(screen.query_one("#ddl-title").render())
        await pilot.press("p")  # the whole selection
        assert "CREATE TABLE shop.reviews" in sql_text(screen, "#ddl-sql")


async def test_the_dependency_closure_is_worked_out_off_the_event_loop(monkeypatch) -> None:  # noqa: ANN001
    """Space returns (and the screen answers keys) while the selection's closure is still being
    computed; the plan worker computes it and posts the pulled-in set back."""
    from pgsd.tui.screens import compare

    real = compare.required_changes
    gate = threading.Event()
    on_loop: list[bool] = []
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        loop_thread = threading.get_ident()

        def held(changes, selected):  # noqa: ANN001, ANN202
            on_loop.append(threading.get_ident() == loop_thread)
            if not on_loop[-1]:
                gate.wait(60)  # released below; the bound only keeps a failing test from hanging
            return real(changes, selected)

        monkeypatch.setattr(compare, "required_changes", held)
        tree = screen.query_one(ObjectTree)
        tree.select_key("table:shop.reviews")
        try:
            await pilot.press("space")
            await pilot.pause()
            # The key was handled while the closure is still unknown: the table is left out and
            # not yet marked as pulled in, and the cursor still moves.
            assert "table:shop.reviews" in screen.excluded
            assert "table:shop.reviews" not in tree.pulled
            assert screen.plan is None
            before = tree.current_row
            await pilot.press("down")
            assert tree.current_row != before
        finally:
            gate.set()
        await settle(pilot)
        assert on_loop == [False]
        # The view still selected needs the table: the worker's answer marks it as pulled in.
        assert "table:shop.reviews" in tree.pulled
        assert "+2 pulled in as dependencies" in str(screen.query_one("#totals").render())
        assert screen.plan is not None


async def test_toggle_change_pulls_in_dependencies() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        tree.select_key("table:shop.reviews")
        await pilot.press("space")
        await settle(pilot)
        # Space on a table leaves out the table and what is in it (its new columns) ...
        assert {"table:shop.reviews", "column:shop.reviews.id"} <= screen.excluded
        # ... but the new view still selected needs the table: it stays in the plan, marked as pulled in.
        assert "table:shop.reviews" not in screen.selected
        assert "table:shop.reviews" in tree.pulled
        line = tree.line_of("table:shop.reviews")
        assert tree._render_row(line, 60, False).text.strip().startswith("[d]")
        assert "pulled in as dependencies" in str(screen.query_one("#totals").render())
        await pilot.press("p")
        assert "CREATE TABLE shop.reviews" in sql_text(screen, "#ddl-sql")
        # Leave the view out too: nothing needs the table any more.
        tree.select_key("view:shop.review_stats")
        await pilot.press("space")
        await settle(pilot)
        assert "table:shop.reviews" not in tree.pulled
        ddl = sql_text(screen, "#ddl-sql")
        assert "shop.reviews" not in ddl and "review_stats" not in ddl
        # a: everything in, then everything out.
        await pilot.press("a")
        await settle(pilot)
        assert len(screen.selected) == 10
        await pilot.press("a")
        await settle(pilot)
        assert not screen.selected and screen.plan is not None and not screen.plan.statements
        # Space on a group header toggles everything in it.
        tree.action_edge(0)
        await pilot.press("space")
        await settle(pilot)
        assert len(screen.selected) == 10


async def test_export_writes_the_plan(tmp_path) -> None:  # noqa: ANN001
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    out = tmp_path / "migration.sql"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.click("#export-safe")
        await pilot.click("#export-write")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        text = out.read_text()
        assert "CREATE TABLE shop.reviews" in text and "CREATE VIEW shop.review_stats" in text
        assert "DROP TABLE shop.legacy_carts" not in text.replace("--   DROP", "")  # safe: withheld
        assert "withheld" in text
        [(_title, message, _)] = [n for n in notifications(app) if n[0] == "Plan exported"]
        assert str(out) in message
        assert screen.plan_options.safe
        # A second export to the same file needs "Replace".
        await pilot.press("e")
        await pilot.click("#export-write")
        assert isinstance(app.screen, ExportModal)
        assert "exists" in str(app.screen.query_one("#export-path-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)


async def test_export_failure_is_a_notification(tmp_path) -> None:  # noqa: ANN001
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        from pgsd.tui.screens.export import ExportRequest

        missing = tmp_path / "gone" / "m.sql"
        screen._export(screen.changes, ExportRequest(missing, screen.request), set(screen.selected),
                       screen.source_snap, screen.target_snap)
        await settle(pilot)
        assert any(t == "Export failed" and s == "error" for t, _, s in notifications(app))
        await pilot.press("down")  # still alive
        assert app.is_running


async def test_swap_source_and_target() -> None:
    backend = fake_backend()
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert (screen.source_name, screen.target_name) == ("tgt", "src")
        assert screen.index.by_key["table:shop.reviews"].status == "removed"
        assert screen.index.by_key["table:shop.legacy_carts"].status == "added"
        assert "PG 17.5" in str(screen.query_one("#header-source").render())
        await pilot.press("r")  # a refresh reads the swapped sides
        await settle(pilot)
        assert backend.loads[-1] == ("tgt", "src")
        assert screen.index.by_key["table:shop.reviews"].status == "removed"


async def test_refresh_after_the_target_changed() -> None:
    backend = fake_backend()
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        assert screen.index.by_key["table:shop.reviews"].status == "added"
        # Someone creates the table on the target meanwhile.
        old = backend.target
        backend.target = Snapshot(origin=old.origin, server=old.server, objects=tuple(sorted(
            [*old.objects, Table(schema_name="shop", name="reviews"),
             Column(schema_name="shop", table="reviews", name="id", type="bigint", not_null=True, position=1),
             Column(schema_name="shop", table="reviews", name="rating", type="integer", not_null=True, position=2)],
            key=lambda o: o.key)))
        await pilot.press("r")
        await settle(pilot)
        assert screen.index.by_key["table:shop.reviews"].status == "identical"
        assert "table:shop.reviews" not in screen.changes.by_key
        assert len(backend.loads) == 2


async def test_ui_stays_live_while_loading_and_escape_cancels() -> None:
    gate = threading.Event()
    backend = fake_backend(gate=gate)
    app = PgsdApp(SRC, TGT, backend=backend)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CompareScreen) and screen.loading_catalogs
            await pilot.press("question_mark")  # the UI answers while "the database" hangs
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert app.screen is screen and screen.loading_catalogs
            await pilot.press("escape")  # cancel
            await settle(pilot)
            assert not screen.loading_catalogs
            assert any(t == "Cancelled" for t, _, _ in notifications(app))
            assert "Cancelled" in str(screen.query_one("#progress-title").render())
            gate.set()
            await pilot.press("r")
            await settle(pilot)
            assert screen.changes is not None
    finally:
        gate.set()  # never leave the fake's thread waiting


async def test_load_error_is_one_notification_and_the_app_goes_on() -> None:
    backend = fake_backend(load_error=errors.AuthenticationFailed(
        "authentication failed for postgresql://app:***@db:5432/shop: check the user name and password"))
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        [(title, message, severity)] = notifications(app)
        assert (title, severity) == ("Authentication failed", "error")
        assert "Traceback" not in message and "\n" not in message
        backend.load_error = None
        await pilot.press("r")
        await settle(pilot)
        assert screen.changes is not None


async def test_copy_puts_the_plan_on_the_clipboard() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("y")
        assert app.clipboard == screen.plan.to_sql()


async def test_help_lists_every_binding() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {desc for _, rows in binding_rows(app) for _, desc, _ in rows}
        for section in (PgsdApp, CompareScreen, ObjectTree, ExportModal, OptionsModal, ApplyModal):
            for b in section.BINDINGS:
                assert b.id and b.tooltip, b
                assert b.description in listed
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)


def test_help_has_a_section_for_every_screen_with_keys() -> None:
    """A screen or widget with key bindings of its own is in the help (or is said here why not)."""
    import importlib
    import inspect
    import pkgutil

    import pgsd.tui.screens
    import pgsd.tui.widgets

    not_in_help = {"HelpScreen": "the help itself", "ConfirmModal": "two buttons that say what they do",
                   "PasswordModal": "one field; Esc cancels", "FilterInput": "listed with the Compare keys"}
    listed = {path.partition(":")[2] for _, path in SECTIONS}
    found = set()
    for package in (pgsd.tui.screens, pgsd.tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and cls.__dict__.get("BINDINGS"):
                    found.add(name)
    assert found - set(not_in_help) <= listed, found - set(not_in_help) - listed
    sections = dict(binding_rows(App()))
    assert ("enter", "Apply") in {(k, d) for k, d, _ in sections["Apply dialog"]}
    assert {"Cancel", "Use"} <= {d for _, d, _ in sections["Options dialog"]}


async def test_command_palette_offers_the_screen_actions() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Export (e)", "Refresh (r)", "Swap (s)", "Copy (y)", "Filter (/)", "Help (?)", "Include (space)"} <= titles


async def test_works_in_80_by_24() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        assert tree.size.width >= 28 and tree.size.height >= 10
        assert screen.query_one(DdlPane).size.height >= 5
        assert screen.query_one("#definition-unified").display  # narrow: unified diff


async def test_a_sides_warnings_are_counted_once() -> None:
    """A snapshot's warnings include its server's: the notification counts each warning once."""
    backend = fake_backend()
    said = ("role deploy lacks USAGE on schema(s) hidden", "role deploy lacks CREATE on database shop")
    server = backend.target.server.model_copy(update={"warnings": said})  # type: ignore[union-attr]
    backend.target = backend.target.model_copy(update={"server": server, "warnings": said})
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        [message] = [m for title, m, _ in notifications(app) if title == "Check coverage"]
        assert message == f"{said[0]} (+1 more: hover the header)"
