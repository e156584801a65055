"""The app itself, on screen, exports what `pgsd diff` writes (see tests/cli/test_equivalence.py).

The same inputs as the backend-level test, driven through the real app: `pgsd tui`'s
backend and sides, every change left selected, the export dialog with "Safe" ticked.
The exported file and `pgsd diff ... --safe -o FILE` must be equal byte for byte.
"""

from __future__ import annotations

from textual.widgets import Input

from pgsd.cli.main import build_parser
from pgsd.tui.app import PgsdApp
from pgsd.tui.screens.compare import CompareScreen
from pgsd.tui.screens.export import ExportModal
from pgsd.workflow import parse_side
from tests.cli.test_equivalence import EPOCH, LIVE_SQL, ORIGIN_SQL, roles, run_cli  # noqa: F401 - roles is a fixture
from tests.tui.conftest import notifications, settle

OPTIONS = ["--owners", "--ignore-extension-versions"]


async def test_the_apps_export_is_the_clis_script(pg_server, roles, new_db, tmp_path, monkeypatch) -> None:  # noqa: ANN001, F811
    from pgsd.cli.cmd_tui import _backend

    names, made = roles
    origin, live = new_db(), new_db()
    made += [origin, live]
    pg_server.execute(origin, ORIGIN_SQL.format(**names))
    pg_server.execute(live, LIVE_SQL.format(**names))
    assert run_cli(tmp_path, "snapshot", origin, "--schema", "a", "-o", "a.json").returncode == 0
    snapshot = str(tmp_path / "a.json")
    cli = run_cli(tmp_path, "diff", snapshot, live, *OPTIONS, "--safe", "-o", "cli.sql")
    assert cli.returncode == 1, cli.stderr

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    args = build_parser().parse_args(["tui", snapshot, live, *OPTIONS])
    app = PgsdApp(parse_side(args.source), parse_side(args.target), backend=_backend(args))
    out = tmp_path / "app.sql"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen), notifications(app)
        assert ("Filters", "Using the filters the snapshot was taken with: --schema a.", "information") in \
            notifications(app)
        assert not any(key.startswith(("schema:b", "schema:public", "table:b.")) for key in screen.index.by_key)
        await pilot.press("e")
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.click("#export-safe")
        await pilot.click("#export-write")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen), notifications(app)
    assert out.read_text() == (tmp_path / "cli.sql").read_text()
