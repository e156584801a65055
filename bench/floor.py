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
one tab-separated line per query (``query NAME ROWS SECONDS DSN SERVER_CPU CLIENT_CPU``)
to stderr.  run.py runs it as a child process, so its wall time, CPU and peak memory
are measured exactly as those of the other tools.

SERVER_CPU is the CPU (user+sys) the query's backend spent, read from
``/proc/BACKEND_PID/stat`` before and after the query (``-`` when the server runs
elsewhere or its processes are not readable); CLIENT_CPU is this thread's CPU for the
query (``time.thread_time``: sending, waiting excluded, receiving and decoding the
rows). Both in clock ticks of 10 ms, so only the larger queries read meaningfully.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import psycopg

PARAMS = {"include_schemas": [], "exclude_schemas": []}


TICK = 1.0 / os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float | None:
    """CPU seconds (user+sys) of server process ``pid`` so far, if it runs here and is readable."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * TICK


def fetch_side(dsn: str, queries: list[tuple[str, str, bool]], out: dict[str, tuple[int, float]],
               per_query: dict[str, tuple[float, float | None, float]]) -> None:
    started = time.perf_counter()
    rows = 0
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        pid = conn.info.backend_pid
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute(
            "SELECT set_config('statement_timeout', '600s', true), set_config('search_path', 'pg_catalog', true),"
            " set_config('max_parallel_workers_per_gather', '0', true), set_config('work_mem', '32MB', true)"
        )
        for name, text, bound in queries:
            t0, s0, c0 = time.perf_counter(), backend_cpu(pid), time.thread_time()
            cur = conn.execute(text, PARAMS if bound else None)
            n = len(cur.fetchall())
            rows += n
            s1 = backend_cpu(pid)
            server = None if s0 is None or s1 is None else s1 - s0
            per_query[f"{dsn}\t{name}\t{n}"] = (time.perf_counter() - t0, server, time.thread_time() - c0)
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
    per_query: dict[str, tuple[float, float | None, float]] = {}
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
    for key, (seconds, server, client) in per_query.items():
        dsn, name, n = key.split("\t")
        print(f"query\t{name}\t{n}\t{seconds:.4f}\t{dsn}\t{'-' if server is None else f'{server:.2f}'}\t{client:.4f}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
