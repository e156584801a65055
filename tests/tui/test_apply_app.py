"""The app's verify and apply actions on real databases (Pilot): verdict, confirmation, progress, refresh."""

from __future__ import annotations

import psycopg
import pytest
from textual.widgets import Input, Log

from pgsd.connect import ConnectionSpec
from pgsd.profiles.store import Profile
from pgsd.tui.app import PgsdApp
from pgsd.tui.backend import LiveBackend
from pgsd.tui.screens.apply import ApplyModal
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.workflow import DatabaseSide, parse_side
from tests.tui.conftest import notifications, settle
from tests.tui.test_real_db import SIZE, setup_pair

pytestmark = pytest.mark.xdist_group("verify-on-the-test-server")  # see tests/cli/test_verify.py


def _exists(dsn: str, name: str) -> bool:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return bool(conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])


async def test_verify_then_apply_with_the_database_name_typed(pg_server, db_pair) -> None:  # noqa: ANN001
    src, tgt = setup_pair(pg_server, db_pair)
    app = PgsdApp(parse_side(src), parse_side(tgt), backend=LiveBackend(scratch=pg_server.admin_dsn))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        assert screen.plan is not None and not screen.plan.is_empty

        await pilot.press("v")
        await settle(pilot)
        assert screen.last_verify.verified, screen.last_verify.lines()  # type: ignore[attr-defined]
        assert any(t == "Verified" and "verified: the plan" in m for t, m, _ in notifications(app)), notifications(app)

        await pilot.press("A")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ApplyModal)
        assert modal.lossy, "dropping shop.legacy_carts loses data"
        database = tgt.split("dbname=")[1].split()[0]
        assert modal.facts.database == database
        assert f"database {database}" in str(modal.query_one("#apply-target").render())
        # a wrong name applies nothing
        await pilot.press(*"nope", "enter")
        await settle(pilot)
        assert not modal.running and not modal.done
        assert _exists(tgt, "shop.legacy_carts")
        name = modal.query_one("#apply-name", Input)
        name.value = database
        await pilot.press("enter")
        await settle(pilot)
        assert modal.done and modal.ran, modal.result_lines
        log = "\n".join(str(line) for line in modal.query_one(Log).lines)
        assert "[1/" in log and " ok " in log and "applied" in log
        assert not _exists(tgt, "shop.legacy_carts") and _exists(tgt, "shop.reviews")
        await pilot.press("escape")
        await settle(pilot)
        # closed: the comparison was read again, and nothing is left
        assert app.screen is screen
        assert screen.changes is not None and screen.changes.is_empty, [c.key for c in screen.changes.changes]


async def test_verify_of_a_partial_selection_judges_what_was_selected(pg_server, db_pair) -> None:  # noqa: ANN001
    """A change left out (space on the table) is not "still different": it must stay as in the target."""
    src, tgt = setup_pair(pg_server, db_pair)
    app = PgsdApp(parse_side(src), parse_side(tgt), backend=LiveBackend(scratch=pg_server.admin_dsn))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        screen.query_one(ObjectTree).select_key("table:shop.legacy_carts")
        await pilot.press("space")
        await settle(pilot)
        assert "table:shop.legacy_carts" in screen.excluded
        assert screen.plan is not None and "table:shop.legacy_carts" in screen.plan.left_out
        assert not any("legacy_carts" in s.sql for s in screen.plan.statements)

        await pilot.press("v")
        await settle(pilot)
        result = screen.last_verify  # type: ignore[attr-defined]
        assert result.verified, result.lines()
        assert not result.left and not result.changed_though_left_out, result.lines()
        kept = f"{result.left_out} of the {result.left_out} change(s) left out of the plan stayed as in the target"
        assert any(kept in line for line in result.lines()), result.lines()
        assert _exists(tgt, "shop.legacy_carts")


async def test_production_profile_needs_the_name_even_without_data_loss(pg_server, db_pair) -> None:  # noqa: ANN001
    src, tgt = db_pair
    pg_server.execute(tgt, "CREATE SCHEMA shop")
    pg_server.execute(src, "CREATE SCHEMA shop; CREATE TABLE shop.t (id int)")
    spec = ConnectionSpec.parse(tgt)
    prod = Profile(name="prod", label="Production", colour="red", host=spec.host, dbname=spec.dbname,
                   user=spec.user, password_source="env", production=True)
    side = DatabaseSide(spec=spec, profile="prod", label="Production", colour="red", password_source="env",
                        saved=prod)
    app = PgsdApp(parse_side(src), side, backend=LiveBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        await pilot.press("A")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ApplyModal)
        assert not modal.lossy and modal.needs_typing
        assert "PRODUCTION" in str(modal.query_one("#apply-title").render())
        assert "Production" in str(modal.query_one("#apply-title").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert not _exists(tgt, "shop.t")


async def test_apply_refused_when_the_target_changed_since_it_was_read(pg_server, db_pair) -> None:  # noqa: ANN001
    src, tgt = setup_pair(pg_server, db_pair)
    app = PgsdApp(parse_side(src), parse_side(tgt), backend=LiveBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        pg_server.execute(tgt, "CREATE TABLE shop.sneaked_in (x int)")
        await pilot.press("A")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ApplyModal)
        modal.query_one("#apply-name", Input).value = modal.facts.database
        await pilot.press("enter")
        await settle(pilot)
        assert modal.done and not modal.ran
        assert any("changed since it was read" in line for line in modal.result_lines), modal.result_lines
        assert _exists(tgt, "shop.legacy_carts")
