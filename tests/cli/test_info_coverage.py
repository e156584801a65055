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


def _preloaded(pg_server) -> list[str]:
    import psycopg

    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT setting FROM pg_settings WHERE name LIKE '%\\_preload\\_libraries'").fetchall()
    return [lib.strip() for (setting,) in rows for lib in setting.split(",") if lib.strip()]


def test_info_json_lists_kinds_not_compared_with_counts(pg_server, new_db, pgsd):  # noqa: F811
    import json

    dsn = new_db()
    out = pgsd("info", dsn, "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["not_compared"] == {}
    pg_server.execute(dsn, "CREATE ACCESS METHOD heap_again TYPE TABLE HANDLER heap_tableam_handler; "
                           "SELECT lo_create(0); SELECT lo_create(0)")
    out = pgsd("info", dsn, "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["not_compared"] == {"access_method": 1, "large_object": 2}


def test_info_says_there_is_no_label_provider(pg_server, new_db, pgsd):  # noqa: F811
    import json

    dsn = new_db()
    preloaded = _preloaded(pg_server)
    out = pgsd("info", dsn, "--json")
    assert out.returncode == 0, out.stderr
    labels = json.loads(out.stdout)["security_labels"]
    assert labels["count"] == 0 and labels["providers"] == [] and labels["preloaded_libraries"] == preloaded
    if preloaded:
        print(f"the server preloads {preloaded}: only the JSON facts are checked")
        return
    assert labels["label_provider_loaded"] is False
    out = pgsd("info", dsn)
    assert "labels:     no security labels; no label provider is loaded" in out.stdout


def test_labels_left_by_a_provider_are_counted_and_reported(pg_server, new_db, pgsd):  # noqa: F811
    """No provider is loaded on the test servers, so SECURITY LABEL cannot make one: a label
    left behind by a provider since unloaded is written into the catalog directly."""
    import json

    from pgsd.workflow import read_side

    dsn = new_db()
    pg_server.execute(dsn, "CREATE TABLE t (id int); SET allow_system_table_mods = on; "
                           "INSERT INTO pg_seclabel VALUES ('t'::regclass, 'pg_class'::regclass, 0, 'selinux', "
                           "'system_u:object_r:sepgsql_table_t:s0')")
    out = pgsd("info", dsn)
    assert out.returncode == 0, out.stderr
    assert "coverage:   not compared: 1 security label" in out.stdout
    assert "labels:     1 security label (provider selinux), not compared" in out.stdout
    facts = json.loads(pgsd("info", dsn, "--json").stdout)
    assert facts["not_compared"] == {"security_label": 1}
    assert facts["security_labels"]["count"] == 1 and facts["security_labels"]["providers"] == ["selinux"]
    snap = read_side(dsn, "source")
    assert snap.not_compared == {"security_label": 1}
    assert any(w.startswith("1 security label (provider selinux), not compared") for w in snap.warnings), snap.warnings
