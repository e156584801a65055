#!/usr/bin/env python3
"""What each kind of statement of a SQL side costs the shadow server.

Usage::

    python bench/sql_load_kinds.py DUMPDIR [--rounds 2] [--fk-not-valid]

Splits ``DUMPDIR`` (a ``pgsd dump`` directory, or any SQL side: a file, a directory) as
``pgsd diff DUMPDIR ...`` does, creates the roles it names, and runs its statements one
per round trip in one transaction on a fresh database of a throwaway cluster, where a
user's SQL side goes by default. Prints, per kind of statement (its first words; ``ALTER
TABLE ... ADD`` by what it adds), the count, the total and the cost of one, with the
loading backend's own CPU for the whole load. Each time includes a round trip (about
0.05 ms on a unix socket), so only the proportions compare with a batched load.

``--fk-not-valid`` adds ``NOT VALID`` to every ``ALTER TABLE ... ADD ... FOREIGN KEY``:
the difference is what validating the keys costs (on empty tables). Not a test: nothing
runs it in CI. Used for ``bench/README.md`` ("SQL sides").
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import psycopg
from psycopg import sql

from pgsd.workflow.scratch import choose_place, scratch_server
from pgsd.workflow.sides import SqlSide
from pgsd.workflow.sqlside import prepare_sql, sql_files

_ADD = re.compile(r"ADD CONSTRAINT \S+ (PRIMARY KEY|FOREIGN KEY|UNIQUE|CHECK|EXCLUDE)", re.IGNORECASE)


def kind(text: str) -> str:
    words = re.sub(r'"[^"]*"', "X", text).split()
    head = " ".join(words[:2]).upper()
    if head == "ALTER TABLE":
        m = _ADD.search(text)
        return f"ALTER TABLE ... ADD {m.group(1).upper()}" if m else "ALTER TABLE (other)"
    if head in ("CREATE UNIQUE", "CREATE OR", "CREATE MATERIALIZED"):
        return " ".join(words[:3]).upper()
    return head


def backend_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a local backend (None when /proc does not show it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(statements: list[str], roles: set[str]) -> tuple[dict[str, float], Counter[str], float, float | None]:
    totals: dict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    with scratch_server(choose_place(dsn=None, major=None)) as server, server.database("kinds") as db:
        with psycopg.connect(server.admin.conninfo(), autocommit=True) as admin:
            for role in sorted(roles):
                admin.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        with psycopg.connect(db.spec.conninfo(), prepare_threshold=None) as conn:
            pid = conn.info.backend_pid
            cpu0 = backend_cpu(pid)
            started = time.perf_counter()
            cur = conn.cursor()
            for text in statements:
                t = time.perf_counter()
                cur.execute(text.encode(), prepare=False)
                k = kind(text)
                totals[k] += time.perf_counter() - t
                counts[k] += 1
            conn.commit()
            wall = time.perf_counter() - started
            cpu1 = backend_cpu(pid)
    return totals, counts, wall, (cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("side", help="a pgsd dump directory, a .sql file or a directory of them")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--fk-not-valid", action="store_true", help="add NOT VALID to every added foreign key")
    args = p.parse_args()
    path = Path(args.side)
    prepared = prepare_sql(sql_files(SqlSide(kind="dir" if path.is_dir() else "file", path=str(path))))
    statements = [piece.text for _f, pieces in prepared.split for piece in pieces]
    if args.fk_not_valid:
        statements = [f"{s} NOT VALID" if kind(s) == "ALTER TABLE ... ADD FOREIGN KEY" else s for s in statements]
    rounds = [one_round(statements, prepared.roles) for _ in range(args.rounds)]
    counts = rounds[0][1]
    print(f"{len(statements)} statements; {args.rounds} round(s); walls "
          + ", ".join(f"{r[2]:.2f} s" for r in rounds) + "; backend CPU "
          + ", ".join("-" if r[3] is None else f"{r[3]:.2f} s" for r in rounds))
    print("| statement | count | total | each |\n| --- | ---: | ---: | ---: |")
    for k in sorted(counts, key=lambda k: -max(r[0][k] for r in rounds)):
        spent = [r[0][k] for r in rounds]
        low, high = min(spent), max(spent)
        print(f"| {k} | {counts[k]:,} | {low:.2f}-{high:.2f} s | {1000 * low / counts[k]:.2f}-"
              f"{1000 * high / counts[k]:.2f} ms |")


if __name__ == "__main__":
    sys.exit(main())
