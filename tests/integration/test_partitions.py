"""Partitions against real databases: partitioned indexes left invalid (made ON ONLY the
parent, some partitions' indexes attached by hand) and partitions' own column settings
read from the catalog; what a plan leaves in the target checked in the catalog itself,
beyond what pgsd compares (attachments, validity, sequences after rows moved)."""

from __future__ import annotations

import psycopg

from pgsd.model.objects import AttachedIndex, Index, PartitionColumn, Table
from pgsd.workflow import read_side
from tests.acceptance.roundtrip import converge

SOURCE = """
CREATE TABLE m (id int NOT NULL, k int, v int DEFAULT 1) PARTITION BY RANGE (id);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
ALTER TABLE m2 ALTER COLUMN v SET DEFAULT 7;
ALTER TABLE m2 ALTER COLUMN k SET NOT NULL;
CREATE INDEX m_v ON ONLY m (v);
CREATE INDEX m1_v_custom ON m1 (v);
ALTER INDEX m_v ATTACH PARTITION m1_v_custom;
ALTER TABLE m2 ADD CONSTRAINT m2_k_key UNIQUE (id, k);
CREATE UNIQUE INDEX m_idk ON ONLY m (id, k);
ALTER INDEX m_idk ATTACH PARTITION m2_k_key;
INSERT INTO m VALUES (1, NULL, 1), (11, 2, 3);
"""

ATTACHMENTS = """
SELECT p.relname, c.relname, i.indisvalid
FROM pg_inherits h
JOIN pg_class c ON c.oid = h.inhrelid
JOIN pg_class p ON p.oid = h.inhparent
JOIN pg_index i ON i.indexrelid = p.oid
WHERE p.relkind = 'I'
ORDER BY 1, 2
"""


def test_invalid_partitioned_index_is_read_with_its_attachments(pg_server, new_db):
    dsn = new_db()
    pg_server.execute(dsn, SOURCE)
    snap = read_side(dsn, "source")
    m_v = snap.get("index:public.m_v")
    assert isinstance(m_v, Index) and m_v.is_partitioned and not m_v.valid
    assert m_v.attached == (AttachedIndex(table="public.m1", name="m1_v_custom",
                                          definition="CREATE INDEX m1_v_custom ON public.m1 USING btree (v)"),)
    m_idk = snap.get("index:public.m_idk")
    assert isinstance(m_idk, Index) and m_idk.attached == (AttachedIndex(table="public.m2", name="m2_k_key"),)
    m2 = snap.get("table:public.m2")
    assert isinstance(m2, Table)
    assert m2.partition_columns == (PartitionColumn(name="k", not_null=True), PartitionColumn(name="v", default="7"))
    m1 = snap.get("table:public.m1")
    assert isinstance(m1, Table) and m1.partition_columns == ()


def test_plan_leaves_the_same_attachments_and_validity(pg_server):
    """pgsd compares validity and attachments; this checks the catalog says the same."""
    target_sql = """
    CREATE TABLE m (id int NOT NULL, k int, v int DEFAULT 1) PARTITION BY RANGE (id);
    CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
    CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
    INSERT INTO m VALUES (1, NULL, 1), (11, 2, 3);
    """
    source_dsn, target_dsn = pg_server.create_database(), pg_server.create_database()
    try:
        pg_server.execute(source_dsn, SOURCE)
        pg_server.execute(target_dsn, target_sql)
        converge(source_dsn, target_dsn)
        with psycopg.connect(source_dsn) as conn:
            wanted = conn.execute(ATTACHMENTS).fetchall()
        with psycopg.connect(target_dsn) as conn:
            got = conn.execute(ATTACHMENTS).fetchall()
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)
    assert wanted == [("m_idk", "m2_k_key", False), ("m_v", "m1_v_custom", False)]
    assert got == wanted


def test_table_made_partitioned_keeps_rows_and_its_sequences_go_on(pg_server):
    """The rows come back into the new table and its serial and identity columns' sequences
    continue after them: the next insert takes a new number."""
    target_sql = """
    CREATE TABLE s (id serial PRIMARY KEY, v text);
    CREATE TABLE i (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
    INSERT INTO s (v) VALUES ('a'), ('b'), ('c');
    INSERT INTO i (v) VALUES ('a'), ('b');
    """
    source_sql = """
    CREATE TABLE s (id serial, v text) PARTITION BY HASH (id);
    CREATE TABLE s0 PARTITION OF s FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE s1 PARTITION OF s FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    ALTER TABLE s ADD PRIMARY KEY (id);
    CREATE TABLE i (id int GENERATED ALWAYS AS IDENTITY, v text) PARTITION BY RANGE (id);
    CREATE TABLE i_all PARTITION OF i FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
    ALTER TABLE i ADD PRIMARY KEY (id);
    """
    source_dsn, target_dsn = pg_server.create_database(), pg_server.create_database()
    try:
        pg_server.execute(source_dsn, source_sql)
        pg_server.execute(target_dsn, target_sql)
        converge(source_dsn, target_dsn)
        with psycopg.connect(target_dsn, autocommit=True) as conn:
            assert conn.execute("SELECT string_agg(v, ',' ORDER BY id) FROM s").fetchone() == ("a,b,c",)
            assert conn.execute("INSERT INTO s (v) VALUES ('d') RETURNING id").fetchone() == (4,)
            assert conn.execute("INSERT INTO i (v) VALUES ('c') RETURNING id").fetchone() == (3,)
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)
