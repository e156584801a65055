"""The app on real databases: the real workflow end to end (introspection, diff, plan, export)."""

from __future__ import annotations

import uuid

from psycopg.conninfo import conninfo_to_dict
from textual.widgets import Input

from pgsd.tui.app import PgsdApp
from pgsd.tui.backend import LiveBackend
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.connections import ConnectionsScreen
from pgsd.tui.screens.export import ExportModal
from pgsd.tui.screens.profile_form import ProfileModal
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.workflow import parse_side
from tests.pg import PASSWORD_ROLE
from tests.tui.conftest import notifications, settle

SIZE = (120, 36)

COMMON = """
CREATE SCHEMA shop;
CREATE TABLE shop.customers (id bigint PRIMARY KEY, email text NOT NULL);
"""
SOURCE = COMMON + """
CREATE TABLE shop.reviews (id bigint PRIMARY KEY, customer_id bigint REFERENCES shop.customers(id),
                           rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5));
CREATE VIEW shop.review_stats AS SELECT rating, count(*) AS n FROM shop.reviews GROUP BY rating;
"""
TARGET = COMMON + """
CREATE TABLE shop.legacy_carts (id integer PRIMARY KEY);
"""


def setup_pair(pg_server, db_pair) -> tuple[str, str]:  # noqa: ANN001
    src, tgt = db_pair
    pg_server.execute(src, SOURCE)
    pg_server.execute(tgt, TARGET)
    return src, tgt


async def test_compare_select_export_refresh_swap(pg_server, db_pair, tmp_path) -> None:  # noqa: ANN001
    src, tgt = setup_pair(pg_server, db_pair)
    app = PgsdApp(parse_side(src), parse_side(tgt), backend=LiveBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        index = screen.index
        assert index.by_key["table:shop.reviews"].status == "added"
        assert index.by_key["view:shop.review_stats"].status == "added"
        assert index.by_key["table:shop.legacy_carts"].status == "removed"
        assert "PG " in str(screen.query_one("#header-source").render())

        # filter, then select the view: its definition and plan show
        await pilot.press("slash", *"review_stats", "enter")
        tree = screen.query_one(ObjectTree)
        assert [e.key for e in tree.visible_entries()] == ["view:shop.review_stats"]
        await settle(pilot)
        assert "review_stats" in screen.query_one("#definition-unified").text
        assert "CREATE VIEW shop.review_stats" in screen.query_one("#ddl-sql").text
        await pilot.press("escape")

        # leave the new table out: the view still needs it (pulled in)
        tree.select_key("table:shop.reviews")
        await pilot.press("space")
        await settle(pilot)
        assert "table:shop.reviews" in tree.pulled

        # export
        out = tmp_path / "plan.sql"
        await pilot.press("e")
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.click("#export-write")
        await settle(pilot)
        text = out.read_text()
        assert "CREATE TABLE shop.reviews" in text and "CREATE VIEW shop.review_stats" in text
        assert "DROP TABLE shop.legacy_carts" in text

        # the target changes; refresh sees it
        pg_server.execute(tgt, "DROP TABLE shop.legacy_carts")
        await pilot.press("r")
        await settle(pilot)
        assert "table:shop.legacy_carts" not in screen.index.by_key

        # swap
        await pilot.press("s")
        await settle(pilot)
        assert screen.index.by_key["table:shop.reviews"].status == "removed"


async def test_wrong_password_in_the_test_button(pg_server, store) -> None:  # noqa: ANN001
    role = f"pgsd_tui_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, f"CREATE ROLE {role} LOGIN PASSWORD 'right' IN ROLE {PASSWORD_ROLE}")
    params = conninfo_to_dict(pg_server.admin_dsn)
    try:
        app = PgsdApp(backend=LiveBackend(), profile_store=store)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            form = app.screen
            assert isinstance(form, ProfileModal)
            for field, value in (("name", "pwtest"), ("host", params.get("host") or "localhost"),
                                 ("port", str(params.get("port") or 5432)), ("dbname", "postgres"), ("user", role),
                                 ("password", "wrong")):
                form.query_one(f"#field-{field}", Input).value = value
            await pilot.press("ctrl+t")
            await settle(pilot)
            titles = [t for t, _, _ in notifications(app)]
            assert "Authentication failed" in titles
            assert "wrong" not in " ".join(m for _, m, _ in notifications(app))
            assert "✗" in str(form.query_one("#profile-test-result").render())
            # still usable: the right password connects
            form.query_one("#field-password", Input).value = "right"
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert "PostgreSQL" in str(form.query_one("#profile-test-result").render())
            await pilot.press("escape")
            assert isinstance(app.screen, ConnectionsScreen)
    finally:
        pg_server.execute(pg_server.admin_dsn, f"DROP ROLE {role}")


async def test_unreachable_server_in_the_test_button(store) -> None:  # noqa: ANN001
    app = PgsdApp(backend=LiveBackend(), profile_store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        form.query_one("#field-name", Input).value = "nowhere"
        form.query_one("#field-host", Input).value = "127.0.0.1"
        form.query_one("#field-port", Input).value = "1"
        await pilot.press("ctrl+t")
        await settle(pilot)
        [(title, message, severity)] = notifications(app)
        assert title == "Connection failed" and severity == "error" and "\n" not in message


async def test_connections_screen_takes_a_sql_directory(pg_server, new_db, tmp_path, store) -> None:  # noqa: ANN001
    """A directory of .sql files typed as the source: loaded into a shadow database, compared, shown."""
    from pgsd.workflow import ComparisonRequest
    from pgsd.workflow.sides import ShadowChoice

    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "02_tables.sql").write_text(SOURCE.replace(COMMON, ""))
    (schema / "01_common.sql").write_text(COMMON)
    tgt = new_db()
    pg_server.execute(tgt, TARGET)
    backend = LiveBackend(request=ComparisonRequest(shadow=ShadowChoice(dsn=pg_server.admin_dsn)))
    app = PgsdApp(backend=backend, profile_store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConnectionsScreen)
        screen.query_one("#source-input", Input).value = f"{schema}/"
        screen.query_one("#target-input", Input).value = tgt
        screen.action_compare()
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen), notifications(app)
        index = compare.index
        assert index.by_key["table:shop.reviews"].status == "added"
        assert index.by_key["view:shop.review_stats"].status == "added"
        assert index.by_key["table:shop.legacy_carts"].status == "removed"
        assert index.by_key["table:shop.customers"].status == "identical"
