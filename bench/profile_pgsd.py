#!/usr/bin/env python3
"""Where pgsd diff spends its time and memory, phase by phase, in one thread.

Usage::

    python bench/profile_pgsd.py SOURCE_DSN TARGET_DSN [--cpu FILE.txt] [--mem]

Runs what ``pgsd diff SOURCE TARGET`` runs -- each side's read (``workflow.read``'s
``_read_database``, sharing the objects both sides read identically as ``pgsd diff``
does), ``compare``, ``plan`` and the SQL rendering -- but one side after the other in
the main thread, so a sampling profiler sees the loaders (``pgsd diff`` reads each side
in a thread of its own, which pyinstrument does not follow; the rows are still fetched
and decoded in the prefetch threads).  Prints the wall time of every phase and the time
pgsd's pool recorded in server queries.

``--cpu FILE``  profile with pyinstrument (``pip install pyinstrument``) and write its
               text report to FILE.
``--mem``      trace allocations (tracemalloc) and print the lines holding the most
               memory once both snapshots are loaded, and the peak.  Slows the run down.
"""

from __future__ import annotations

import argparse
import sys
import time


def by_self_time(profiler) -> list[tuple[tuple[str, str], float]]:  # noqa: ANN001
    """Sum pyinstrument's self time per (function, file:line) over the whole call tree."""
    totals: dict[tuple[str, str], float] = {}
    root = profiler.last_session.root_frame()
    stack = [root] if root is not None else []
    while stack:
        frame = stack.pop()
        real_children = [c for c in frame.children if not c.is_synthetic]
        if not frame.is_synthetic:
            own = frame.time - sum(c.time for c in real_children)
            key = (frame.function or "?", f"{frame.file_path_short}:{frame.line_no}")
            totals[key] = totals.get(key, 0.0) + own
        stack.extend(real_children)
    return sorted(totals.items(), key=lambda kv: -kv[1])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--cpu", metavar="FILE")
    p.add_argument("--mem", action="store_true")
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()

    t_import = time.perf_counter()
    import pgsd  # noqa: PLC0415
    from pgsd.catalog.shared_builds import SharedBuilds  # noqa: PLC0415
    from pgsd.connect import pool as pool_mod  # noqa: PLC0415
    from pgsd.ddl.context import PlanOptions  # noqa: PLC0415
    from pgsd.diff.changes import DiffOptions  # noqa: PLC0415
    from pgsd.export import render  # noqa: PLC0415
    from pgsd.model.snapshot import Filters  # noqa: PLC0415
    from pgsd.workflow import CancelToken, compare, parse_side, plan  # noqa: PLC0415
    from pgsd.workflow.read import _read_database  # noqa: PLC0415 - one side in this thread

    import_s = time.perf_counter() - t_import

    query_seconds: dict[str, float] = {}
    original = pool_mod.SidePool._record_time

    def record(self, step: str, seconds: float) -> None:  # noqa: ANN001
        query_seconds[step] = query_seconds.get(step, 0.0) + seconds
        original(self, step, seconds)

    pool_mod.SidePool._record_time = record

    profiler = None
    if args.cpu:
        from pyinstrument import Profiler  # noqa: PLC0415

        profiler = Profiler(interval=0.001)
        profiler.start()
    if args.mem:
        import tracemalloc  # noqa: PLC0415

        tracemalloc.start(8)

    phases: list[tuple[str, float]] = [("imports", import_s)]

    def phase(name: str, fn):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        out = fn()
        phases.append((name, time.perf_counter() - t))
        return out

    shared = SharedBuilds(sides=2)

    def read(dsn: str, role: str):  # noqa: ANN202
        return _read_database(parse_side(dsn), role, filters=Filters(), settings=None, progress=None,
                              cancel=CancelToken(), shared_builds=shared)

    source = phase("load source", lambda: read(args.source, "source"))
    target = phase("load target", lambda: read(args.target, "target"))
    mem_snapshot = None
    if args.mem:
        import tracemalloc  # noqa: PLC0415

        mem_snapshot = tracemalloc.take_snapshot()
    changes = phase("compare", lambda: compare(source, target, DiffOptions()))
    the_plan = phase("plan", lambda: plan(changes, PlanOptions()))
    text = phase("render sql", lambda: render("sql", changes, the_plan, generated_at="-",
                                               pgsd_version=pgsd.__version__, files={}))
    if profiler is not None:
        profiler.stop()
        with open(args.cpu, "w") as f:
            f.write(profiler.output_text(unicode=False, color=False, show_all=False))
            f.write(f"\n\nSelf time by function (all phases), top {args.top}:\n")
            for (func, where), secs in by_self_time(profiler)[: args.top]:
                f.write(f"{secs:8.3f}s  {func}  {where}\n")
    total = sum(s for _, s in phases)
    print(f"objects: source {len(source.objects)}, target {len(target.objects)}; "
          f"{len(changes.changes)} changes; {len(the_plan.statements)} statements; {len(text)} chars of SQL")
    for name, s in phases:
        print(f"{name:12s} {s:8.3f}s  {100 * s / total:5.1f}%")
    print(f"{'total':12s} {total:8.3f}s")
    q = sum(query_seconds.values())
    print(f"server queries (both sides, as recorded by the pool): {q:.3f}s")
    for step, s in sorted(query_seconds.items(), key=lambda kv: -kv[1])[:8]:
        print(f"   {step:24s} {s:.3f}s")
    if mem_snapshot is not None:
        import tracemalloc  # noqa: PLC0415

        current, peak = tracemalloc.get_traced_memory()
        print(f"tracemalloc: current {current / 2**20:.0f} MiB, peak {peak / 2**20:.0f} MiB")
        print("largest holders once both sides are loaded (by file:line):")
        for stat in mem_snapshot.statistics("lineno")[: args.top]:
            frame = stat.traceback[0]
            print(f"   {stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks  {frame.filename}:{frame.lineno}")
        print("by file:")
        for stat in mem_snapshot.statistics("filename")[: args.top // 2]:
            print(f"   {stat.size / 2**20:8.1f} MiB  {stat.traceback[0].filename}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
