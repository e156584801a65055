"""The CLI and the app give the same script for the same inputs and options.

One side is a snapshot taken with ``--schema a`` of a database that also has schemas
``b`` and ``public``; the other is a live database with both schemas. The CLI runs as a
subprocess (``pgsd diff ... -o FILE``); the app's side runs the functions the app
calls, in the order it calls them, without a screen: the backend ``pgsd tui`` builds
from the same options, ``load``, ``compare``, the selection of every plannable change
(as the compare screen makes it), the export dialog's choice of ``--safe``, ``plan``
and ``export_script``. Both scripts carry the same generation time by construction
(``SOURCE_DATE_EPOCH``), so they must be equal byte for byte.

Before sides were read by one function, the app's backend ignored the snapshot's
filters (dropping schemas ``b`` and ``public`` and table ``b.u``) and planned without
``owners``/``extension_versions`` (no ``OWNER TO`` on created objects, a pinned
extension version).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from pgsd.cli.main import build_parser
from pgsd.tui.backend import export_script
from pgsd.tui.entries import DiffIndex
from pgsd.workflow import CancelToken, parse_side

EPOCH = "1767225600"  # 2026-01-01T00:00:00+00:00

ORIGIN_SQL = """
CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE EXTENSION citext SCHEMA a;
CREATE TABLE a.t (id int PRIMARY KEY, email a.citext NOT NULL);
ALTER TABLE a.t OWNER TO {app};
CREATE TABLE a.fresh (id int PRIMARY KEY, note text);
ALTER TABLE a.fresh OWNER TO {app};
CREATE TABLE b.u (x int);
CREATE TABLE public.p (x int);
"""
LIVE_SQL = """
CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.t (id int PRIMARY KEY, email text NOT NULL, legacy int);
ALTER TABLE a.t OWNER TO {ops};
INSERT INTO a.t VALUES (1, 'x@example.com', 7);
CREATE TABLE a.old (id int);
CREATE TABLE b.v (y int);
"""


@pytest.fixture
def roles(pg_server):  # noqa: ANN001, ANN201
    names = {"app": f"pgsd_eq_app_{uuid.uuid4().hex[:6]}", "ops": f"pgsd_eq_ops_{uuid.uuid4().hex[:6]}"}
    for name in names.values():
        pg_server.execute(pg_server.admin_dsn, f"CREATE ROLE {name}")
    made: list[str] = []
    yield names, made
    for dsn in made:  # objects owned by the roles go before the roles can (if the database is still there)
        try:
            for name in names.values():
                pg_server.execute(dsn, f"DROP OWNED BY {name}")
        except psycopg.OperationalError:
            pass
    for name in names.values():
        pg_server.execute(pg_server.admin_dsn, f"DROP ROLE {name}")


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"), SOURCE_DATE_EPOCH=EPOCH,
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.run([sys.executable, "-m", "pgsd", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, cwd=tmp_path, timeout=120)


def app_script(source: str, target: str, options: list[str], *, safe: bool, monkeypatch) -> str:  # noqa: ANN001
    """What the app exports for `pgsd tui SOURCE TARGET OPTIONS`, everything selected, Safe ticked or not."""
    from pgsd.cli.cmd_tui import _backend

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    args = build_parser().parse_args(["tui", source, target, *options])
    backend = _backend(args)  # the backend `pgsd tui` gives the app
    loaded = backend.load(parse_side(args.source), parse_side(args.target),
                          progress=lambda *a: None, cancel=CancelToken())
    changes = backend.replay(loaded.snapshots["source"], loaded.snapshots["target"], backend.request).changes
    index = DiffIndex.build(changes)
    selected = {e.key for e in index.by_key.values() if e.plannable}  # CompareScreen._plannable: all ticked
    request = backend.request.with_plan_choices(safe=safe)  # the export dialog's "Safe" box
    plan = backend.plan(changes, request.plan_options(), selected)
    return export_script(changes, plan, files=loaded.files)


CASES = {
    "filtered snapshot, owners, extension versions ignored, safe": (
        ["--owners", "--ignore-extension-versions"], True),
    "filtered snapshot, no option": ([], False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cli_and_app_write_the_same_script(pg_server, roles, new_db, tmp_path, monkeypatch, case) -> None:  # noqa: ANN001
    names, made = roles
    origin, live = new_db(), new_db()
    made += [origin, live]
    pg_server.execute(origin, ORIGIN_SQL.format(**names))
    pg_server.execute(live, LIVE_SQL.format(**names))
    taken = run_cli(tmp_path, "snapshot", origin, "--schema", "a", "-o", "a.json")
    assert taken.returncode == 0, taken.stderr
    options, safe = CASES[case]
    snapshot = str(tmp_path / "a.json")

    cli = run_cli(tmp_path, "diff", snapshot, live, *options, *(["--safe"] if safe else []), "-o", "cli.sql")
    assert cli.returncode == 1, cli.stderr
    cli_sql = (tmp_path / "cli.sql").read_text()
    app_sql = app_script(snapshot, live, options, safe=safe, monkeypatch=monkeypatch)

    assert app_sql == cli_sql
    # and the script is the comparison asked for: schema a only
    body = [line for line in cli_sql.splitlines() if not line.startswith("--")]
    assert not any(" b." in line or "SCHEMA b" in line or "SCHEMA public" in line or "public." in line
                   for line in body), cli_sql
    assert any(line.startswith("CREATE TABLE a.fresh") for line in body)
    if "--owners" in options:
        assert f"ALTER TABLE a.fresh OWNER TO {names['app']};" in body
        assert f"ALTER TABLE a.t OWNER TO {names['app']};" in body
        assert "CREATE EXTENSION IF NOT EXISTS citext SCHEMA a;" in body or any(
            line.startswith("CREATE EXTENSION") and "VERSION" not in line for line in body), cli_sql
    else:
        assert not any("OWNER TO" in line for line in body)
        assert any(line.startswith("CREATE EXTENSION") and "VERSION" in line for line in body), cli_sql
    if safe:
        assert not any(line.startswith(("DROP TABLE a.old", "ALTER TABLE a.t DROP COLUMN legacy")) for line in body)
        assert "--   DROP TABLE a.old;" in cli_sql
    else:
        assert "DROP TABLE a.old;" in body
