"""The prefetch thread: queries run ahead of the loaders, and every way of stopping early is clean."""

from __future__ import annotations

import pytest

import pgsd.catalog.inspect as inspect_mod
import pgsd.connect.pool as pool_mod
from pgsd import errors
from pgsd.catalog.context import query_text
from pgsd.catalog.loaders import LOADERS
from pgsd.catalog.prefetch import Prefetch
from pgsd.connect import ConnectionSpec, SidePool
from tests.integration.test_catalog_relations import db, snap  # noqa: F401 - fixture used by name


@pytest.fixture(params=["streamed", "cursor"])
def chunk_mode(request, monkeypatch):
    """Both ways ReadSession.chunks reads: libpq 17's chunked rows, and the server-side
    cursor it falls back to with an older libpq."""
    if request.param == "streamed" and not pool_mod._CHUNKED_ROWS:
        pytest.skip("this libpq is older than 17: no chunked-rows mode to test")
    monkeypatch.setattr(pool_mod, "_CHUNKED_ROWS", request.param == "streamed")
    return request.param


def _boom(ctx):  # noqa: ANN001, ANN202 - a loader that fails after reading part of the catalog
    raise RuntimeError("loader failed")


def test_loaders_read_queries_in_the_declared_order(db):
    dsn, run = db
    run("CREATE TABLE t (id int PRIMARY KEY, note text)")
    reordered = list(LOADERS)
    columns = next(i for i, e in enumerate(reordered) if e[1] == "load_columns")
    reordered[columns], reordered[columns + 1] = reordered[columns + 1], reordered[columns]
    with pytest.MonkeyPatch.context() as mp:
        # the declared lists now disagree with what the loaders read
        mp.setattr(inspect_mod, "LOADERS", tuple(
            (m, f, label, reordered_queries)
            for (m, f, label, _q), (_m, _f, _l, reordered_queries) in zip(LOADERS, reordered, strict=True)
        ))
        with pytest.raises(errors.PgsdError, match="out of turn"):
            snap(dsn)


@pytest.mark.parametrize("sessions", [1, 2])
def test_a_failing_loader_stops_the_reader_and_the_pool_stays_usable(db, chunk_mode, sessions):
    """With one reading session, or two sharing a snapshot (a side read alone): both readers stop."""
    dsn, run = db
    run("CREATE TABLE t (id int PRIMARY KEY)")
    failing = tuple(
        (__name__, "_boom", label, queries) if func == "load_indexes" else (module, func, label, queries)
        for module, func, label, queries in LOADERS
    )
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(inspect_mod, "LOADERS", failing)
            with pytest.raises(RuntimeError, match="loader failed"):
                inspect_mod.Inspection(pool, sessions=sessions).run()
        # the reading threads were stopped and joined: the same pool reads a full snapshot
        again = inspect_mod.Inspection(pool, sessions=sessions).run()
    assert again.get("table:public.t") is not None


def test_rows_arrive_in_chunks_and_are_checked_against_the_loader(db, chunk_mode):
    dsn, run = db
    run("CREATE TABLE wide AS SELECT 1 AS a FROM generate_series(1, 5)")
    run("ALTER TABLE wide ADD COLUMN " + ", ADD COLUMN ".join(f"c{i} int" for i in range(30)))
    params = {"include_schemas": [], "exclude_schemas": []}
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        with pool.read_session() as session:
            major = session.fetch("SELECT current_setting('server_version_num')::int / 10000")[0][0]
            queries = [("columns", query_text("columns", major), params),
                       ("tables", query_text("tables", major), params)]
            prefetch = Prefetch(session, queries, chunk=7, ahead=2).start()
            try:
                with pytest.raises(errors.PgsdError, match="its loader expects"):
                    list(prefetch.rows("columns", ("attrelid", "position", "name")))
            finally:
                prefetch.close()  # may cancel the reader: this transaction is done
        with pool.read_session() as session:
            prefetch = Prefetch(session, queries, chunk=7, ahead=2).start()
            try:
                rows = list(prefetch.rows("columns"))
                names, tables = prefetch.names_and_rows("tables")
            finally:
                prefetch.close()
    assert len(rows) == 31  # more than a few chunks of 7, through a queue of 2
    assert "name" in names and len(tables) == 1


def test_a_chunk_reader_closed_early_stops_its_query(db, chunk_mode):
    """Closing ``chunks`` after the first chunk ends the query at once (the streamed
    query is cancelled): the connection can roll back and serve the next transaction."""
    dsn, _run = db
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        with pool.read_session() as session:
            chunks = session.chunks("SELECT g FROM generate_series(1, 1000000) g", step="big", size=10)
            names, rows = next(chunks)
            chunks.close()
            assert names == ("g",) and [r[0] for r in rows] == list(range(1, 11))
        with pool.read_session() as session:
            assert session.fetch("SELECT 42") == [(42,)]


# --------------------------------------------------------------------------- two sessions for one side

MANY_KINDS = """
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE DOMAIN app.pos AS int CHECK (VALUE > 0);
CREATE SEQUENCE app.counter;
CREATE TABLE app.parent (id int PRIMARY KEY, mood app.mood, n app.pos, note text);
COMMENT ON COLUMN app.parent.note IS 'a note';
CREATE TABLE app.child (id serial PRIMARY KEY, parent_id int REFERENCES app.parent (id), v text UNIQUE);
CREATE INDEX child_v ON app.child (lower(v));
CREATE VIEW app.both AS SELECT p.id, c.v FROM app.parent p JOIN app.child c ON c.parent_id = p.id;
CREATE FUNCTION app.f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
CREATE FUNCTION app.tg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER t BEFORE INSERT ON app.child FOR EACH ROW EXECUTE FUNCTION app.tg();
CREATE MATERIALIZED VIEW app.mv AS SELECT id FROM app.parent;
"""


def _inspect(dsn: str, sessions: int):  # noqa: ANN202
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        return inspect_mod.Inspection(pool, sessions=sessions).run()


def test_two_sessions_read_what_one_reads(db):
    dsn, run = db
    run(MANY_KINDS)
    one, two = _inspect(dsn, 1), _inspect(dsn, 2)
    assert len(one.objects) > 20
    assert two.objects == one.objects
    assert two.dependencies == one.dependencies
    assert two.not_compared == one.not_compared


def test_a_helper_session_sees_the_first_sessions_snapshot(db, pg_server):
    """What commits after the snapshot was exported is seen by neither session of the read."""
    dsn, run = db
    run("CREATE TABLE before_export (id int)")
    with SidePool(ConnectionSpec.parse(dsn)) as pool, pool.read_session() as first:
        snapshot = first.export_snapshot()
        run("CREATE TABLE after_export (id int)")
        with pool.read_session(snapshot=snapshot) as helper, pool.read_session() as later:
            query = "SELECT relname FROM pg_class WHERE relname IN ('before_export', 'after_export') ORDER BY 1"
            assert helper.fetch(query) == [("before_export",)]
            assert first.fetch(query) == [("before_export",)]
            assert later.fetch(query) == [("after_export",), ("before_export",)]


def test_a_failing_query_on_either_session_is_met_in_its_turn(db):
    dsn, run = db
    run("CREATE TABLE t (id int)")
    params = {"include_schemas": [], "exclude_schemas": []}
    queries = [("first", "SELECT 1", params), ("broken", "SELECT * FROM no_such_table", params),
               ("third", "SELECT 3", params), ("fourth", "SELECT 4", params)]
    with SidePool(ConnectionSpec.parse(dsn)) as pool, pool.read_session() as session, \
            pool.read_session(snapshot=session.export_snapshot()) as helper:
        prefetch = Prefetch(session, [(n, q, None) for n, q, _ in queries], helpers=(helper,)).start()
        try:
            assert list(prefetch.rows("first")) == [(1,)]
            with pytest.raises(errors.PgsdError, match="no_such_table"):
                list(prefetch.rows("broken"))
        finally:
            prefetch.close()
