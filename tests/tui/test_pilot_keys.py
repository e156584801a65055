"""The compare screen as a lazygit or k9s user expects it: aligned definitions, keys in sight,
moving about the tree, honest feedback, and 80x24 (canned snapshots, no database)."""

from __future__ import annotations

import threading

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from pgsd import errors
from pgsd.model.objects import Index, Table
from pgsd.model.snapshot import Snapshot
from pgsd.tui.app import PgsdApp
from pgsd.tui.definitions import side_by_side
from pgsd.tui.entries import shorten
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.export import ExportModal
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.tui.widgets.sql_view import SqlView
from pgsd.workflow import SnapshotSide
from tests.tui.conftest import notifications, settle
from tests.tui.fakes import SRC, TGT, FakeBackend, fake_backend, shop_pair

SIZE = (120, 36)
FUNCTION = "function:shop.order_total(bigint)"


async def open_compare(pilot) -> CompareScreen:  # noqa: ANN001
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def footer_keys(screen) -> dict[str, FooterKey]:  # noqa: ANN001
    """Description -> footer key of the footer on ``screen`` (the one the user sees)."""
    return {k.description: k for k in screen.query(FooterKey)}


# ------------------------------------------------------------------ 1. aligned definitions


def test_side_by_side_pads_the_shorter_side() -> None:
    diff = side_by_side("a\nb\nnew\nc\nd", "a\nb\nc\nd")
    assert diff.source.splitlines() == ["a", "b", "new", "c", "d"]
    assert diff.target.split("\n") == ["a", "b", "", "c", "d"]
    assert diff.target_filler == {2} and diff.source_changed == {2}
    # A replaced block of unequal length: the shorter side is padded after its lines.
    diff = side_by_side("x\nDECLARE\n  n int;\nBEGIN\ny", "x\nBEGIN\ny")
    src, tgt = diff.source.split("\n"), diff.target.split("\n")
    assert len(src) == len(tgt)
    assert src.index("BEGIN") == tgt.index("BEGIN") and src.index("y") == tgt.index("y")


async def test_side_by_side_lines_face_their_counterparts() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        screen.query_one(ObjectTree).select_key(FUNCTION)
        await settle(pilot)
        await pilot.press("u")  # side by side
        source = screen.query_one("#definition-source", SqlView).text.split("\n")
        target = screen.query_one("#definition-target", SqlView).text.split("\n")
        assert len(source) == len(target)
        stable = next(i for i, line in enumerate(source) if line.strip() == "STABLE")
        assert target[stable] == ""  # the target lacks the line: a filler faces it
        after = next(i for i, line in enumerate(source) if line.startswith("AS $function$"))
        assert target[after] == source[after]
        assert screen.query_one("#definition-target", SqlView).marks[stable] == "filler"
        assert "u: unified" in str(screen.query_one("#definition-title").render())
        # Aligned sides scroll together.
        source_view = screen.query_one("#definition-source", SqlView)
        source_view.scroll_to(x=4, y=2, animate=False)
        await pilot.pause()
        assert source_view.scroll_offset.x == 4
        assert screen.query_one("#definition-target", SqlView).scroll_offset == source_view.scroll_offset


# ------------------------------------------------------------------ 2. keys in sight


async def test_footer_fits_80_columns_and_offers_the_keys() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause()
        keys = footer_keys(screen)
        assert {"Include", "Next", "Filter", "Export", "Copy", "Refresh", "Swap", "Help", "Quit"} <= set(keys)
        for key in keys.values():
            assert key.region.right <= 80, key.description  # nothing cut off, "? Help" included
        toggles = str(screen.query_one("#state-toggles").render())
        assert "hidden =7" in toggles and "1-4" in toggles  # said in words, not struck through
        await pilot.press("4")
        assert "hidden" not in str(screen.query_one("#state-toggles").render())
        await pilot.press("1")
        assert "hidden +6" in str(screen.query_one("#state-toggles").render())
        assert "p: whole selection" in str(screen.query_one("#ddl-title").render())


async def test_a_dialog_shows_its_own_keys() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        keys = footer_keys(app.screen)
        assert {"Cancel", "Write"} <= set(keys) and "Swap" not in keys
        # Typing a file name never runs a key of the app (q would quit).
        app.screen.query_one("#export-path", Input).value = ""
        await pilot.press(*"queries.sql")
        assert app.screen.query_one("#export-path", Input).value == "queries.sql"
        assert app.is_running


async def test_palette_commands_carry_their_keys() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Export (e)", "Include (space)", "Unified (u)", "Plan scope (p)", "Help (?)"} <= titles
        assert any(t.startswith("Next (n") for t in titles)


# ------------------------------------------------------------------ 3. moving about


async def test_down_from_the_filter_goes_into_the_tree() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("slash", *"review")
        assert not {"Export", "Copy", "Refresh", "Swap"} & set(footer_keys(screen))  # typing: letters are text
        await pilot.press("down")
        tree = screen.query_one(ObjectTree)
        assert tree.has_focus
        assert screen.query_one("#filter", Input).value == "review"


async def test_refresh_keeps_the_cursor_on_the_object() -> None:
    backend = fake_backend()
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        tree.select_key("view:shop.review_stats")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert len(backend.loads) == 2
        assert tree.current_key == "view:shop.review_stats"
        assert "review_stats" in str(screen.query_one("#definition-title").render())


async def test_next_and_previous_change_and_all_groups() -> None:
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        tree.action_edge(0)  # the schema header
        await pilot.press("n")
        first = tree.current_key
        assert first is not None and tree.current_entry.plannable
        await pilot.press("n")
        second = tree.current_key
        assert second not in (None, first)
        await pilot.press("N")
        assert tree.current_key == first
        await pilot.press("right_square_bracket")
        assert tree.current_key == second
        await pilot.press("left_square_bracket")
        assert tree.current_key == first
        await pilot.press("minus")  # collapse every kind group
        assert all(r.entry is None for r in tree.rows)
        assert [r.collapsed for r in tree.rows if r.group.count("/")] == [True] * 5
        await pilot.press("plus")
        assert len(tree.visible_entries()) == 10


# ------------------------------------------------------------------ 5. honest feedback


async def test_copy_says_the_terminal_may_not_pass_it_on(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("TMUX", raising=False)
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("y")
        assert app.clipboard == screen.plan.to_sql()
        [(_, message, _)] = [n for n in notifications(app) if n[0] == "Copy sent"]
        assert "OSC 52" in message and "press e to write a file" in message
        assert "Copied" not in message


async def test_failed_load_stops_the_bars_and_hides_what_cannot_act() -> None:
    backend = fake_backend(load_error=errors.ConnectionFailed("cannot reach db1:5432: connection refused"))
    app = PgsdApp(SRC, TGT, backend=backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause()
        assert not any(row.display for row in screen.query(".progress-row"))
        hint = str(screen.query_one("#progress-hint").render())
        assert "connection refused" in hint and "Esc cancels" not in hint and "r" in hint
        keys = footer_keys(screen)
        assert "Export" not in keys and "Copy" not in keys and "Refresh" in keys
        await pilot.press("e")  # hidden, and does nothing
        assert app.screen is screen
        assert not any("Nothing to export" in m for _, m, _ in notifications(app))


async def test_a_snapshot_side_is_read_not_connected() -> None:
    gate = threading.Event()
    app = PgsdApp(SnapshotSide("before.json"), TGT, backend=fake_backend(gate=gate))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CompareScreen)
            screen.query_one("#progress").reset("Reading…", snapshots=(True, False))
            assert "snapshot" in str(screen.query_one("#progress-source-step").render())
            assert "connecting" in str(screen.query_one("#progress-target-step").render())
            await pilot.press("escape")
            await settle(pilot)
    finally:
        gate.set()


# ------------------------------------------------------------------ 6. 80x24


def test_shorten_keeps_the_tail() -> None:
    assert shorten("orders", 10) == "orders"
    assert shorten("orders.orders_customer_idx", 18) == "order…customer_idx"  # the tail says most
    # Where the names differ from their neighbour's stays in sight.
    a = shorten("payments_2024_01_settlements", 18, 15)
    b = shorten("payments_2024_02_settlements", 18, 15)
    assert (a, b) == ("pay…01_settlements", "pay…02_settlements")
    a = shorten("payments_2024_01_settlements.payments_2024_01_settlements_created_at_idx", 18, 15)
    assert len(a) == 18 and a.count("…") == 2 and "01_settl" in a


async def test_long_names_are_cut_with_an_ellipsis_and_stay_distinct() -> None:
    source, target = shop_pair()
    extra = []
    for month in ("01", "02"):
        table = f"payments_2024_{month}_settlements"
        extra += [Table(schema_name="shop", name=table),
                  Index(schema_name="shop", table=table, name=f"{table}_created_at_idx",
                        definition=f"CREATE INDEX {table}_created_at_idx ON shop.{table} (id)")]
    source = Snapshot(origin=source.origin, server=source.server, dependencies=source.dependencies,
                      objects=tuple(sorted([*source.objects, *extra], key=lambda o: o.key)))
    app = PgsdApp(SRC, TGT, backend=FakeBackend(source, target))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        tree = screen.query_one(ObjectTree)
        width = tree.size.width
        lines = [tree._render_row(i, width, False).text.rstrip() for i in range(len(tree.rows))]
        long = [line for line in lines if "settlements" in line or "_idx" in line]
        cut = [line for line in long if "…" in line]
        assert len(cut) >= 4
        assert len(set(cut)) == len(cut)  # no two cut names look the same
        assert all(len(line) <= width for line in lines)


# ------------------------------------------------------------------ 7. which side is what


async def test_header_shows_profile_label_colour_and_snapshot(store) -> None:  # noqa: ANN001
    backend = fake_backend()
    app = PgsdApp(backend=backend, profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        connections = app.screen
        connections.query_one("#source-input", Input).value = "staging"
        connections.query_one("#target-input", Input).value = "prod"
        await pilot.press("c")
        screen = await open_compare(pilot)
        source = screen.query_one("#header-source").text
        target = screen.query_one("#header-target").text
        assert "Staging" in source and "green" in source
        assert "Production" in target and "red" in target
        assert "snapshot" not in source + target
        # o leaves for the connections; Esc there comes back to the same comparison, as it was.
        tree = screen.query_one(ObjectTree)
        tree.select_key("view:shop.review_stats")
        await pilot.press("o")
        assert app.screen is connections
        assert "Back" in footer_keys(connections)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and tree.current_key == "view:shop.review_stats"
        assert len(backend.loads) == 1
        # A new comparison from the connections replaces the parked one.
        await pilot.press("o")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen) and app.screen is not screen
        assert app.parked_comparison is None


async def test_a_snapshot_side_says_so_in_the_header() -> None:
    app = PgsdApp(SnapshotSide("before.json"), TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        assert "snapshot" in str(screen.query_one("#header-source").render())
        assert "snapshot" not in str(screen.query_one("#header-target").render())
