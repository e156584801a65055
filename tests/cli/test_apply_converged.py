"""`pgsd apply --plan FILE TARGET` without SOURCE still says whether the target converged.

The plan file records every difference with the source's object (``source_object``); after
the plan ran, the target read again is compared with the target read before plus those
differences (``pgsd.workflow.converged``). Each test checks the verdict against what the
databases hold: a plain ``pgsd diff SOURCE TARGET`` afterwards, or the catalog itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_apply import _exists, _has_column, _write_plan, pair  # noqa: F401 - the fixture
from tests.cli.test_cli import pgsd  # noqa: F401 - the fixture


def test_plan_file_records_the_source_objects(pgsd, pair, tmp_path: Path):  # noqa: F811
    source, target = pair
    doc = json.loads(_write_plan(pgsd, source, target, tmp_path).read_text())
    by_key = {c["key"]: c for c in doc["changes"]}
    added = by_key["column:shop.orders.note"]
    assert added["status"] == "added"
    assert added["source_object"]["kind"] == "column" and added["source_object"]["name"] == "note"
    assert all("source_object" in c for c in doc["changes"] if c["status"] != "removed")


def test_a_plan_that_converges_says_so_without_the_source(pgsd, pg_server, new_db, tmp_path: Path):  # noqa: F811
    source, target = new_db(), new_db()
    pg_server.execute(source, "CREATE TABLE kept (id int PRIMARY KEY, v varchar(20) NOT NULL DEFAULT 'x');"
                              "CREATE TABLE added (id int);")
    pg_server.execute(target, "CREATE TABLE kept (id int PRIMARY KEY, v varchar(10));"
                              "CREATE TABLE dropped (id int); INSERT INTO kept VALUES (1, 'a')")
    path = _write_plan(pgsd, source, target, tmp_path, "--format", "json")
    r = pgsd("apply", "--plan", str(path), target, "--allow-data-loss")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ("converged: the target matches the source the plan was made from "
                                "(as the plan file records it)")
    assert pgsd("diff", source, target).returncode == 0  # the independent check: nothing left
    assert not _exists(target, "public.dropped")


def test_a_broken_plan_is_not_converged_without_the_source(pgsd, pair, tmp_path: Path):  # noqa: F811
    """A statement replaced by valid SQL that does something else: it runs, and what is left is named."""
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    statements = doc["plan"]["statements"]
    i = next(i for i, s in enumerate(statements) if s["sql"].startswith("CREATE TABLE shop.customers"))
    statements[i]["sql"] = "CREATE TABLE shop.customers (id int, name varchar(10))"
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("not converged:")
    assert "changed column:shop.customers.name" in r.stderr
    assert _exists(target, "shop.customers")  # it ran
    assert pgsd("diff", source, target).returncode == 1  # and the target indeed differs


def test_an_extra_change_on_the_side_is_not_converged(pgsd, pair, tmp_path: Path):  # noqa: F811
    """An object the plan does not record changes while applying: the target as read before stands for it."""
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    doc["plan"]["statements"].append({"sql": "ALTER TABLE shop.orders ADD COLUMN surprise int", "key": "",
                                      "action": "", "reason": "", "transactional": True, "hazards": []})
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 1, r.stderr
    assert "removed column:shop.orders.surprise" in r.stderr
    assert _has_column(target, "shop.orders", "surprise")


def test_an_older_plan_file_applies_and_says_why_there_is_no_check(pgsd, pair, tmp_path: Path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    for change in doc["changes"]:
        change.pop("source_object", None)
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("applied (the plan file does not record the source's objects")
    assert _exists(target, "shop.customers")


def test_after_force_on_a_drifted_target_only_the_source_can_say(pgsd, pg_server, pair, tmp_path: Path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    pg_server.execute(target, "CREATE TABLE shop.later (id int)")
    r = pgsd("apply", "--plan", str(path), target, "--force")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("applied (the target had changed since the plan was made")


def test_a_malformed_source_object_is_one_line(pgsd, pair, tmp_path: Path):  # noqa: F811
    source, target = pair
    path = _write_plan(pgsd, source, target, tmp_path)
    doc = json.loads(path.read_text())
    change = next(c for c in doc["changes"] if c["status"] != "removed")
    change["source_object"] = {"kind": "column", "name": 5}
    path.write_text(json.dumps(doc))
    r = pgsd("apply", "--plan", str(path), target)
    assert r.returncode == 2, r.stderr
    assert "has a malformed source_object" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not _exists(target, "shop.customers")
