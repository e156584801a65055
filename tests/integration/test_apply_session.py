"""ApplySession on a real server: batched segments still name the failing statement."""

from __future__ import annotations

import psycopg
import pytest

from pgsd.connect import ConnectionSpec
from pgsd.ddl.plan import Plan, Statement
from pgsd.workflow.apply import ApplySession, ApplySettings, StatementFailed


def _st(sql: str, transactional: bool = True) -> Statement:
    return Statement(sql=sql, key=sql, action="create", transactional=transactional)


def _tables(dsn: str) -> set[str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace")
        return {r[0] for r in rows}


@pytest.mark.parametrize("batched", [False, True])
def test_failing_statement_is_named_batched_or_not(new_db, batched: bool) -> None:  # noqa: ANN001
    dsn = new_db()
    plan = Plan(statements=(
        _st("CREATE TABLE ap_one (id int)"),
        _st("CREATE INDEX CONCURRENTLY ap_one_idx ON ap_one (id)", transactional=False),
        _st("CREATE TABLE ap_two (id int) -- a comment ends the line"),
        _st("CREATE TABLE ap_three (x no_such_type)"),
        _st("CREATE TABLE ap_four (id int)"),
    ))
    with ApplySession(ConnectionSpec.parse(dsn), ApplySettings()) as session, \
            pytest.raises(StatementFailed) as failed:
        session.run(plan, batched=batched)
    report = failed.value.report
    assert report.failed_index == 4 and 'type "no_such_type" does not exist' in (report.error or "")
    assert [s.number for s in report.committed] == [1, 2]
    assert _tables(dsn) == {"ap_one", "ap_one_idx"}


def test_batched_segment_commits_whole(new_db) -> None:  # noqa: ANN001
    dsn = new_db()
    plan = Plan(statements=tuple(_st(f"CREATE TABLE ap_{i} (id int) -- comment {i}") for i in range(5)))
    with ApplySession(ConnectionSpec.parse(dsn)) as session:
        report = session.run(plan, batched=True)
    assert report.ok and report.statements_committed == 5
    assert _tables(dsn) == {f"ap_{i}" for i in range(5)}
