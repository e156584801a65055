"""The SQL loader runs consecutive files in one transaction and one round trip, and file by file when that fails.

Checked on the test server with ``load_sql`` itself: how many transactions created the
tables (the distinct ``xmin`` of their ``pg_class`` rows: one per transaction), and that
a batch failing anywhere still loads every file and names the statement that cannot load
with its file and line.
"""

from __future__ import annotations

import psycopg
import pytest

from pgsd.connect import ConnectionSpec
from pgsd.workflow.sqlside import BATCH_STATEMENTS, SqlFile, SqlLoadFailed, load_sql
from tests.pg import PgServer


def _tables(dsn: str) -> set[str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relkind = 'r' "
                                           "AND relnamespace = 'public'::regnamespace")}


def test_many_files_load_in_few_transactions(pg_server: PgServer, new_db) -> None:
    dsn = new_db()
    files = [SqlFile(f"{i:04d}.sql", f"CREATE TABLE t{i} (id int);\nCOMMENT ON TABLE t{i} IS 'n{i}';\n")
             for i in range(300)]
    result = load_sql(files, ConnectionSpec.parse(dsn))
    assert result.statements == 600
    assert _tables(dsn) == {f"t{i}" for i in range(300)}
    with psycopg.connect(dsn, autocommit=True) as conn:
        (transactions,) = conn.execute(
            "SELECT count(DISTINCT xmin::text) FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'").fetchone()
    # file by file it was 300, one per file
    assert transactions == -(-600 // BATCH_STATEMENTS), transactions


def test_a_failing_batch_loads_file_by_file(pg_server: PgServer, new_db) -> None:
    dsn = new_db()
    files = [SqlFile("a.sql", "CREATE TABLE a (id int);"),
             SqlFile("b.sql", "CREATE VIEW b AS SELECT * FROM c;"),  # c comes later: retried after the rest
             SqlFile("c.sql", "CREATE TABLE c (id int);"),
             SqlFile("d.sql", "CREATE TABLE d (id int);\nCREATE TABLE d (id int);"),  # never loads
             SqlFile("e.sql", "CREATE TABLE e (id int);")]
    with pytest.raises(SqlLoadFailed) as failed:
        load_sql(files, ConnectionSpec.parse(dsn))
    assert "1 statement did not load" in str(failed.value)
    assert 'd.sql:2: relation "d" already exists' in str(failed.value)
    assert _tables(dsn) == {"a", "c", "d", "e"}
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('b') IS NOT NULL").fetchone() == (True,)
