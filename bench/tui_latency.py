#!/usr/bin/env python3
"""Keypress-to-refresh latency of the app, and its time to open, on large comparisons.

Two modes:

``python bench/tui_latency.py [--tables N] [--presses N]``
    Two hand-made snapshots (no database, no dependency edges) of about 10,000 changes.
``python bench/tui_latency.py --source SIDE --target SIDE [--runs R] [--presses N]``
    The app opens two sides given as on ``pgsd``'s command line (two databases, for
    run.py: the app's time to its first screen at each size it benchmarks), ``--runs``
    times, each time after ``pgsd diff SOURCE TARGET`` (child process, script to
    /dev/null) in the same round; keys only on the first opening. The opening is timed
    in this process, from the app's start to its screens: Python's start and pgsd's
    imports (about 0.4 s, in ``pgsd diff``'s figure) are not in it.
``python bench/tui_latency.py --real 2000,10000 [--workdir DIR] [--runs R]``
    Snapshots read with ``pgsd snapshot`` from the databases bench/gen_schema.py builds
    (its N-table variant as the source, the base as the target, built on the embedded
    PostgreSQL 18 in ``--workdir`` by run.py's ``Builder``; both reused while the
    generator's SQL is unchanged). The app opens them as ``pgsd VARIANT.json BASE.json``
    does (``LiveBackend``, snapshot sides), so its dependency edges, renderers and
    planner are the real ones. Also times ``pgsd diff VARIANT.json BASE.json`` (child
    process, script to /dev/null), the app's time-to-open goal (at most 2x that).

Each key sample is one key event posted as the terminal driver posts it, until the
screen and its widgets have handled every message it caused, plus the repaint of what
changed. Work a key starts in the background is not in that sample, except for
``space (plan pane)``: from the key to the moment the re-planned selection is on the
screen (the DDL pane and the statement count), the figure the 200 ms goal at 10,000
tables is about. Time to open: from starting the app to the tree on the screen
(``tree shown``) and to the first whole plan (``plan shown``). Prints median and p95 per
key; the goal is a median under 50 ms for moving in the tree. The machine's load
average is printed with the figures (a shared machine's load changes them).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events  # noqa: E402

from pgsd.model.objects import Column, Schema, Table  # noqa: E402
from pgsd.model.snapshot import Snapshot  # noqa: E402


def build_pair(tables: int) -> tuple[Snapshot, Snapshot]:
    """A third of the tables only in the source, a third with a changed column, a third identical."""
    src: list = []
    tgt: list = []
    schemas = [f"app_{i:02d}" for i in range(max(2, tables // 200))]
    for s in schemas:
        src.append(Schema(name=s))
        tgt.append(Schema(name=s))
    for i in range(tables):
        schema = schemas[i % len(schemas)]
        name = f"t{i:05d}"
        cols = [Column(schema_name=schema, table=name, name=f"c{j}", type="integer", position=j) for j in range(1, 5)]
        src.extend([Table(schema_name=schema, name=name), *cols])
        if i % 3 == 0:
            continue  # added: the table and its 4 columns
        if i % 3 == 1:
            cols = [c.model_copy(update={"type": "bigint"}) if c.name == "c2" else c for c in cols]
            cols.append(Column(schema_name=schema, table=name, name="old", type="text", position=5))
        tgt.extend([Table(schema_name=schema, name=name), *cols])
    key = lambda o: o.key  # noqa: E731
    return Snapshot(origin="bench-source", objects=tuple(sorted(src, key=key))), Snapshot(
        origin="bench-target", objects=tuple(sorted(tgt, key=key))
    )


def real_pair(tables: int, workdir: Path, seed: int = 1) -> tuple[Path, Path]:
    """Snapshot files of bench/gen_schema.py's N-table variant (source) and base (target).

    Both databases are built on the embedded PostgreSQL 18 in ``workdir`` (run.py's
    ``Builder``: reused when built from the same SQL) and read with ``pgsd snapshot``,
    as a user would; the files are reused while the generator's SQL is unchanged.
    """
    import hashlib
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pgserver  # noqa: PLC0415
    from run import Builder  # noqa: PLC0415

    workdir.mkdir(parents=True, exist_ok=True)
    out = {role: workdir / f"snap_{tables}_{role}_s{seed}.json" for role in ("variant", "base")}
    stamp = workdir / f"snap_{tables}_s{seed}.digest"
    gen = [sys.executable, str(Path(__file__).resolve().parent / "gen_schema.py"), "--tables", str(tables),
           "--seed", str(seed)]
    digest = hashlib.sha256(subprocess.run(gen, capture_output=True, check=True).stdout
                            + subprocess.run([*gen, "--variant"], capture_output=True, check=True).stdout).hexdigest()
    if all(p.exists() for p in out.values()) and stamp.exists() and stamp.read_text() == digest:
        return out["variant"], out["base"]
    server = pgserver.start_embedded(workdir)
    builder = Builder(server, workdir, seed, rebuild=False)
    for role in ("variant", "base"):
        db = builder.ensure(tables, variant=role == "variant")
        subprocess.run([sys.executable, "-m", "pgsd", "snapshot", server.dsn(db), "-o", str(out[role]), "--force"],
                       check=True)
    stamp.write_text(digest)
    return out["variant"], out["base"]


async def settle(pilot) -> None:  # noqa: ANN001
    app = pilot.app
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def measure(tables: int, presses: int, real: tuple[Path, Path] | None = None,
                  plain: bool = False, sides: tuple[str, str] | None = None) -> dict[str, list[float]]:
    from pgsd.cli.cmd_tui import _backend
    from pgsd.tui.app import PgsdApp
    from pgsd.tui.backend import LiveBackend
    from pgsd.tui.widgets.object_tree import ObjectTree
    from pgsd.workflow import SnapshotSide, parse_side

    results: dict[str, list[float]] = {}
    if sides is None and real is None:  # the hand-made pair, as snapshot files: the app opens them as it opens any
        made = Path(tempfile.mkdtemp(prefix="pgsd-tui-latency-"))
        for name, snap in zip(("variant.json", "base.json"), build_pair(tables), strict=True):
            (made / name).write_text(snap.to_json())
        real = (made / "variant.json", made / "base.json")
    # the backend `pgsd VARIANT.json BASE.json` gives the app (--plain: without the process policy)
    backend = LiveBackend() if plain else _backend(argparse.Namespace())
    if sides is not None:  # as `pgsd SOURCE TARGET` reads them
        source, target = parse_side(sides[0]), parse_side(sides[1])
    else:
        assert real is not None
        source, target = SnapshotSide(str(real[0])), SnapshotSide(str(real[1]))
    app = PgsdApp(source, target, backend=backend)
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        shown = None
        while True:  # a bench, not a test: polling is the simplest honest clock here
            screen = app.screen
            if shown is None and getattr(screen, "changes", None) is not None:
                shown = time.perf_counter() - t0
            if shown is not None and getattr(screen, "plan", None) is not None:
                break
            await asyncio.sleep(0.005)
        planned = time.perf_counter() - t0
        results["open: tree shown"] = [shown * 1000]
        results["open: plan shown"] = [planned * 1000]
        await settle(pilot)
        screen = app.screen
        changes = len(screen.changes.changes)
        print(f"{changes} changes, {len(screen.source_snap.objects) + len(screen.target_snap.objects)} objects; "
              f"tree shown after {shown:.2f} s, whole plan after {planned:.2f} s "
              f"({len(screen.plan.statements)} statements)")
        if not presses:
            return results
        tree = screen.query_one(ObjectTree)
        tree.focus()
        await pilot.pause()

        async def sample(name: str, keys: list[str]) -> None:
            times = results.setdefault(name, [])
            for key in keys:
                t = time.perf_counter()
                # What the terminal driver does with a key, then wait (without sleeping)
                # until the screen and its widgets have handled every message it caused.
                # (Pilot.press itself idles ~40 ms per key to let animations settle.)
                app.post_message(events.Key(key, key if len(key) == 1 else None))
                await pilot._wait_for_screen()
                app.screen._on_timer_update()  # paint what changed, now
                times.append((time.perf_counter() - t) * 1000)
                await settle(pilot)  # background planning is not counted in the next sample

        await sample("down (cursor)", ["down"] * presses)
        await sample("up (cursor)", ["up"] * (presses // 2))
        await sample("pagedown", ["pagedown"] * (presses // 4))
        await sample("space (toggle)", ["space"] * (presses // 10))
        row = tree.current_row
        print(f"toggling {row.label if row else '-'}: {len(screen.selected)} changes selected")
        pane = results.setdefault("space (plan pane)", [])
        for _ in range(max(4, presses // 10)):
            t = time.perf_counter()
            app.post_message(events.Key("space", " "))
            await pilot._wait_for_screen()
            generation = screen.generation
            while screen.plan is None or screen.generation != generation:
                await asyncio.sleep(0.002)
            await pilot._wait_for_screen()
            app.screen._on_timer_update()
            pane.append((time.perf_counter() - t) * 1000)
            await settle(pilot)
        await settle(pilot)
        await pilot.press("slash")
        await sample("filter keystroke", list("t0012"))
        await pilot.press("enter")
        await sample("down (filtered)", ["down"] * (presses // 4))
    return results


def diff_seconds(real: tuple[Path, Path] | tuple[str, str], runs: int) -> list[float]:
    """Wall time of ``pgsd diff SOURCE TARGET`` as a child process (the script to /dev/null)."""
    import subprocess

    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "pgsd", "diff", str(real[0]), str(real[1])],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        out.append(time.perf_counter() - t)
        if r.returncode not in (0, 1):
            raise SystemExit(f"pgsd diff failed: {r.stderr.strip()[-500:]}")
    return out


def report(results: dict[str, list[float]]) -> None:
    print(f"{'key':<20} {'n':>4} {'median ms':>10} {'p95 ms':>8}")
    for name, times in results.items():
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<20} {len(times):>4} {statistics.median(times):>10.1f} {p95:>8.1f}")
    cursor = sorted(results["down (cursor)"])
    median = statistics.median(cursor)
    print(f"cursor median {median:.1f} ms: {'OK' if median < 50 else 'OVER'} the 50 ms goal")


def main() -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=4300, help="tables in the source (default: about 10,000 changes)")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--real", default="", help="comma-separated gen_schema sizes: real snapshots (see above)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pgsd-bench-tui"),
                        help="where the databases and snapshots are kept (default /tmp/pgsd-bench-tui)")
    parser.add_argument("--runs", type=int, default=3, help="app openings and pgsd diff runs per size (--real)")
    parser.add_argument("--plain", action="store_true",
                        help="the app's backend without the command line's process policy (cli.process.app_reading)")
    parser.add_argument("--source", help="the app's source as on pgsd's command line (with --target)")
    parser.add_argument("--target", help="the app's target as on pgsd's command line (with --source)")
    args = parser.parse_args()
    if bool(args.source) != bool(args.target):
        parser.error("--source and --target go together")
    if args.source:
        return open_sides(args.source, args.target, args.runs, args.presses, args.plain)
    if not args.real:
        report(asyncio.run(measure(args.tables, args.presses)))
        return 0
    for size in (int(n) for n in args.real.split(",")):
        pair = real_pair(size, args.workdir)
        print(f"== {size} tables: {pair[0].name} (source) vs {pair[1].name} (target); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        merged, diffs = rounds(args.runs, args.presses, args.plain, real=pair)
        report(merged)
        diff_median = statistics.median(diffs)
        opened = statistics.median(merged["open: plan shown"]) / 1000
        print(f"pgsd diff median {diff_median:.2f} s ({', '.join(f'{d:.2f}' for d in diffs)}); app open to the "
              f"whole plan {opened:.2f} s = {opened / diff_median:.2f}x ({'OK' if opened <= 2 * diff_median else 'OVER'}"
              f" the 2x goal); load average now {os.getloadavg()[0]:.1f}")
        pane = statistics.median(merged["space (plan pane)"])
        print(f"toggle to plan pane median {pane:.0f} ms ({'OK' if pane < 200 else 'OVER'} the 200 ms goal)")
    return 0


def rounds(runs: int, presses: int, plain: bool, *, real: tuple[Path, Path] | None = None,
           sides: tuple[str, str] | None = None) -> tuple[dict[str, list[float]], list[float]]:
    """``runs`` rounds of a ``pgsd diff`` of the pair, then the app opening it: (the app's
    samples by name, the diffs' seconds). Keys only on the first opening: the later ones
    time opening again."""
    merged: dict[str, list[float]] = {}
    diffs: list[float] = []
    pair = sides if sides is not None else real
    assert pair is not None
    for run in range(runs):
        diffs += diff_seconds(pair, 1)
        for name, times in asyncio.run(measure(0, presses if run == 0 else 0, real=real, plain=plain,
                                               sides=sides)).items():
            merged.setdefault(name, []).extend(times)
    return merged, diffs


def open_sides(source: str, target: str, runs: int, presses: int, plain: bool) -> int:
    """The app opening two sides given as on the command line, against ``pgsd diff`` of them."""
    import os

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    merged, diffs = rounds(runs, presses, plain, sides=(source, target))
    if presses:
        report(merged)
    shown = statistics.median(merged["open: tree shown"]) / 1000
    opened = statistics.median(merged["open: plan shown"]) / 1000
    diff_median = statistics.median(diffs)
    print(f"first screen: tree shown after {shown:.2f} s, whole plan after {opened:.2f} s (medians of {runs}); "
          f"pgsd diff {diff_median:.2f} s; whole plan = {opened / diff_median:.2f}x pgsd diff; "
          f"load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
