"""Plan.to_sql: function bodies are not checked when the plan holds an untracked one."""

from __future__ import annotations

from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement

UNTRACKED = Hazard(type=HazardType.UNTRACKED_DEPENDENCIES, message="body not tracked")


def test_check_function_bodies_off_when_a_body_is_untracked():
    fn = Statement(sql="CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", key="function:public.f()",
                   action="create", hazards=(UNTRACKED,))
    lines = Plan(statements=(fn,)).to_sql().splitlines()
    assert lines[0] == "SET check_function_bodies = off;"
    assert lines.count("SET check_function_bodies = off;") == 1


def test_no_setting_without_such_a_body():
    table = Statement(sql="CREATE TABLE t ()", key="table:public.t", action="create")
    assert "check_function_bodies" not in Plan(statements=(table,)).to_sql()
