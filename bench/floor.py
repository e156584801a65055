#!/usr/bin/env python3
"""The floor: fetch the catalog rows pgsd needs, with plain psycopg, and nothing else.

Usage::

    python bench/floor.py QUERIES.json DSN [DSN ...]

QUERIES.json is a list of [name, sql, bound] triples (bound: pass the filter
parameters, as pgsd does for every catalog query but not for server detection) that run.py writes with pgsd's own
selection (``pgsd.catalog.context.query_text(name, major)`` for the server's major
version), so this process imports nothing of pgsd and pays no import cost pgsd's
model would.  For each DSN (all at once, one thread each, as ``pgsd diff`` reads its two sides),
opens one connection, starts the same READ ONLY REPEATABLE READ transaction pgsd
uses (with its session settings: parallel query off, work_mem 32MB) and runs pgsd's own catalog queries -- the server-detection queries
(pgsd/connect/sql/*.sql) and every pgsd/catalog/sql query, the variant for the
server's major version chosen by ``pgsd.catalog.context.query_text`` -- with the
same bound parameters (empty schema filters), fetching every row as tuples.  No
model is built, nothing is compared.  It prints one line per DSN (rows, seconds) and
one tab-separated line per query (``query NAME ROWS SECONDS DSN``) to stderr.  run.py runs it as a child process, so its wall time,
CPU and peak memory are measured exactly as those of the other tools.
"""

from __future__ import annotations

import sys
import threading
import json
import time

import psycopg

PARAMS = {"include_schemas": [], "exclude_schemas": []}


def fetch_side(dsn: str, queries: list[tuple[str, str, bool]], out: dict[str, tuple[int, float]],
               per_query: dict[str, float]) -> None:
    started = time.perf_counter()
    rows = 0
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute(
            "SELECT set_config('statement_timeout', '600s', true), set_config('search_path', 'pg_catalog', true),"
            " set_config('max_parallel_workers_per_gather', '0', true), set_config('work_mem', '32MB', true)"
        )
        for name, text, bound in queries:
            t0 = time.perf_counter()
            cur = conn.execute(text, PARAMS if bound else None)
            n = len(cur.fetchall())
            rows += n
            per_query[f"{dsn}\t{name}\t{n}"] = time.perf_counter() - t0
        conn.execute("ROLLBACK")
    out[dsn] = (rows, time.perf_counter() - started)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        queries = [(name, text, bool(bound)) for name, text, bound in json.load(f)]
    argv = argv[1:]
    results: dict[str, tuple[int, float]] = {}
    per_query: dict[str, float] = {}
    errors: list[BaseException] = []

    def work(dsn: str) -> None:
        try:
            fetch_side(dsn, queries, results, per_query)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(dsn,)) for dsn in argv]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"floor: {type(errors[0]).__name__}: {errors[0]}", file=sys.stderr)
        return 2
    for dsn in argv:
        rows, seconds = results[dsn]
        print(f"floor: {rows} rows in {seconds:.3f}s from {dsn}", file=sys.stderr)
    for key, seconds in per_query.items():
        dsn, name, n = key.split("\t")
        print(f"query\t{name}\t{n}\t{seconds:.4f}\t{dsn}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
