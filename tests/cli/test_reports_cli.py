"""`pgsd diff --format markdown|html`, the CI gates (--fail-on, --strict-coverage) and the
published JSON Schemas, through the real command against real databases."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.cli.test_cli import dbs, pgsd  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
PLAN_SCHEMA = json.loads((ROOT / "pgsd" / "export" / "plan.schema.json").read_text())
SNAPSHOT_SCHEMA = json.loads((ROOT / "docs" / "snapshot.schema.json").read_text())


def _validate(doc: object, schema: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


def test_markdown_and_html_reports(dbs, pgsd, tmp_path):  # noqa: F811
    source, target = dbs
    md = pgsd("diff", source, target, "--format", "markdown")
    assert md.returncode == 1, md.stderr
    assert md.stdout.startswith("## pgsd schema review")
    assert "drops table shop.legacy and all its rows" in md.stdout and "<details>" in md.stdout
    out = pgsd("diff", source, target, "--format", "html", "-o", "review.html")
    assert out.returncode == 1 and out.stdout == "", out.stderr
    page = (tmp_path / "review.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "shop.legacy" in page
    short = pgsd("diff", source, target, "--format", "markdown", "--report-limit", "1000")
    assert short.returncode == 1 and len(short.stdout) <= 1000 and "Shortened" in short.stdout
    bad = pgsd("diff", source, target, "--format", "markdown", "--report-limit", "ten")
    assert bad.returncode == 2 and "invalid limit" in bad.stderr


def test_fail_on_exits_3_only_for_the_named_hazards(dbs, pgsd):  # noqa: F811
    source, target = dbs
    hit = pgsd("diff", source, target, "--fail-on", "table-rewrite,data_loss", "--format", "summary")
    assert hit.returncode == 3, hit.stderr
    assert "differences:" in hit.stdout  # the result is written before the gate
    assert "--fail-on: the plan has 1 data-loss" in hit.stderr and len(hit.stderr.strip().splitlines()) == 1
    missed = pgsd("diff", source, target, "--fail-on", "cannot-run-in-transaction")
    assert missed.returncode == 1, missed.stderr
    same = pgsd("diff", source, source, "--fail-on", "data-loss")
    assert same.returncode == 0, same.stderr
    withheld = pgsd("diff", source, target, "--fail-on", "data-loss", "--safe")
    assert withheld.returncode == 1, withheld.stderr  # --safe left the drop out of the plan
    unknown = pgsd("diff", source, target, "--fail-on", "explosion")
    assert unknown.returncode == 2 and "unknown hazard 'explosion'" in unknown.stderr


def test_strict_coverage_exits_2_on_kinds_not_compared(pg_server, dbs, pgsd):  # noqa: F811
    source, target = dbs
    plain = pgsd("diff", source, target, "--strict-coverage")
    assert plain.returncode == 1, plain.stderr
    pg_server.execute(target, "SELECT lo_create(0)")  # text search objects are compared now (issue 24)
    strict = pgsd("diff", source, target, "--strict-coverage")
    assert strict.returncode == 2
    assert "--strict-coverage: target: not compared: 1 large object" in strict.stderr
    assert "DROP TABLE shop.legacy" in strict.stdout
    assert pgsd("diff", source, target).returncode == 1  # without the option: listed only


@pytest.mark.parametrize("fmt_args", [(), ("--safe", "--no-transaction", "--lock-timeout", "5s")])
def test_every_json_pgsd_writes_matches_the_published_schemas(pg_server, dbs, pgsd, tmp_path,  # noqa: F811
                                                                fmt_args):
    source, target = dbs
    pg_server.execute(target, "ANALYZE")  # sizes for the hazards
    for args in ((source, target), (target, source), (source, source)):
        out = pgsd("diff", *args, "--format", "json", *fmt_args)
        assert out.returncode in (0, 1), out.stderr
        _validate(json.loads(out.stdout), PLAN_SCHEMA)
    made = pgsd("snapshot", target, "-o", "t.json")
    assert made.returncode == 0, made.stderr
    snapshot = json.loads((tmp_path / "t.json").read_text())
    _validate(snapshot, SNAPSHOT_SCHEMA)
    assert snapshot["table_stats"]["table:shop.legacy"]["bytes"] > 0
    from_file = pgsd("diff", source, "t.json", "--format", "json")
    doc = json.loads(from_file.stdout)
    _validate(doc, PLAN_SCHEMA)
    [drop] = [s for s in doc["plan"]["statements"] if s["sql"].startswith("DROP TABLE")]
    assert drop["hazards"][0]["table"] == "table:shop.legacy" and drop["hazards"][0]["bytes"] > 0


def test_the_schemas_reject_what_they_should():
    doc = {"format_version": 1}
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc, PLAN_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        _validate({"format_version": 3, "objects": [{"name": "x"}]}, SNAPSHOT_SCHEMA)
