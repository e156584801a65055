#!/usr/bin/env python3
"""Keypress-to-refresh latency of the app on a diff of about 10,000 changes.

Builds two hand-made snapshots (no database), opens the compare screen headless under
Textual's Pilot, waits until the comparison and the whole plan are ready, then times
key presses: each sample is one ``pilot.press(key)`` (which returns when the screen and
its widgets have handled every message the key caused) plus the repaint of what
changed. Work the key starts in the background (re-planning after a toggle) is not in
the sample: the tree and the totals update at once, the plan pane when it is ready. Prints median and p95 per key; the goal is a
median under 50 ms for moving in the tree.

    python bench/tui_latency.py [--tables N] [--presses N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events  # noqa: E402

from pgsd.diff.changes import ChangeSet, DiffOptions, diff_snapshots  # noqa: E402
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


class BenchBackend:
    def __init__(self, source: Snapshot, target: Snapshot) -> None:
        self.source, self.target = source, target

    def load(self, source, target, *, progress, cancel):  # noqa: ANN001, ANN201
        return self.source, self.target

    def compare(self, source: Snapshot, target: Snapshot) -> ChangeSet:
        return diff_snapshots(source=source, target=target, options=DiffOptions())

    def plan(self, changes, options, selected):  # noqa: ANN001, ANN201
        from pgsd.ddl.planner import build_plan

        return build_plan(changes, options, selected=selected)

    def test_connection(self, spec):  # noqa: ANN001, ANN201
        raise NotImplementedError

    def definitions(self, snapshot: Snapshot):  # noqa: ANN201
        from pgsd.tui.definitions import Definitions

        return Definitions(snapshot)


async def settle(pilot) -> None:  # noqa: ANN001
    app = pilot.app
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def measure(tables: int, presses: int) -> dict[str, list[float]]:
    from pgsd.tui.app import PgsdApp
    from pgsd.tui.widgets.object_tree import ObjectTree

    source, target = build_pair(tables)
    app = PgsdApp("source", "target", backend=BenchBackend(source, target))
    results: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        t0 = time.perf_counter()
        await settle(pilot)
        opened = time.perf_counter() - t0
        screen = app.screen
        changes = len(screen.changes.changes)
        print(f"{changes} changes, {len(source.objects) + len(target.objects)} objects; "
              f"comparison and whole plan ready in {opened:.1f} s")
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
        await settle(pilot)
        await pilot.press("slash")
        await sample("filter keystroke", list("t0012"))
        await pilot.press("enter")
        await sample("down (filtered)", ["down"] * (presses // 4))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=4300, help="tables in the source (default: about 10,000 changes)")
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    results = asyncio.run(measure(args.tables, args.presses))
    print(f"{'key':<18} {'n':>4} {'median ms':>10} {'p95 ms':>8}")
    for name, times in results.items():
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<18} {len(times):>4} {statistics.median(times):>10.1f} {p95:>8.1f}")
    cursor = sorted(results["down (cursor)"])
    median = statistics.median(cursor)
    print(f"cursor median {median:.1f} ms: {'OK' if median < 50 else 'OVER'} the 50 ms goal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
