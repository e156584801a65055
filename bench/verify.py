"""How much `pgsd diff --verify` costs next to a plain `pgsd diff` on the generated pair.

Builds (or reuses, as run.py does) the base and variant databases of ``--tables N`` and
times, ``--runs`` times each, alternating:

* ``pgsd diff VARIANT BASE`` (plain);
* ``pgsd diff VARIANT BASE --verify --scratch ADMIN_DSN`` (the scratch database on the same
  server: building the target's schema there, running the plan, reading it back), or with
  ``--throwaway`` ``pgsd diff VARIANT BASE --verify``: where a user's verification goes by
  default, a throwaway cluster pgsd starts (local binaries of the target's major version,
  else the embedded PostgreSQL's).

Prints the medians and their ratio (the goal: about 3x at most at 2,000 tables), and the
CPU each command cost: the client's (its process and children) plus, on the embedded
server, the backends' (the postmaster's reaped children, as run.py measures it). On the
shared machine wall times move with other people's load; CPU seconds much less.
``--baseline REV`` also times ``pgsd diff --verify`` of an earlier commit (its ``pgsd``
package from ``git archive``, run with ``PYTHONPATH``) in the same rounds, so that a
change is judged under the same load of the shared machine.

    python bench/verify.py --tables 2000            # embedded PostgreSQL 18 under --workdir
    python bench/verify.py --tables 200 --dsn ...   # an existing server (a superuser DSN)
    python bench/verify.py --baseline main          # before/after, interleaved
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pgserver  # noqa: E402
from run import Builder, pgsd_exe  # noqa: E402

CPU: dict[str, list[float]] = {}
"""label -> CPU seconds (client + server) of each run."""


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None, *, label: str = "",
          server: pgserver.Server | None = None) -> tuple[float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server.server_cpu() if server is not None else None
    started = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if server_before is not None and server is not None:
        time.sleep(0.5)  # the backends exit and are reaped after the client closed them
        cpu += (server.server_cpu() or 0.0) - server_before
    CPU.setdefault(label, []).append(cpu)
    return elapsed, r


def baseline_tree(rev: str) -> Path:
    """The ``pgsd`` package of commit ``rev``, unpacked into a temporary directory."""
    out = Path(tempfile.mkdtemp(prefix="pgsd-verify-baseline-"))
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev, "pgsd"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tables", type=int, default=2000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dsn", help="an existing server (superuser DSN) instead of the embedded PostgreSQL 18")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/pgsd-bench"))
    p.add_argument("--baseline", metavar="REV", help="also time pgsd diff --verify of this git revision")
    p.add_argument("--throwaway", action="store_true",
                   help="verify where pgsd puts it without --scratch (a throwaway cluster it starts: "
                        "its server CPU is not counted, the cluster is not this process's child)")
    args = p.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    server = pgserver.external(args.dsn) if args.dsn else pgserver.start_embedded(args.workdir)
    builder = Builder(server, args.workdir, args.seed, rebuild=False)
    base = server.dsn(builder.ensure(args.tables, variant=False))
    variant = server.dsn(builder.ensure(args.tables, variant=True))
    plain: list[float] = []
    verified: list[float] = []
    before: list[float] = []
    tree = baseline_tree(args.baseline) if args.baseline else None
    where = [] if args.throwaway else ["--scratch", server.admin_dsn]
    for _ in range(args.runs):
        t, r = timed([*pgsd_exe(), "diff", variant, base], label="diff", server=server)
        if r.returncode != 1:
            raise SystemExit(f"pgsd diff exited {r.returncode}: {r.stderr.strip()[-500:]}")
        plain.append(t)
        t, r = timed([*pgsd_exe(), "diff", variant, base, "--verify", *where], label="verify", server=server)
        if r.returncode != 1 or "pgsd: verified" not in r.stderr:
            raise SystemExit(f"pgsd diff --verify exited {r.returncode}: {r.stderr.strip()[-2000:]}")
        verified.append(t)
        if tree is not None:
            env = {**os.environ, "PYTHONPATH": str(tree)}
            t, r = timed([sys.executable, "-m", "pgsd", "diff", variant, base, "--verify", *where],
                         env=env, cwd=str(tree), label="baseline", server=server)
            if r.returncode != 1 or "pgsd: verified" not in r.stderr:
                raise SystemExit(f"baseline pgsd diff --verify exited {r.returncode}: {r.stderr.strip()[-2000:]}")
            before.append(t)
    a, b = statistics.median(plain), statistics.median(verified)
    print(f"{args.tables} tables, {args.runs} runs: pgsd diff {a:.2f}s, pgsd diff --verify {b:.2f}s, "
          f"ratio {b / a:.2f}x")
    print("  runs: diff " + " ".join(f"{t:.2f}" for t in plain) + "; --verify " + " ".join(f"{t:.2f}" for t in verified))
    if before:
        c = statistics.median(before)
        print(f"  baseline {args.baseline}: pgsd diff --verify {c:.2f}s, ratio {c / a:.2f}x "
              f"(runs " + " ".join(f"{t:.2f}" for t in before) + ")")
    cpu = {k: statistics.median(v) for k, v in CPU.items()}
    if "diff" in cpu:
        print("  CPU s (client + server), median: " + ", ".join(
            f"{k} {v:.2f}" + (f" ({v / cpu['diff']:.2f}x)" if k != "diff" else "") for k, v in cpu.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
