"""Statements made and copied without validation (pgsd.ddl.plan, "Statements without validation")
are the objects validation and ``model_copy`` make."""

from __future__ import annotations

from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.planner import build_plan
from pgsd.ddl.render.base import stmt
from pgsd.diff.changes import diff_snapshots
from pgsd.model.objects import Column, Constraint, Index, Schema, Table
from pgsd.model.snapshot import Dependency, Snapshot


def _validated_twin(s: Statement) -> Statement:
    """The statement validation makes from the fields ``s`` says are set."""
    return Statement(**{name: getattr(s, name) for name in s.model_fields_set})


def _same(fast: Statement, slow: Statement) -> None:
    assert fast == slow
    assert fast.__dict__ == slow.__dict__
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_dump_json() == slow.model_dump_json()
    assert hash(fast) == hash(slow)
    assert {name: type(value) for name, value in fast.__dict__.items()} == \
        {name: type(value) for name, value in slow.__dict__.items()}


def test_every_field_is_filled():
    made = stmt("CREATE TABLE s.t ()", Table(schema_name="s", name="t"), "create")
    assert set(made.__dict__) == set(Statement.model_fields)


def test_rendered_statements_equal_validated_ones():
    table = Table(schema_name="s", name="t")
    long_lock = Hazard(type=HazardType.LONG_LOCK, message="locks s.t")
    cases = [
        stmt("CREATE TABLE s.t ()", table, "create"),
        stmt("ALTER TABLE s.t ADD c int", table, "alter", long_lock,
             Hazard(type=HazardType.TABLE_REWRITE, message="rewrites s.t"), transactional=False),
        # lists where tuples are declared: made tuples, as validation would
        stmt("ALTER SEQUENCE s.q OWNED BY s.t.c", table, "alter", requires=["column:s.t.c"],  # type: ignore[arg-type]
             key="sequence:s.q", creates=["column:s.u.c"], drops=["sequence:s.r"])  # type: ignore[arg-type]
    ]
    for made in cases:
        _same(made, _validated_twin(made))
    assert cases[2].requires == ("column:s.t.c",) and cases[2].key == "sequence:s.q"


def test_reasoned_copies_equal_model_copies():
    table = Table(schema_name="s", name="t")
    for made in (stmt("CREATE TABLE s.t ()", table, "create"),
                 Statement(sql="CREATE SCHEMA s", key="schema:s", action="create")):
        copy = made.with_reason("added in the source")
        _same(copy, made.model_copy(update={"reason": "added in the source"}))
        assert made.reason == ""  # the original is left as it was


def test_a_whole_plan_is_made_of_statements_equal_to_validated_ones():
    public = Schema(name="s")
    t = Table(schema_name="s", name="t", acl=("alice=arw/postgres",), comment="a table")
    cols = [Column(schema_name="s", table="t", name="id", type="integer", position=1, not_null=True,
                   acl=("bob=r/postgres",), comment="the id", statistics=500),
            Column(schema_name="s", table="t", name="v", type="text", position=2, storage="e")]
    pk = Constraint(schema_name="s", table="t", name="t_pkey", type="p", definition="PRIMARY KEY (id)",
                    index_name="t_pkey")
    ix = Index(schema_name="s", table="t", name="t_v", definition="CREATE INDEX t_v ON s.t USING btree (v)")
    source = Snapshot(objects=tuple(sorted((public, t, *cols, pk, ix), key=lambda o: o.key)),
                      dependencies=(Dependency(dependent=pk.key, referenced=cols[0].key),))
    target = Snapshot(objects=(public,))
    for options in (PlanOptions(), PlanOptions(safe=True, concurrently=True, not_valid=True, owners=True)):
        for cs in (diff_snapshots(source=source, target=target), diff_snapshots(source=target, target=source)):
            plan = build_plan(cs, options)
            assert plan.statements or plan.withheld
            for s in (*plan.statements, *plan.withheld):
                _same(s, _validated_twin(s))
