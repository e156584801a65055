"""Hazards with real sizes, against a real server: each table's row estimate, total size,
index count, last analyze and columns with nulls come from the one ``tables`` query;
they never make two databases differ; they end up on the hazards of the plan.
"""

from __future__ import annotations

import psycopg
import pytest

from pgsd import workflow
from pgsd.catalog.context import query_text
from pgsd.catalog.inspect import inspect_database
from pgsd.connect import ConnectionSpec, SidePool
from pgsd.ddl.plan import HazardType
from pgsd.model.snapshot import Snapshot


def snap(dsn: str) -> Snapshot:
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        return inspect_database(pool)


def scalar(dsn: str, query: str) -> object:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
        assert row is not None
        return row[0]


SCHEMA = """
CREATE SCHEMA app;
CREATE TABLE app.events (id bigint PRIMARY KEY, kind text, note text, amount int);
CREATE INDEX events_kind ON app.events (kind);
CREATE TABLE app.fresh (id int);
"""


@pytest.fixture
def sized(pg_server, new_db) -> tuple[str, str]:
    """(source, target): same tables; the target's events hold 20,000 analysed rows."""
    source, target = new_db(), new_db()
    for dsn in (source, target):
        pg_server.execute(dsn, SCHEMA)
    pg_server.execute(target, """
        INSERT INTO app.events SELECT g, 'k' || (g % 7), CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' END, g
        FROM generate_series(1, 20000) g;
        INSERT INTO app.fresh SELECT generate_series(1, 50);
    """)
    pg_server.execute(target, "VACUUM ANALYZE app.events")
    return source, target


def test_sizes_are_read_and_never_compared(sized):
    source, target = sized
    t = snap(target)
    stats = t.table_stats["table:app.events"]
    assert stats.rows == 20000  # ANALYZE reads every row of a table this small
    # the main forks of the table, its TOAST table and its indexes, as the server measures them now
    assert stats.bytes == scalar(target, """
        SELECT pg_relation_size(c.oid) + coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0)
               + (SELECT sum(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = c.oid)
        FROM pg_class c WHERE c.oid = 'app.events'::regclass""")
    assert stats.bytes is not None and stats.bytes > 20000 * 20
    assert stats.indexes == 2
    assert stats.analyzed_at is not None
    assert stats.null_columns == ("note",)
    fresh = t.table_stats["table:app.fresh"]
    assert fresh.rows is None and fresh.analyzed_at is None  # never analysed: unknown, not 0
    assert fresh.bytes is None
    # data is not schema: the same tables with other rows are identical
    changes = workflow.compare(snap(source), t)
    assert changes.is_empty
    # and the sizes survive a snapshot file
    again = Snapshot.from_json(t.to_json())
    assert again.table_stats == t.table_stats


def test_hazards_carry_the_targets_sizes(pg_server, sized):
    source, target = sized
    pg_server.execute(source, """
        ALTER TABLE app.events ALTER COLUMN amount TYPE bigint, ALTER COLUMN note SET NOT NULL,
            ADD COLUMN region text NOT NULL;
    """)
    the_plan = workflow.plan(workflow.compare(snap(source), snap(target)))
    by_type: dict[HazardType, list] = {}
    for s in the_plan.statements:
        for h in s.hazards:
            by_type.setdefault(h.type, []).append((s, h))
    [(rewrite_stmt, rewrite)] = by_type[HazardType.TABLE_REWRITE]
    assert "TYPE bigint" in rewrite_stmt.sql
    assert rewrite.table == "table:app.events" and rewrite.rows == 20000
    assert rewrite.message.endswith(": ~20k rows, " + rewrite.message.rsplit(", ", 1)[1])
    assert "~20k rows" in the_plan.to_sql()
    fails = [(s.sql, h.message) for s, h in by_type[HazardType.FAILS_IF_ROWS]]
    assert any("ADD COLUMN region" in sql and "~20k rows" in msg for sql, msg in fails), fails
    assert any("SET NOT NULL" in sql and "show nulls in note" in msg for sql, msg in fails), fails


def test_the_sizes_never_wait_for_a_table_lock(pg_server, sized):
    """The sizes come from the catalog only: the tables query runs while a migration holds
    a table ACCESS EXCLUSIVE (pg_total_relation_size would wait for the lock). Other kinds'
    queries are not this test's business."""
    _, target = sized
    query = query_text("tables", pg_server.version_num // 10000)
    with psycopg.connect(target) as holder, psycopg.connect(target, autocommit=True) as reader:
        holder.execute("LOCK TABLE app.events IN ACCESS EXCLUSIVE MODE")
        reader.execute("SET lock_timeout = '2s'")
        rows = reader.execute(query, {"include_schemas": [], "exclude_schemas": []}).fetchall()
        holder.rollback()
    assert len(rows) == 2
