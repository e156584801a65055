#!/usr/bin/env python3
"""Speed of a SQL side: diffing a dumped directory against its database, next to database-to-database.

Usage::

    python bench/sql_side.py --tables 2000 [--runs 3] [--dsn DSN] [--workdir DIR]

Builds a database from ``gen_schema.py --tables N`` and a copy of it, writes the
database with ``pgsd dump`` (by-object layout), then times, in ``--runs`` rounds that each
run every command once:

* ``pgsd diff BASE COPY``: two databases (the reference);
* ``pgsd diff DUMPDIR BASE --create-roles``: the directory loaded where a user's goes by
  default (a throwaway cluster pgsd starts), then read and compared;
* ``pgsd diff DUMPDIR BASE --shadow ADMIN --create-roles``: the same with the shadow
  database on the benchmark's server;
* with ``--baseline REV``, the default one of an earlier commit (its ``pgsd`` package from
  ``git archive``, as ``verify.py`` does), for a before/after under the same load.

All must exit 0 (nothing differs: the dump's round trip). It prints the medians and
their ratio to the reference; the goal is at most about 3x. It also times loading the dumped directory
alone (``workflow.sqlside.load_sql`` into a fresh database, in this process: the part of
the SQL side's diff that a database side does not have), and checks the one-file layout
(``pgsd dump --layout single``, then ``pgsd diff schema.sql BASE`` exits 0). The server is the embedded PostgreSQL 18
(as ``run.py`` starts it) or ``--dsn`` (a superuser). Not a test: nothing runs it in CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pgserver import external, start_embedded  # noqa: E402
from verify import baseline_tree  # noqa: E402


def timed(cmd: list[str], timeout: float, env: dict[str, str] | None = None, cwd: str | None = None) -> float:
    started = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env, cwd=cwd)
    elapsed = time.perf_counter() - started
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} ... exited {r.returncode}:\n{r.stderr[-2000:]}{r.stdout[-2000:]}")
    return elapsed


def load_once(server, dump: Path) -> float:  # noqa: ANN001
    """Seconds to load the dumped directory into a fresh database on ``server`` (dropped afterwards)."""
    from pgsd.connect import ConnectionSpec  # noqa: PLC0415
    from pgsd.workflow.sides import SqlSide  # noqa: PLC0415
    from pgsd.workflow.sqlside import load_sql, sql_files  # noqa: PLC0415

    files = sql_files(SqlSide(kind="dir", path=str(dump)))
    name = "sqlbench_load"
    server.create(name)
    try:
        started = time.perf_counter()
        load_sql(files, ConnectionSpec.parse(server.dsn(name)), create_roles=True)
        return time.perf_counter() - started
    finally:
        server.drop(name)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tables", type=int, default=2000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--dsn", help="a superuser DSN of an existing server (default: the embedded PostgreSQL 18)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/pgsd-bench-sql"))
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--baseline", metavar="REV",
                   help="also time pgsd diff DUMPDIR database of this git revision, in the same rounds")
    args = p.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    server = external(args.dsn) if args.dsn else start_embedded(args.workdir)
    pgsd = [sys.executable, "-m", "pgsd"]

    sql_file = args.workdir / f"base_{args.tables}.sql"
    subprocess.run([sys.executable, str(HERE / "gen_schema.py"), "--tables", str(args.tables), "-o", str(sql_file)],
                   check=True)
    base, copy = f"sqlbench_base_{args.tables}", f"sqlbench_copy_{args.tables}"
    server.create(base)
    import psycopg  # noqa: PLC0415

    t0 = time.perf_counter()
    with psycopg.connect(server.dsn(base), autocommit=True) as conn:
        conn.execute(sql_file.read_text())
    print(f"built {base} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    server.create(copy, template=base)
    dump = args.workdir / f"dump_{args.tables}"
    shadow = ["--shadow", server.admin_dsn, "--create-roles"]
    t_dump = timed([*pgsd, "dump", server.dsn(base), "--out", str(dump), "--force", *shadow], args.timeout)
    files = len(list(dump.glob("*.sql")))
    single = args.workdir / f"single_{args.tables}"
    t_single = timed([*pgsd, "dump", server.dsn(base), "--out", str(single), "--force", "--layout", "single",
                      *shadow], args.timeout)
    t_single_diff = timed([*pgsd, "diff", str(single / "schema.sql"), server.dsn(base), *shadow], args.timeout)
    loads = [load_once(server, dump) for _ in range(args.runs)]

    tree = baseline_tree(args.baseline) if args.baseline else None
    times: dict[str, list[float]] = {}
    commands: dict[str, tuple[list[str], dict[str, str] | None, str | None]] = {
        "pgsd diff database database": ([*pgsd, "diff", server.dsn(base), server.dsn(copy)], None, None),
        "pgsd diff DUMPDIR database (default: a throwaway cluster)":
            ([*pgsd, "diff", str(dump), server.dsn(base), "--create-roles"], None, None),
        "pgsd diff DUMPDIR database --shadow (the same server)":
            ([*pgsd, "diff", str(dump), server.dsn(base), *shadow], None, None),
    }
    if tree is not None:  # run from the tree: python -m puts the working directory before PYTHONPATH
        commands[f"baseline {args.baseline}: pgsd diff DUMPDIR database (default)"] = (
            [*pgsd, "diff", str(dump), server.dsn(base), "--create-roles"],
            {**os.environ, "PYTHONPATH": str(tree)}, str(tree))
    for _ in range(args.runs):  # each round runs every command once: they share the machine's load
        for label, (cmd, env, cwd) in commands.items():
            times.setdefault(label, []).append(timed(cmd, args.timeout, env=env, cwd=cwd))
    reference = statistics.median(times["pgsd diff database database"])
    print(f"tables: {args.tables}; dump: {files} files in {t_dump:.1f}s; {args.runs} interleaved rounds, medians")
    for label, runs in times.items():
        m = statistics.median(runs)
        ratio = "" if m == reference else f" ({m / reference:.1f}x; goal: about 3x at most)"
        print(f"  {label}: {m:.2f}s{ratio}  [runs {' '.join(f'{t:.2f}' for t in runs)}]")
    print(f"  of which loading the directory into a fresh database: median {statistics.median(loads):.2f}s")
    print(f"one file: pgsd dump --layout single {t_single:.1f}s; pgsd diff schema.sql database {t_single_diff:.2f}s "
          "(no differences)")
    server.drop(base)
    server.drop(copy)


if __name__ == "__main__":
    main()
