"""verify_plan without --scratch: a throwaway server pgsd starts itself, with the target server's roles."""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.workflow import parse_side, read_sides
from pgsd.workflow.sides import DatabaseSide
from pgsd.workflow.verify import verify_plan


def test_verify_on_a_server_pgsd_starts_creates_the_roles_grants_need(pg_server, db_pair) -> None:  # noqa: ANN001
    src, tgt = db_pair
    role = f"pgsd_reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    try:
        pg_server.execute(tgt, f"CREATE TABLE t (id int); GRANT SELECT ON t TO {role}")
        pg_server.execute(src, f"CREATE TABLE t (id int, v text); GRANT SELECT ON t TO {role}")
        target_side = parse_side(tgt)
        assert isinstance(target_side, DatabaseSide)
        loaded = read_sides({"source": parse_side(src), "target": target_side})
        source, target = loaded.snapshots["source"], loaded.snapshots["target"]
        plan = build_plan(diff_snapshots(source=source, target=target))
        result = verify_plan(plan, source, target, scratch=None, target_spec=target_side.spec)
        assert result.verified, result.lines()
        assert role in result.roles_created
        assert result.where.startswith(("embedded PostgreSQL", "local PostgreSQL"))
    finally:
        for dsn in (src, tgt):
            pg_server.execute(dsn, f"DROP OWNED BY {role}")
        with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_dependent_the_plan_does_not_name_is_in_the_copy(pg_server, db_pair) -> None:  # noqa: ANN001
    """The copy holds what depends on the objects a plan changes: a plan that forgot the view on a
    column whose type it changes fails in the proof, as it would on the target."""
    src, tgt = db_pair
    unrelated = "".join(f"CREATE TABLE unrelated_{i} (id int PRIMARY KEY, v text);" for i in range(12))
    pg_server.execute(tgt, "CREATE TABLE t (id int PRIMARY KEY, v varchar(10)); CREATE VIEW v AS SELECT v FROM t;"
                      + unrelated)
    pg_server.execute(src, "CREATE TABLE t (id int PRIMARY KEY, v varchar(20)); CREATE VIEW v AS SELECT v FROM t;"
                      + unrelated)
    loaded = read_sides({"source": parse_side(src), "target": parse_side(tgt)})
    source, target = loaded.snapshots["source"], loaded.snapshots["target"]
    plan = build_plan(diff_snapshots(source=source, target=target))
    assert any(s.key == "view:public.v" for s in plan.statements)  # pgsd drops and recreates the view
    proved = verify_plan(plan, source, target, scratch=pg_server.admin_dsn)
    assert proved.verified, proved.lines()
    assert proved.copied_objects is not None and proved.copied_objects < proved.target_objects
    forgetful = plan.model_copy(update={"statements": tuple(s for s in plan.statements if s.key != "view:public.v")})
    result = verify_plan(forgetful, source, target, scratch=pg_server.admin_dsn)
    assert result.failure is not None, result.lines()
    assert "cannot alter type of a column used by a view or rule" in (result.failure.error or ""), result.lines()
