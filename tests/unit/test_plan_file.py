"""Plan JSON read back (``pgsd apply --plan``), fingerprints in it, and how a plan runs in segments."""

from __future__ import annotations

import json

import pytest

from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.errors import PlanFileError
from pgsd.export.plan_file import parse_plan_json
from pgsd.export.render import render_json
from pgsd.model.fingerprint import fingerprint, side_fingerprint
from pgsd.model.objects import Column, Schema, Table
from pgsd.model.snapshot import Dependency, Filters, Snapshot
from pgsd.workflow.apply import data_loss_statements, segments


def _snap(*tables: str, filters: Filters | None = None) -> Snapshot:
    objects = [Schema(name="shop")]
    deps = []
    for t in tables:
        objects.append(Table(schema_name="shop", name=t))
        objects.append(Column(schema_name="shop", table=t, name="id", type="integer", position=1))
        deps.append(Dependency(f"table:shop.{t}", "schema:shop"))
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), dependencies=tuple(deps),
                    filters=filters or Filters())


def _json(source: Snapshot, target: Snapshot, **plan_options) -> str:
    changes = diff_snapshots(source=source, target=target)
    plan = build_plan(changes, PlanOptions(**plan_options))
    return render_json(changes, plan, generated_at="2030-01-01T00:00:00+00:00", pgsd_version="test")


def test_round_trip_gives_the_same_plan_and_fingerprints():
    source, target = _snap("orders", "customers"), _snap("orders", "legacy")
    text = _json(source, target)
    read = parse_plan_json(text)
    changes = diff_snapshots(source=source, target=target)
    assert read.plan.statements == build_plan(changes).statements
    assert read.target.fingerprint == fingerprint(target) == json.loads(text)["target"]["fingerprint"]
    assert read.source.fingerprint == fingerprint(source)
    assert read.plan.transaction is True
    assert data_loss_statements(read.plan), "dropping shop.legacy loses data"


def test_fingerprint_of_a_side_is_taken_as_it_reads_alone():
    """With object globs a container may be kept for the other side's sake; the plan's
    fingerprint is the target limited on its own, as pgsd apply --plan reads it again."""
    f = Filters(include_objects=("orders",))
    target = _snap("orders", "legacy", filters=f)
    (alone,) = f.scope(target)
    _, beside = f.scope(_snap("orders", filters=f), target)
    assert side_fingerprint(target) == side_fingerprint(beside) == fingerprint(alone)


@pytest.mark.parametrize("mangle, message", [
    (lambda d: d.update(format_version=2), "format_version 2"),
    (lambda d: d.pop("plan"), "plan is missing"),
    (lambda d: d["plan"].update(statements="x"), "plan.statements is missing"),
    (lambda d: d["plan"]["statements"][0].update(sql=""), "statement 1 has no sql"),
    (lambda d: d["plan"]["statements"][0].update(hazards=[{"type": "boom"}]), "unknown hazard 'boom'"),
    (lambda d: d["target"].pop("fingerprint"), "no target fingerprint"),
    (lambda d: d["source"].update(filters={"bogus": 1}), "source.filters are not pgsd filters"),
])
def test_malformed_plans_are_one_line_errors(mangle, message):
    doc = json.loads(_json(_snap("orders", "customers"), _snap("orders")))
    mangle(doc)
    with pytest.raises(PlanFileError, match=message.replace("(", r"\(")):
        parse_plan_json(json.dumps(doc), name="plan.json")


def test_bytes_that_are_not_utf8():
    with pytest.raises(PlanFileError, match="not UTF-8"):
        parse_plan_json(b"\xff\xfe{}")


def _st(sql: str, transactional: bool = True, loss: bool = False) -> Statement:
    hazards = (Hazard(type=HazardType.DATA_LOSS, message="x"),) if loss else ()
    return Statement(sql=sql, key=sql, action="alter", transactional=transactional, hazards=hazards)


def test_segments_follow_the_plan_batches():
    plan = Plan(statements=(_st("a"), _st("b"), _st("c", False), _st("d", False), _st("e", loss=True)))
    segs = segments(plan)
    assert [(s.number, s.in_transaction, s.first, s.last) for s in segs] == [
        (1, True, 1, 2), (2, False, 3, 3), (3, False, 4, 4), (4, True, 5, 5)]
    assert [s.retriable for s in segs] == [True, False, False, True]
    assert segs[0].describe() == "segment 1 (statements 1-2, one transaction)"
    assert data_loss_statements(plan) == [5]
    alone = segments(plan.model_copy(update={"transaction": False}))
    assert [(s.in_transaction, s.first) for s in alone] == [(False, i) for i in range(1, 6)]


def test_recorded_differences_rebuild_the_source_from_the_target():
    """The plan file's source objects plus the target as read before make a state that compares
    equal to the source (``workflow.converged``), and unequal to a target the plan did not change."""
    from pgsd.workflow.converged import expected_snapshot, left_after  # noqa: PLC0415

    source = _snap("orders", "customers")
    target = _snap("orders", "legacy")
    source = source.model_copy(update={"objects": tuple(sorted(
        [*source.objects, Column(schema_name="shop", table="orders", name="note", type="text", position=2)],
        key=lambda o: o.key))})
    read = parse_plan_json(_json(source, target))
    assert read.recorded is not None
    by_key = {c.key: c for c in read.recorded}
    assert by_key["table:shop.legacy"].source_object is None
    assert by_key["column:shop.orders.note"].source_object == source.by_key["column:shop.orders.note"]
    removed = [c.key for c in read.recorded if c.source_object is None]
    objects = [c.source_object for c in read.recorded if c.source_object is not None]
    expected = expected_snapshot(target, removed, objects, None)
    assert left_after(expected, source, read.options).is_empty
    assert {c.key for c in left_after(expected, target, read.options).changes} == set(by_key)


def test_a_plan_file_without_source_objects_records_nothing():
    doc = json.loads(_json(_snap("orders", "customers"), _snap("orders")))
    for change in doc["changes"]:
        change.pop("source_object", None)
    assert parse_plan_json(json.dumps(doc)).recorded is None


def test_a_source_object_under_another_key_is_refused():
    doc = json.loads(_json(_snap("orders", "customers"), _snap("orders")))
    change = next(c for c in doc["changes"] if c["status"] == "added")
    change["key"] = "table:shop.elsewhere"
    with pytest.raises(PlanFileError, match="holds the object"):
        parse_plan_json(json.dumps(doc))
