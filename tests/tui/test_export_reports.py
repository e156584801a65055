"""The export dialog offers the review reports: the format follows the choice (and the
file's suffix follows the format), and the file written is that report."""

from __future__ import annotations

from textual.widgets import Input, Select

from pgsd.tui.app import PgsdApp
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.export import ExportModal, format_of
from tests.tui.conftest import settle
from tests.tui.fakes import SRC, TGT, fake_backend
from tests.tui.test_pilot_compare import SIZE, open_compare


def test_format_of_a_file_name(tmp_path) -> None:  # noqa: ANN001
    assert [format_of(tmp_path / n) for n in ("a.sql", "a.MD", "a.html", "a.json", "a.txt")] == [
        "sql", "markdown", "html", "json", "sql",
    ]


async def test_export_writes_a_markdown_then_an_html_report(tmp_path) -> None:  # noqa: ANN001
    app = PgsdApp(SRC, TGT, backend=fake_backend())
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        for fmt, suffix, start in (("markdown", ".md", "## pgsd schema review"), ("html", ".html", "<!DOCTYPE html>")):
            await pilot.press("e")
            assert isinstance(app.screen, ExportModal)
            app.screen.query_one("#export-path", Input).value = str(tmp_path / "review.sql")
            app.screen.query_one("#export-format", Select).value = fmt
            await pilot.pause()
            assert app.screen.query_one("#export-path", Input).value == str(tmp_path / f"review{suffix}")
            await pilot.click("#export-write")
            await settle(pilot)
            assert isinstance(app.screen, CompareScreen)
            text = (tmp_path / f"review{suffix}").read_text()
            assert text.startswith(start) and "shop.reviews" in text
