"""Objects that use what a plan drops: an operator (once a kind pgsd did not model) that
uses a function the plan drops would make ``DROP FUNCTION`` fail half-way. Kinds pgsd
still does not model refuse such a plan up front (PlanError naming them, see
pgsd.ddl.actions); operators are compared now, so their plan drops them first.
"""

from __future__ import annotations

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.model.snapshot import Filters
from pgsd.workflow import parse_side, read_sides
from tests.acceptance.roundtrip import assert_converges

FUNCTION = "CREATE FUNCTION close_to(a int, b int) RETURNS bool LANGUAGE sql IMMUTABLE RETURN abs(a - b) < 2;"
OPERATOR = "CREATE OPERATOR =~ (LEFTARG = int, RIGHTARG = int, FUNCTION = close_to);"
TABLE = "CREATE TABLE readings (id int PRIMARY KEY, v int); INSERT INTO readings VALUES (1, 5);"


def _plan(pg_server, source_sql: str, target_sql: str):
    source_dsn, target_dsn = pg_server.create_database(), pg_server.create_database()
    try:
        pg_server.execute(source_dsn, source_sql)
        pg_server.execute(target_dsn, target_sql)
        both = read_sides({"source": parse_side(source_dsn), "target": parse_side(target_dsn)}, filters=Filters())
        cs = diff_snapshots(source=both.snapshots["source"], target=both.snapshots["target"])
        return build_plan(cs)
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)


def test_a_function_an_operator_uses_is_dropped_after_the_operator(pg_server):
    """Operators are compared now (issue 24): the plan drops the operator, then its
    function, and converges with the rows kept, instead of failing half-way."""
    assert_converges(pg_server, source_sql=TABLE, target_sql=TABLE + FUNCTION + OPERATOR)


def test_an_operator_using_what_stays_does_not_block(pg_server):
    plan = _plan(pg_server, TABLE + FUNCTION + "CREATE TABLE more (id int);",
                 TABLE + FUNCTION + OPERATOR)
    assert "CREATE TABLE public.more" in plan.to_sql()
