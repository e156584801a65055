"""Pairing renames in the app, on real databases: the tree, the definitions and the plan follow a
pairing (``m``), an accepted suggestion (``R``) and an unpairing (``m`` on the ``~`` row); the
decisions saved with ``D`` make ``pgsd diff --decisions`` write the app's script byte for byte."""

from __future__ import annotations

import psycopg
from textual.widgets import Checkbox, Input, OptionList

from pgsd.cli.main import build_parser
from pgsd.tui.app import PgsdApp
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.export import ExportModal
from pgsd.tui.screens.renames import DecisionsFileModal, RenamePicker
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.workflow import parse_side
from pgsd.workflow.decisions import read_decisions
from tests.cli.test_equivalence import EPOCH, run_cli
from tests.tui.conftest import notifications, settle

SIZE = (140, 40)

SCHEMA = """
CREATE SCHEMA shop;
CREATE TABLE shop.{customer} (id bigint PRIMARY KEY, email text NOT NULL, since date);
CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES shop.{customer}(id));
"""
SOURCE = SCHEMA.format(customer="client") + """
CREATE TABLE shop.reviews (id bigint PRIMARY KEY, rating integer NOT NULL);
"""
TARGET = SCHEMA.format(customer="customer") + """
CREATE TABLE shop.legacy_carts (id integer PRIMARY KEY, note text);
INSERT INTO shop.customer VALUES (1, 'a@example.com', '2024-01-01'), (2, 'b@example.com', NULL);
INSERT INTO shop.orders VALUES (10, 1), (11, 2);
"""
OLD, NEW = "table:shop.customer", "table:shop.client"


def setup_pair(pg_server, db_pair) -> tuple[str, str]:  # noqa: ANN001
    src, tgt = db_pair
    pg_server.execute(src, SOURCE)
    pg_server.execute(tgt, TARGET)
    return src, tgt


def app_for(src: str, tgt: str, *options: str) -> PgsdApp:
    """The app as `pgsd tui SRC TGT OPTIONS` starts it (its backend and request from the command line)."""
    from pgsd.cli.cmd_tui import _backend

    args = build_parser().parse_args(["tui", src, tgt, *options])
    return PgsdApp(parse_side(args.source), parse_side(args.target), backend=_backend(args))


def footer(screen: CompareScreen) -> set[tuple[str, str]]:
    """(key, description) of what the footer shows."""
    return {(key, b.binding.description) for key, b in screen.active_bindings.items() if b.binding.show and b.enabled}


def plan_sql(screen: CompareScreen) -> str:
    assert screen.plan is not None
    return screen.plan.to_sql()


async def pair_with_picker(pilot, screen: CompareScreen) -> None:  # noqa: ANN001
    tree = screen.query_one(ObjectTree)
    assert tree.select_key(OLD)
    await pilot.press("m")
    picker = pilot.app.screen
    assert isinstance(picker, RenamePicker)
    options = picker.query_one(OptionList)
    # the candidate first, with its score and reason; the other added table after it
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    assert ids == [NEW, "table:shop.reviews"]
    assert "100% · same 3 columns and 1 constraint" in str(options.get_option_at_index(0).prompt)
    await pilot.press("enter")
    await settle(pilot)


async def test_pair_a_removed_table_then_unpair(pg_server, db_pair) -> None:  # noqa: ANN001
    src, tgt = setup_pair(pg_server, db_pair)
    app = app_for(src, tgt)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        tree = screen.query_one(ObjectTree)
        # before: a drop and a create, the removed row saying what it may have become
        assert screen.index.by_key[OLD].status == "removed"
        assert screen.index.by_key[OLD].note == "→ rename to client? (same 3 columns and 1 constraint)"
        assert screen.index.by_key[NEW].note == "← rename of customer?"
        assert "DROP TABLE shop.customer" in plan_sql(screen)
        tree.select_key(OLD)
        await pilot.pause()
        assert footer(screen) >= {("m", "Pair"), ("R", "Accept rename")}  # the footer offers them on this line
        tree.select_key("table:shop.reviews")  # added, with nothing suggested: pairing only
        await pilot.pause()
        assert ("m", "Pair") in footer(screen) and "R" not in screen.active_bindings

        await pair_with_picker(pilot, screen)
        assert isinstance(app.screen, CompareScreen), notifications(app)
        # one ~ row, renamed from the old name; the old key is gone
        assert OLD not in screen.index.by_key
        entry = screen.index.by_key[NEW]
        assert (entry.status, entry.note) == ("changed", "renamed from customer")
        assert tree.current_key == NEW
        assert "renamed from customer" in str(screen.query_one(ObjectTree).render_line(tree.cursor
                                                                                        - tree.scroll_offset.y))
        # the definitions compare the old table with the new one
        definition = screen.query_one("#definition-target").text + screen.query_one("#definition-unified").text
        assert "customer" in definition
        assert "client" in screen.query_one("#definition-source").text + screen.query_one("#definition-unified").text
        sql = plan_sql(screen)
        assert "ALTER TABLE shop.customer RENAME TO client" in sql
        assert "DROP TABLE shop.customer" not in sql and "CREATE TABLE shop.client" not in sql
        assert ("m", "Unpair") in footer(screen) and "R" not in screen.active_bindings

        # the plan runs on the target and keeps the rows (the rest of it: reviews created, legacy_carts dropped)
        pg_server.execute(tgt, sql)
        with psycopg.connect(tgt) as conn:
            assert conn.execute("SELECT count(*) FROM shop.client JOIN shop.orders ON customer_id = client.id"
                                ).fetchone() == (2,)
        pg_server.execute(tgt, "ALTER TABLE shop.client RENAME TO customer; DROP TABLE shop.reviews; "
                               "CREATE TABLE shop.legacy_carts (id integer PRIMARY KEY, note text)")

        # unpair: a drop and a create again
        await pilot.press("m")
        await settle(pilot)
        assert screen.index.by_key[OLD].status == "removed"
        assert screen.index.by_key[NEW].status == "added"
        sql = plan_sql(screen)
        assert "DROP TABLE shop.customer" in sql and "CREATE TABLE shop.client" in sql
        assert "RENAME" not in sql
        assert screen.request.renames == ()


async def test_accept_the_suggestion(pg_server, db_pair) -> None:  # noqa: ANN001
    """At 80 columns, where the footer has no room for them, the rename keys work all the same."""
    src, tgt = setup_pair(pg_server, db_pair)
    app = app_for(src, tgt)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        screen.query_one(ObjectTree).select_key(NEW)  # from the added side too
        await pilot.pause()
        assert not {"m", "R"} & {key for key, _ in footer(screen)}
        assert "Accept rename (R)" in [c.title for c in app.get_system_commands(screen)]
        await pilot.press("R")
        await settle(pilot)
        assert [(r.old, r.new) for r in screen.request.renames] == [("shop.customer", "shop.client")]
        assert screen.index.by_key[NEW].note == "renamed from customer"
        assert "ALTER TABLE shop.customer RENAME TO client" in plan_sql(screen)
        # the old name is in the definition pane's title, the footer offers no pairing on unrelated rows
        assert "renamed from customer" in str(screen.query_one("#definition-title").render())


async def test_saved_decisions_replay_the_apps_script(pg_server, db_pair, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    src, tgt = setup_pair(pg_server, db_pair)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    app = app_for(src, tgt)
    decisions, exported = tmp_path / "review.toml", tmp_path / "app.sql"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        await pair_with_picker(pilot, screen)
        # leave the legacy table's drop out
        screen.query_one(ObjectTree).select_key("table:shop.legacy_carts")
        await pilot.press("space")
        await settle(pilot)
        assert "legacy_carts" not in plan_sql(screen)

        await pilot.press("D")
        modal = app.screen
        assert isinstance(modal, DecisionsFileModal)
        modal.query_one("#decisions-path", Input).value = str(decisions)
        await pilot.click("#decisions-ok")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen), notifications(app)

        await pilot.press("e")
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path", Input).value = str(exported)
        await pilot.click("#export-write")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen), notifications(app)

    saved = read_decisions(decisions)
    assert [(r.old, r.new, r.kind) for r in saved.renames] == [("shop.customer", "shop.client", "table")]
    assert "table:shop.legacy_carts" in saved.left_out  # with its columns and key, as space left them out
    assert all("legacy_carts" in key for key in saved.left_out)
    cli = run_cli(tmp_path, "diff", src, tgt, "--decisions", str(decisions), "-o", "cli.sql")
    assert cli.returncode == 1, cli.stderr
    assert "stale" not in cli.stderr
    assert "ALTER TABLE shop.customer RENAME TO client" in exported.read_text()
    assert exported.read_bytes() == (tmp_path / "cli.sql").read_bytes()


async def test_decisions_from_the_command_line_and_from_a_file(pg_server, db_pair, tmp_path) -> None:  # noqa: ANN001
    src, tgt = setup_pair(pg_server, db_pair)
    path = tmp_path / "d.toml"
    path.write_text('version = 1\n[[rename]]\nold = "shop.customer"\nnew = "shop.client"\n'
                    '[[leave_out]]\nkey = "table:shop.legacy_carts"\n')
    # `pgsd tui --decisions FILE`: the app opens with the file's rename made and its left-out change unticked
    app = app_for(src, tgt, "--decisions", str(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        assert screen.index.by_key[NEW].note == "renamed from customer"
        assert "table:shop.legacy_carts" not in screen.selected
        # a rename from the file is taken back like one made here
        screen.query_one(ObjectTree).select_key(NEW)
        await pilot.press("m")
        await settle(pilot)
        assert screen.index.by_key[OLD].status == "removed"
        assert screen.request.all_decisions().renames == ()

    # the palette's Load decisions (L) reads the same file into a plain app
    app = app_for(src, tgt)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        assert screen.index.by_key[OLD].status == "removed"
        await pilot.press("L")
        modal = app.screen
        assert isinstance(modal, DecisionsFileModal)
        assert not modal.query(Checkbox)  # nothing to replace when reading
        modal.query_one("#decisions-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.index.by_key[NEW].note == "renamed from customer"
        assert "table:shop.legacy_carts" not in screen.selected
        assert "ALTER TABLE shop.customer RENAME TO client" in plan_sql(screen)
