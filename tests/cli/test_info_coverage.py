"""`pgsd info DATABASE` says which kinds of object the database holds that pgsd does not compare."""

from __future__ import annotations

from tests.cli.test_cli import pgsd  # noqa: F401 - fixture used by name


def test_info_lists_kinds_not_compared(pg_server, new_db, pgsd):  # noqa: F811
    dsn = new_db()
    pg_server.execute(dsn, "CREATE TEXT SEARCH CONFIGURATION public.cfg (COPY = pg_catalog.simple)")
    out = pgsd("info", dsn)
    assert out.returncode == 0, out.stderr
    assert "coverage:   every object is compared" in out.stdout
    pg_server.execute(dsn, "CREATE ACCESS METHOD heap_again TYPE TABLE HANDLER heap_tableam_handler")
    out = pgsd("info", dsn)
    assert out.returncode == 0, out.stderr
    assert "coverage:   not compared: 1 access method" in out.stdout
