"""How much `pgsd diff --verify` costs next to a plain `pgsd diff` on the generated pair.

Builds (or reuses, as run.py does) the base and variant databases of ``--tables N`` and
times, ``--runs`` times each, alternating:

* ``pgsd diff VARIANT BASE`` (plain);
* ``pgsd diff VARIANT BASE --verify --scratch ADMIN_DSN`` (the scratch database on the same
  server: building the target's schema there, running the plan, reading it back).

Prints the medians and their ratio (the goal: about 3x at most at 2,000 tables).

    python bench/verify.py --tables 2000            # embedded PostgreSQL 18 under --workdir
    python bench/verify.py --tables 200 --dsn ...   # an existing server (a superuser DSN)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pgserver  # noqa: E402
from run import Builder, pgsd_exe  # noqa: E402


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - started, r


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tables", type=int, default=2000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dsn", help="an existing server (superuser DSN) instead of the embedded PostgreSQL 18")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/pgsd-bench"))
    args = p.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    server = pgserver.external(args.dsn) if args.dsn else pgserver.start_embedded(args.workdir)
    builder = Builder(server, args.workdir, args.seed, rebuild=False)
    base = server.dsn(builder.ensure(args.tables, variant=False))
    variant = server.dsn(builder.ensure(args.tables, variant=True))
    plain: list[float] = []
    verified: list[float] = []
    for _ in range(args.runs):
        t, r = timed([*pgsd_exe(), "diff", variant, base])
        if r.returncode != 1:
            raise SystemExit(f"pgsd diff exited {r.returncode}: {r.stderr.strip()[-500:]}")
        plain.append(t)
        t, r = timed([*pgsd_exe(), "diff", variant, base, "--verify", "--scratch", server.admin_dsn])
        if r.returncode != 1 or "pgsd: verified" not in r.stderr:
            raise SystemExit(f"pgsd diff --verify exited {r.returncode}: {r.stderr.strip()[-2000:]}")
        verified.append(t)
    a, b = statistics.median(plain), statistics.median(verified)
    print(f"{args.tables} tables, {args.runs} runs: pgsd diff {a:.2f}s, pgsd diff --verify {b:.2f}s, "
          f"ratio {b / a:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
