"""The rows oracle itself: it must see lost and changed rows, and allow declared data loss."""

from __future__ import annotations

from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from tests.acceptance.rows import lost_rows, read_rows

SCHEMA = """
CREATE TABLE t (id int, v text, n numeric(10,2));
INSERT INTO t VALUES (1, 'a', 1), (2, NULL, 2.5), (3, 'c', NULL);
CREATE TABLE m (k int, d date) PARTITION BY RANGE (d);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO m VALUES (1, '2024-02-01'), (2, '2025-02-01');
"""

NO_PLAN = Plan()


def _loss(key: str) -> Plan:
    return Plan(statements=(Statement(sql="-- x", key=key, action="drop",
                                      hazards=(Hazard(type=HazardType.DATA_LOSS, message="x"),)),))


def test_untouched_tables_pass(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, SCHEMA)
    before = read_rows(dsn)
    assert set(before) == {"public.t", "public.m"}
    assert before["public.t"].rows == 3 and before["public.m"].rows == 2
    assert lost_rows(before, read_rows(dsn), NO_PLAN) == []


def test_deleted_rows_are_reported_unless_declared(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, SCHEMA)
    before = read_rows(dsn)
    pg_server.execute(dsn, "DELETE FROM t WHERE id = 2")
    after = read_rows(dsn)
    assert lost_rows(before, after, NO_PLAN) == ["public.t: 3 rows before, 2 after"]
    assert lost_rows(before, after, _loss("table:public.t")) == []


def test_changed_values_and_nulled_conversions_are_reported(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, SCHEMA)
    before = read_rows(dsn)
    pg_server.execute(dsn, "UPDATE t SET v = 'z' WHERE id = 1")
    pg_server.execute(dsn, "ALTER TABLE t ALTER COLUMN n TYPE text USING NULL")
    lost = lost_rows(before, read_rows(dsn), NO_PLAN)
    assert lost == ["public.t.v: values changed (text)", "public.t.n: 2 non-null values as numeric(10,2), 0 as text"]
    assert lost_rows(before, read_rows(dsn), _loss("column:public.t.n")) == ["public.t.v: values changed (text)"]


def test_a_type_change_that_keeps_values_passes(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, SCHEMA)
    before = read_rows(dsn)
    pg_server.execute(dsn, "ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3)")
    assert lost_rows(before, read_rows(dsn), NO_PLAN) == []


def test_partition_rows_move_or_go_with_their_partition(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, SCHEMA)
    before = read_rows(dsn)
    pg_server.execute(dsn, "DELETE FROM m WHERE k = 2")
    assert lost_rows(before, read_rows(dsn), NO_PLAN) == ["public.m: 2 rows before, 1 after"]
    pg_server.execute(dsn, "DROP TABLE m2")
    # a partition dropped without the data-loss hazard should have had its rows moved first
    assert lost_rows(before, read_rows(dsn), NO_PLAN) == ["public.m: 2 rows before, 1 after"]
    dropped = Plan(statements=(Statement(sql="DROP TABLE public.m2", key="table:public.m2", action="drop",
                                         hazards=(Hazard(type=HazardType.DATA_LOSS, message="drops m2"),)),))
    assert lost_rows(before, read_rows(dsn), dropped) == []
