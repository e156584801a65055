"""Filters never turn into drops (issue 18): conflicting filter sets are an error, and
object globs apply to every kind, containers being pulled in only when a kept object needs them.

The rule, as ``--help`` and the README state it: a snapshot keeps the filters it was
taken with; the filter options must be the same or absent (the live side is then read
with the snapshot's), two snapshots must have been taken with the same filters, and
anything else is exit 2 with one line saying how to resolve it. The app reads its sides
through the same function and follows the same rule.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from pgsd import errors
from pgsd.cli.main import build_parser
from pgsd.workflow import CancelToken, parse_side

SHOP_SQL = """
CREATE SCHEMA shop;
CREATE SCHEMA billing;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2));
CREATE TABLE shop.carts (id int PRIMARY KEY);
CREATE TABLE billing.invoices (id int PRIMARY KEY, amount numeric);
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.run([sys.executable, "-m", "pgsd", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, cwd=tmp_path, timeout=120)


def assert_one_line_exit_2(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout[-2000:], result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("pgsd: error: ") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def body(sql: str) -> list[str]:
    return [line for line in sql.splitlines() if line.strip() and not line.startswith("--")]


@pytest.fixture
def shop(pg_server, new_db) -> str:  # noqa: ANN001
    dsn = new_db()
    pg_server.execute(dsn, SHOP_SQL)
    return dsn


def test_a_snapshot_with_other_filters_than_the_options_is_an_error(shop, tmp_path) -> None:  # noqa: ANN001
    assert run(tmp_path, "snapshot", shop, "--schema", "shop", "-o", "shop.json").returncode == 0
    # the report's case: before, a 106-statement plan dropping schema billing, exit 1
    out = run(tmp_path, "diff", "shop.json", shop, "--schema", "billing")
    assert_one_line_exit_2(out, "shop.json was taken with filters --schema shop, not --schema billing",
                           "leave the filter options out")
    assert_one_line_exit_2(run(tmp_path, "diff", shop, "shop.json", "--schema", "billing"), "shop.json")
    # the same filters (in any order) or none are fine, and say nothing differs
    same = run(tmp_path, "diff", "shop.json", shop, "--schema", "shop")
    assert same.returncode == 0 and body(same.stdout) == [], same.stdout
    none = run(tmp_path, "diff", "shop.json", shop)
    assert none.returncode == 0 and body(none.stdout) == [], none.stdout


def test_two_snapshots_with_different_filters_are_an_error(shop, tmp_path) -> None:  # noqa: ANN001
    assert run(tmp_path, "snapshot", shop, "--schema", "shop", "-o", "shop.json").returncode == 0
    assert run(tmp_path, "snapshot", shop, "--schema", "billing", "-o", "billing.json").returncode == 0
    assert run(tmp_path, "snapshot", shop, "--schema", "billing", "--schema", "shop", "-o", "both.json").returncode == 0
    assert run(tmp_path, "snapshot", shop, "--schema", "shop", "--schema", "billing", "-o", "both2.json").returncode == 0
    assert_one_line_exit_2(run(tmp_path, "diff", "shop.json", "billing.json"),
                           "the snapshots were taken with different filters", "take both with the same filter options")
    # options that name the snapshots' own filters, in another order, are the same scope
    same = run(tmp_path, "diff", "both.json", "both2.json", "--schema", "shop", "--schema", "billing")
    assert same.returncode == 0, same.stderr
    assert_one_line_exit_2(run(tmp_path, "diff", "both.json", "both2.json", "--schema", "shop"), "both.json")


def test_the_app_follows_the_same_rule(shop, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The backend `pgsd tui` builds, reading as the app reads: the same refusal, and the snapshot's
    filters for the live side when no filter is given (it used to read the live side whole)."""
    from pgsd.cli.cmd_tui import _backend

    assert run(tmp_path, "snapshot", shop, "--schema", "shop", "-o", "shop.json").returncode == 0
    snapshot = str(tmp_path / "shop.json")
    conflicting = _backend(build_parser().parse_args(["tui", snapshot, shop, "--schema", "billing"]))
    with pytest.raises(errors.FilterConflict, match="leave the filter options out"):
        conflicting.load(parse_side(snapshot), parse_side(shop), progress=lambda *a: None, cancel=CancelToken())
    plain = _backend(build_parser().parse_args(["tui", snapshot, shop]))
    loaded = plain.load(parse_side(snapshot), parse_side(shop), progress=lambda *a: None, cancel=CancelToken())
    assert loaded.notes == ["using the filters the snapshot was taken with: --schema shop"]
    changes = plain.replay(loaded.snapshots["source"], loaded.snapshots["target"], plain.request).changes
    assert changes.is_empty, [c.key for c in changes.changes]


# --------------------------------------------------------------------------- object globs

GLOB_SOURCE = """
CREATE EXTENSION citext;
CREATE SCHEMA shop;
CREATE SCHEMA billing;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2), note text);
CREATE TABLE billing.invoices (id int PRIMARY KEY);
GRANT USAGE ON SCHEMA billing TO {role};
"""
GLOB_TARGET = """
CREATE SCHEMA shop;
CREATE SCHEMA billing;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(10,2));
INSERT INTO shop.orders VALUES (1, 9.99);
CREATE TABLE billing.invoices (id int PRIMARY KEY);
"""


@pytest.fixture
def role(pg_server):  # noqa: ANN001, ANN201
    name = f"pgsd_glob_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, f"CREATE ROLE {name}")
    made: list[str] = []
    yield name, made
    for dsn in made:
        try:
            pg_server.execute(dsn, f"DROP OWNED BY {name}")
        except psycopg.OperationalError:
            pass  # the database is gone already
    pg_server.execute(pg_server.admin_dsn, f"DROP ROLE {name}")


def test_include_keeps_only_what_it_names_and_the_containers_it_needs(pg_server, new_db, role, tmp_path) -> None:  # noqa: ANN001
    name, made = role
    source, target = new_db(), new_db()
    made += [source, target]
    pg_server.execute(source, GLOB_SOURCE.format(role=name))
    pg_server.execute(target, GLOB_TARGET)
    out = run(tmp_path, "diff", source, target, "--include", "orders")
    assert out.returncode == 1, out.stderr
    statements = body(out.stdout)
    # before: GRANT USAGE ON SCHEMA billing ... and CREATE EXTENSION citext came through
    assert not any("billing" in s or "EXTENSION" in s for s in statements), out.stdout
    assert any(s.startswith("ALTER TABLE shop.orders") for s in statements), out.stdout
    pg_server.execute(target, out.stdout)
    again = run(tmp_path, "diff", source, target, "--include", "orders")
    assert again.returncode == 0 and body(again.stdout) == [], again.stdout
    # an included table that uses the extension pulls it in, and it applies
    pg_server.execute(source, "ALTER TABLE shop.orders ADD COLUMN email citext")
    needs = run(tmp_path, "diff", source, target, "--include", "orders")
    assert needs.returncode == 1, needs.stderr
    statements = body(needs.stdout)
    assert any(s.startswith("CREATE EXTENSION IF NOT EXISTS citext") for s in statements), needs.stdout
    assert not any("billing" in s for s in statements), needs.stdout
    pg_server.execute(target, needs.stdout)
    assert run(tmp_path, "diff", source, target, "--include", "orders").returncode == 0
    # the schema-wide grant is still there to compare when billing is named
    billing = run(tmp_path, "diff", source, target, "--include", "billing")
    assert any(s.startswith("GRANT USAGE ON SCHEMA billing") for s in body(billing.stdout)), billing.stdout


def test_exclude_leaves_out_an_extension_by_name_unless_a_kept_object_uses_it(pg_server, new_db, tmp_path) -> None:  # noqa: ANN001
    source, target = new_db(), new_db()
    pg_server.execute(source, "CREATE EXTENSION citext; CREATE TABLE t (id int)")
    pg_server.execute(target, "CREATE TABLE t (id int)")
    out = run(tmp_path, "diff", source, target, "--exclude", "citext")
    assert out.returncode == 0 and body(out.stdout) == [], out.stdout
    pg_server.execute(source, "ALTER TABLE t ADD COLUMN e citext")
    needed = run(tmp_path, "diff", source, target, "--exclude", "citext")
    assert any(s.startswith("CREATE EXTENSION IF NOT EXISTS citext") for s in body(needed.stdout)), needed.stdout
    pg_server.execute(target, needed.stdout)
    assert run(tmp_path, "diff", source, target).returncode == 0
