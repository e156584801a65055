"""Every claim ``needs_rewrite`` makes, checked against PostgreSQL: a table is rewritten
exactly when ALTER COLUMN ... TYPE gives it a new relfilenode (a table without indexes,
so nothing else moves it). A change called "no rewrite" must keep the file; one called a
rewrite must not be a false alarm either.
"""

from __future__ import annotations

import psycopg
import pytest

from pgsd.catalog.inspect import inspect_database
from pgsd.connect import ConnectionSpec, SidePool
from pgsd.ddl.render.columns import domain_bases, needs_rewrite, needs_using, using_expression

DOMAINS = """
CREATE SCHEMA app;
CREATE DOMAIN app.plain_text AS text;
CREATE DOMAIN app.checked_text AS text CHECK (VALUE <> '');
CREATE DOMAIN app.required_text AS text NOT NULL;
CREATE DOMAIN app.short AS character varying(10);
CREATE DOMAIN app.plain_again AS app.plain_text;
"""

# (column type, new type, value to store)
CASES = [
    ("character varying(10)", "character varying(20)", "'abc'"),
    ("character varying(20)", "character varying(10)", "'abc'"),
    ("character varying(10)", "character varying", "'abc'"),
    ("character varying(10)", "text", "'abc'"),
    ("text", "character varying", "'abc'"),
    ("text", "character varying(10)", "'abc'"),
    ("character(5)", "character(10)", "'abc'"),
    ("numeric(10,2)", "numeric(12,2)", "1.5"),
    ("numeric(10,2)", "numeric(12,3)", "1.5"),
    ("numeric(10,2)", "numeric", "1.5"),
    ("numeric", "numeric(10,2)", "1.5"),
    ("integer", "bigint", "1"),
    ("bigint", "integer", "1"),
    ("bit varying(5)", "bit varying(8)", "B'101'"),
    ("timestamp(3) without time zone", "timestamp(6) without time zone", "now()"),
    ("timestamp(6) without time zone", "timestamp(3) without time zone", "now()"),
    ("interval(3)", "interval", "'1 day'"),
    ("time(3) without time zone", "time without time zone", "'12:00'"),
    ("cidr", "inet", "'10.0.0.0/8'"),
    ("text", "app.plain_text", "'abc'"),
    ("app.plain_text", "text", "'abc'"),
    ("text", "app.plain_again", "'abc'"),
    ("character varying(10)", "app.plain_text", "'abc'"),
    ("app.short", "text", "'abc'"),
    ("text", "app.checked_text", "'abc'"),
    ("text", "app.required_text", "'abc'"),
    ("integer", "text", "1"),
    ("character varying(10)[]", "text[]", "ARRAY['abc']"),
    ("integer[]", "bigint[]", "ARRAY[1]"),
    ("character varying(10)[]", "character varying(20)[]", "ARRAY['abc']"),
]


def _relfilenode(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT relfilenode FROM pg_class WHERE oid = 'app.t'::regclass").fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def domains_db(pg_server):
    dsn = pg_server.create_database()
    pg_server.execute(dsn, DOMAINS)
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        snapshot = inspect_database(pool)
    yield dsn, domain_bases(snapshot)
    pg_server.drop_database(dsn)


@pytest.mark.parametrize(("old", "new", "value"), CASES, ids=[f"{o}->{n}" for o, n, _ in CASES])
def test_rewrite_claim_matches_relfilenode(domains_db, old, new, value):
    dsn, domains = domains_db
    claim = needs_rewrite(old, new, domains)
    using = f" USING {using_expression('c', old, new)}" if needs_using(old, new) else ""
    with psycopg.connect(dsn) as conn:  # one transaction, rolled back: the cases share the database
        conn.execute(f"CREATE TABLE app.t (c {old})")
        conn.execute(f"INSERT INTO app.t SELECT {value} FROM generate_series(1, 10)")
        before = _relfilenode(conn)
        conn.execute(f"ALTER TABLE app.t ALTER COLUMN c TYPE {new}{using}")
        rewritten = _relfilenode(conn) != before
        conn.rollback()
    assert claim == rewritten, f"{old} -> {new}: pgsd says rewrite={claim}, PostgreSQL rewrote={rewritten}"
