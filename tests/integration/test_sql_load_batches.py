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


def test_a_file_larger_than_a_batch_loads_in_parts(pg_server: PgServer, new_db,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # one file of 300 statements, batches of 50: whole, it would hold every lock in one transaction
    monkeypatch.setattr("pgsd.workflow.sqlside.BATCH_STATEMENTS", 50)
    dsn = new_db()
    text = "".join(f"CREATE TABLE t{i} (id int);\n" for i in range(299)) + "CREATE TABLE t0 (id int);\n"
    with pytest.raises(SqlLoadFailed) as failed:
        load_sql([SqlFile("one.sql", text)], ConnectionSpec.parse(dsn))
    assert 'one.sql:300: relation "t0" already exists' in str(failed.value)  # the last part, statement by statement
    assert "1 statement did not load" in str(failed.value)
    assert _tables(dsn) == {f"t{i}" for i in range(299)}
    with psycopg.connect(dsn, autocommit=True) as conn:
        (transactions,) = conn.execute(
            "SELECT count(DISTINCT xmin::text) FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'").fetchone()
    # 5 parts of 50 in a transaction each; the last part failed and ran statement by statement (49 tables)
    assert transactions == 5 + 49, transactions
