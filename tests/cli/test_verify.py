"""--verify: a plan tried on a scratch copy of the target's schema, on a real server (--scratch).

The scratch database is made on the test server itself (the admin DSN) and must be gone
afterwards; the target is never changed by a verification.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest

from tests.cli.test_apply import SOURCE_SQL, TARGET_SQL, _exists, _write_plan
from tests.cli.test_cli import pgsd  # noqa: F401 - the fixture

# The leftover check lists the test server's verify databases: another test verifying on the
# same server at the same moment (the app's verify) would show in it, so they share a worker.
pytestmark = pytest.mark.xdist_group("verify-on-the-test-server")


def _databases_from(pg_server, new_db, source_sql: str, target_sql: str) -> tuple[str, str]:
    source, target = new_db(), new_db()
    pg_server.execute(source, source_sql)
    pg_server.execute(target, target_sql)
    return source, target


@pytest.fixture
def pair(pg_server, new_db) -> tuple[str, str]:
    return _databases_from(pg_server, new_db, SOURCE_SQL, TARGET_SQL)


def _scratch_databases(pg_server) -> list[str]:
    """The verify databases on the test server (SQL sides' shadow databases of tests running
    side by side are theirs to check)."""
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        return [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'pgsd\\_scratch\\_verify\\_%'")]


def test_diff_verify_says_verified(pgsd, pg_server, pair):  # noqa: F811
    source, target = pair
    r = pgsd("diff", source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert r.returncode == 1, r.stderr  # differences, and the plan is verified
    assert "pgsd: verified: the plan's" in r.stderr
    assert "CREATE TABLE shop.customers" in r.stdout
    assert not _exists(target, "shop.customers")  # the target is untouched
    assert _scratch_databases(pg_server) == []


def test_a_hand_broken_plan_fails_verification_and_is_not_applied(pgsd, pg_server, pair, tmp_path: Path):  # noqa: F811
    """A statement replaced by valid SQL that does something else: it runs, but the result is not the source."""
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    statements = doc["plan"]["statements"]
    i = next(i for i, s in enumerate(statements) if s["sql"].startswith("CREATE TABLE shop.customers"))
    statements[i]["sql"] = "CREATE TABLE shop.customers (id int, name varchar(10))"
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert r.returncode == 6, r.stderr
    assert "verification failed: the plan ran, but" in r.stderr
    assert "still different: changed column:shop.customers.name" in r.stderr
    assert "nothing was applied" in r.stderr
    assert not _exists(target, "shop.customers")
    assert _scratch_databases(pg_server) == []


def test_a_failing_statement_is_named(pgsd, pg_server, pair, tmp_path: Path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    doc["plan"]["statements"][0]["sql"] = "ALTER TABLE shop.nowhere ADD COLUMN x int"
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert r.returncode == 6, r.stderr
    assert ("verification failed: statement 1 of" in r.stderr
            and 'ALTER TABLE shop.nowhere ADD COLUMN x int: relation "shop.nowhere" does not exist' in r.stderr)
    assert not _exists(target, "shop.customers")


def test_rows_make_a_not_null_fail_in_the_proof(pgsd, pg_server, new_db):  # noqa: F811
    source, target = new_db(), new_db()
    pg_server.execute(source, "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)")
    pg_server.execute(target, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, NULL)")
    without = pgsd("diff", source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert without.returncode == 1 and "pgsd: verified" in without.stderr, without.stderr
    rows = pgsd("diff", source, target, "--verify-rows", "10", "--scratch", pg_server.admin_dsn)
    assert rows.returncode == 6, rows.stderr
    assert "because of the rows copied from the target" in rows.stderr
    assert 'column "v" of relation "t" contains null values' in rows.stderr
    assert "rows copied from the target: 2" in rows.stderr
    assert _scratch_databases(pg_server) == []


def test_kinds_pgsd_does_not_model_are_listed(pgsd, pg_server, pair):  # noqa: F811
    source, target = pair
    # a large object: data pgsd does not compare (operators, once the example here, are compared now)
    pg_server.execute(target, "SELECT lo_create(4242)")
    r = pgsd("diff", source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert "not modelled by pgsd, so not in the scratch database: 1 large object" in r.stderr, r.stderr


def test_apply_verify_then_applies(pgsd, pg_server, pair):  # noqa: F811
    source, target = pair
    r = pgsd("apply", source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert r.returncode == 0, r.stderr
    assert "pgsd: verified" in r.stderr and r.stdout.startswith("converged")


# A plan reaching a small part of the target: the copy holds that part only (workflow.verify_scope).
UNRELATED = "".join(f"CREATE TABLE shop.unrelated_{i} (id int PRIMARY KEY, v text);\n" for i in range(12))
REACH_TARGET = """
CREATE SCHEMA shop;
CREATE TABLE shop.customers (id int PRIMARY KEY, name varchar(40));
CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int REFERENCES shop.customers);
CREATE VIEW shop.names AS SELECT id, name FROM shop.customers;
""" + UNRELATED
REACH_SOURCE = REACH_TARGET.replace("name varchar(40)", "name varchar(80)")


@pytest.fixture
def wide_pair(pg_server, new_db) -> tuple[str, str]:
    return _databases_from(pg_server, new_db, REACH_SOURCE, REACH_TARGET)


def test_the_copy_holds_the_part_of_the_target_the_plan_reaches(pgsd, pg_server, wide_pair):  # noqa: F811
    source, target = wide_pair
    r = pgsd("diff", source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert r.returncode == 1 and "pgsd: verified: the plan's" in r.stderr, r.stderr
    # the customers (with the view pgsd drops and recreates around the type change) and what
    # they need; not the twelve unrelated tables
    held = re.search(r"the copy held the (\d+) of the target's (\d+) objects the plan can reach", r.stderr)
    assert held is not None, r.stderr
    assert int(held.group(1)) < int(held.group(2)) - 12 * 3
    whole = pgsd("diff", source, target, "--verify-whole", "--scratch", pg_server.admin_dsn)
    assert whole.returncode == 1 and "pgsd: verified: the plan's" in whole.stderr, whole.stderr
    assert f"the copy held all of the target's {held.group(2)} objects: asked with --verify-whole" in whole.stderr
    assert _scratch_databases(pg_server) == []


def test_a_plan_from_a_file_is_tried_on_the_whole_target(pgsd, pg_server, wide_pair, tmp_path: Path):  # noqa: F811
    """Statements of a file may have been edited (here: a CASCADE that takes the orders' foreign key
    along, outside what the statement's key says): only a copy of the whole target shows it."""
    source, target = wide_pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    statements = doc["plan"]["statements"]
    i = next(i for i, s in enumerate(statements) if s["sql"].startswith("ALTER TABLE shop.customers ALTER COLUMN"))
    statements[i:i + 1] = [
        {**statements[i], "sql": "ALTER TABLE shop.customers DROP CONSTRAINT customers_pkey CASCADE"},
        statements[i],
        {**statements[i], "sql": "ALTER TABLE shop.customers ADD PRIMARY KEY (id)"},
    ]
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), source, target, "--verify", "--scratch", pg_server.admin_dsn)
    assert r.returncode == 6, r.stderr
    assert "the plan was read from a file, and may have been edited" in r.stderr
    assert "still different: added constraint:shop.orders.orders_customer_id_fkey" in r.stderr
    assert _scratch_databases(pg_server) == []


# A partial plan: changes left out (a decisions file, the app's selection) or withheld by --safe.
PARTIAL_TARGET = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2), legacy text);
CREATE TABLE shop.archive (id int PRIMARY KEY);
INSERT INTO shop.orders VALUES (1, 10, 'x');
"""
PARTIAL_SOURCE = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(12,2), note text);
CREATE TABLE shop.customers (id int PRIMARY KEY, name text);
"""


@pytest.fixture
def partial_pair(pg_server, new_db) -> tuple[str, str]:
    return _databases_from(pg_server, new_db, PARTIAL_SOURCE, PARTIAL_TARGET)


def test_changes_left_out_are_not_reported_as_still_different(pgsd, pg_server, partial_pair, tmp_path: Path):  # noqa: F811
    source, target = partial_pair
    decisions = tmp_path / "decisions.toml"
    decisions.write_text('version = 1\n[[leave_out]]\nkey = "table:shop.customers"\n')
    r = pgsd("diff", source, target, "--decisions", str(decisions), "--verify", "--scratch", pg_server.admin_dsn)
    assert "CREATE TABLE shop.customers" not in r.stdout and "ADD COLUMN note" in r.stdout, r.stdout
    assert r.returncode == 1, r.stderr
    assert "pgsd: verified: the plan's" in r.stderr, r.stderr
    assert "still different" not in r.stderr
    # the table and its column and primary key: the planner counts each
    assert "4 of the 4 change(s) left out of the plan stayed as in the target" in r.stderr, r.stderr
    assert _scratch_databases(pg_server) == []


def test_statements_withheld_by_safe_are_not_reported_as_still_different(pgsd, pg_server, partial_pair):  # noqa: F811
    source, target = partial_pair
    r = pgsd("diff", source, target, "--safe", "--verify", "--scratch", pg_server.admin_dsn)
    assert re.search(r"^DROP TABLE shop\.archive", r.stdout, re.M) is None, r.stdout  # listed as withheld only
    assert "--   DROP TABLE shop.archive" in r.stdout and "CREATE TABLE shop.customers" in r.stdout, r.stdout
    assert r.returncode == 1, r.stderr
    assert "pgsd: verified: the plan's" in r.stderr, r.stderr
    assert "still different" not in r.stderr
    assert re.search(r"withheld by --safe", r.stderr), r.stderr


VIEW_TARGET = """
CREATE TABLE t (a int);
INSERT INTO t VALUES (1), (2);
CREATE VIEW v AS SELECT a FROM t;
"""
VIEW_SOURCE = """
CREATE TABLE t (a bigint);
CREATE VIEW v AS SELECT a, 1 AS one FROM t;
"""


def test_a_change_not_selected_that_the_plan_makes_all_the_same_is_not_called_left_out(
        pgsd, pg_server, new_db, tmp_path: Path):  # noqa: F811
    """The view's new column is not selected, but the column type change drops the view, and the
    planner recreates it as the source has it: the script says so instead of listing it as left out."""
    source, target = _databases_from(pg_server, new_db, VIEW_SOURCE, VIEW_TARGET)
    decisions = tmp_path / "decisions.toml"
    decisions.write_text('version = 1\n[[leave_out]]\nkey = "view:public.v"\n')
    r = pgsd("diff", source, target, "--decisions", str(decisions), "--verify", "--verify-rows", "10",
             "--scratch", pg_server.admin_dsn)
    assert "1 AS one" in r.stdout, r.stdout  # the plan's own recreation
    assert "left out: view:public.v" not in r.stdout and "-- partial:" not in r.stdout, r.stdout
    assert "1 change(s) not selected are made all the same" in r.stdout and "(view:public.v)" in r.stdout, r.stdout
    assert r.returncode == 1 and "pgsd: verified: the plan's" in r.stderr, r.stderr
    assert "left out" not in r.stderr, r.stderr
    assert "rows copied from the target: 2" in r.stderr, r.stderr  # the type change ran over rows


def test_a_plan_file_that_makes_a_left_out_change_is_named(pgsd, pg_server, partial_pair, tmp_path: Path):  # noqa: F811
    """A plan whose statements were edited to make a change it lists as left out: the verification
    names the change (a note; the result is what the statements say)."""
    source, target = partial_pair
    decisions = tmp_path / "decisions.toml"
    decisions.write_text('version = 1\n[[leave_out]]\nkey = "table:shop.customers"\n')
    path = _write_plan(pgsd, source, target, tmp_path, "--decisions", str(decisions))
    doc = json.loads(path.read_text())
    assert "table:shop.customers" in doc["plan"]["left_out"]
    first = doc["plan"]["statements"][0]
    doc["plan"]["statements"].append({**first, "sql": "CREATE TABLE shop.customers (id int PRIMARY KEY, name text)",
                                      "key": "table:shop.customers"})
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), source, target, "--verify", "--scratch", pg_server.admin_dsn,
             "--allow-data-loss")
    assert "note: left out, but the plan changed it all the same: created table:shop.customers" in r.stderr, r.stderr
    assert "0 of the 4 change(s) left out of the plan stayed as in the target" in r.stderr, r.stderr
    assert _scratch_databases(pg_server) == []
