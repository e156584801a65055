"""The prefetch thread: queries run ahead of the loaders, and every way of stopping early is clean."""

from __future__ import annotations

import pytest

import pgsd.catalog.inspect as inspect_mod
import pgsd.connect.pool as pool_mod
from pgsd import errors
from pgsd.catalog.context import query_text
from pgsd.catalog.inspect import inspect_database
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


def test_a_failing_loader_stops_the_reader_and_the_pool_stays_usable(db, chunk_mode):
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
                inspect_database(pool)
        # the reading thread was stopped and joined: the same pool reads a full snapshot
        again = inspect_database(pool)
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
