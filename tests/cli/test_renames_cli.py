"""Renames from the command line: suggestions ready to paste, --renames auto, --rename, --decisions."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import psycopg
import pytest

from tests.cli.test_cli import pgsd  # noqa: F401 - the fixture
from tests.cli.test_help_texts import help_of
from tests.cli.test_reports_cli import PLAN_SCHEMA, _validate

# A hostile table name (a quote, a semicolon, SQL inside) renamed to another.
TARGET_SQL = """
CREATE SCHEMA shop;
CREATE TABLE shop."we""ird; name" (id int PRIMARY KEY, label text NOT NULL, price numeric(8,2));
CREATE VIEW shop.cheap AS SELECT id, label FROM shop."we""ird; name" WHERE price < 10;
CREATE TABLE shop.audit_log (id int, at timestamptz, msg text);
INSERT INTO shop."we""ird; name" VALUES (1, 'a', 5), (2, 'b', 50);
"""
SOURCE_SQL = """
CREATE SCHEMA shop;
CREATE TABLE shop."items; DROP TABLE x" (id int PRIMARY KEY, label text NOT NULL, price numeric(8,2));
CREATE VIEW shop.cheap AS SELECT id, label FROM shop."items; DROP TABLE x" WHERE price < 10;
CREATE TABLE shop.audit_events (id int, at timestamptz, msg varchar(200));
"""
OLD = 'shop."we""ird; name"'
NEW = 'shop."items; DROP TABLE x"'


@pytest.fixture
def pair(pg_server, new_db) -> tuple[str, str]:
    source, target = new_db(), new_db()
    pg_server.execute(source, SOURCE_SQL)
    pg_server.execute(target, TARGET_SQL)
    return source, target


def _count(dsn: str, table: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert row is not None
        return int(row[0])


def _pasted_options(stderr: str) -> list[str]:
    """Every ``--rename ...`` a suggestion line ends with, split as a shell would."""
    out: list[str] = []
    for line in stderr.splitlines():
        if "--rename " in line:
            out += shlex.split(line[line.index("--rename "):])
    return out


def test_suggestions_paste_back_and_apply_keeps_rows(pgsd, pair):  # noqa: F811
    source, target = pair
    r = pgsd("diff", source, target)
    assert r.returncode == 1, r.stderr
    assert "DROP TABLE shop.\"we\"\"ird; name\"" in r.stdout  # nothing renamed without a decision
    options = _pasted_options(r.stderr)
    assert options[:2] == ["--rename", f"{OLD}={NEW}"], r.stderr
    # the similar audit tables are suggested, never as exact
    assert "shop.audit_log -> shop.audit_events: 2 of 4 columns alike (score" in r.stderr
    assert "--rename shop.audit_log=shop.audit_events" in r.stderr
    r = pgsd("diff", source, target, *options[:2])
    assert r.returncode == 1, r.stderr
    assert r.stdout.count("RENAME") == 1
    assert 'ALTER TABLE shop."we""ird; name" RENAME TO "items; DROP TABLE x";' in r.stdout
    assert "CREATE OR REPLACE VIEW" not in r.stdout and "DROP VIEW" not in r.stdout
    r = pgsd("apply", source, target, *options[:2], "--allow-data-loss")
    assert r.returncode == 0, r.stderr
    assert _count(target, NEW) == 2


def test_auto_takes_the_exact_rename_only(pgsd, pair):  # noqa: F811
    source, target = pair
    r = pgsd("diff", source, target, "--renames", "auto", "--format", "json")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert [(x["kind"], x["old"], x["new"]) for x in doc["renames"]] == [
        ("table", OLD, NEW), ("constraint", f'{OLD}."we""ird; name_pkey"', f'{NEW}."items; DROP TABLE x_pkey"')]
    assert [(x["old"], x["exact"]) for x in doc["rename_candidates"]] == [("shop.audit_log", False)]
    renamed = [c for c in doc["changes"] if c.get("renamed_from")]
    _validate(doc, PLAN_SCHEMA)
    assert (f"table:{NEW}", f"table:{OLD}") in [(c["key"], c["renamed_from"]) for c in renamed]
    assert "DROP TABLE shop.audit_log" in doc["plan"]["sql"]  # the near-candidate stays a drop and a create
    off = pgsd("diff", source, target, "--renames", "off")
    assert "rename candidate" not in off.stderr


def test_decisions_file_replays_and_reports_stale_ones(pgsd, pair, tmp_path):  # noqa: F811
    source, target = pair
    decisions = tmp_path / "decisions.toml"
    decisions.write_text(
        "version = 1\n"
        f"[[rename]]\nold = '{OLD}'\nnew = '{NEW}'\n"
        "[[rename]]\nold = 'shop.gone'\nnew = 'shop.cheap'\n"
        "[[leave_out]]\nkey = 'table:shop.audit_events'\n"
        "[[leave_out]]\nkey = 'table:shop.never'\n"
    )
    r = pgsd("diff", source, target, "--decisions", str(decisions), "--format", "json")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["stale_decisions"] == [
        "stale decision: rename shop.gone=shop.cheap: already done (shop.cheap is in the target and shop.gone is not)",
        "stale decision: leave out table:shop.never: no such change",
    ]
    assert "pgsd: warning: stale decision: rename shop.gone=shop.cheap: already done" in r.stderr
    assert "CREATE TABLE shop.audit_events" not in doc["plan"]["sql"]
    _validate(doc, PLAN_SCHEMA)
    assert 'RENAME TO "items; DROP TABLE x"' in doc["plan"]["sql"]
    # --rename on the command line adds to the file's decisions
    r = pgsd("apply", source, target, "--decisions", str(decisions), "--allow-data-loss")
    assert r.returncode == 1, r.stderr  # the left-out table is still missing: not converged
    assert "not converged" in r.stdout and "added table:shop.audit_events" in r.stderr
    assert _count(target, NEW) == 2


@pytest.mark.parametrize(("content", "message"), [
    ("[[rename]\n", "is not valid TOML"),
    ("version = 7\n", "has version 7"),
    ("[[rename]]\nold = 'a'\n", 'needs new = "..."'),
    (b"\xff\xfe", "is not UTF-8 text"),
])
def test_malformed_decisions_file_is_one_line_exit_2(pgsd, pair, tmp_path, content, message):  # noqa: F811
    source, target = pair
    path = tmp_path / "d.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    r = pgsd("diff", source, target, "--decisions", str(path))
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr, r.stderr


def test_missing_decisions_file_and_bad_rename_are_exit_2(pgsd, tmp_path):  # noqa: F811
    r = pgsd("diff", "a.json", "b.json", "--decisions", str(tmp_path / "nope.toml"))
    assert r.returncode == 2
    r = pgsd("diff", "a.json", "b.json", "--rename", "shop.a")
    assert r.returncode == 2 and "is not OLD=NEW" in r.stderr


def test_help_documents_renames() -> None:
    for command in ("diff", "apply"):
        text = help_of(command)
        for option in ("--renames {off,suggest,auto}", "--rename OLD=NEW", "--decisions FILE"):
            assert option in text, (command, option)
        assert "schema.table.column" in text


def test_readme_documents_renames() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "--rename OLD=NEW" in readme and "--decisions" in readme and "--renames auto" in readme
