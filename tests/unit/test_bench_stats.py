"""bench/run.py's statistics: ratios within a round, and the interleaved scaling goal."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_run"] = module  # dataclasses resolve their annotations through it
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_run", None)
        sys.path.remove(str(ROOT / "bench"))


def _samples(bench, walls: list[float]) -> list:
    return [bench.Sample(wall=w, cpu=0.0, rss_mb=0.0, server_cpu=None, rc=0, round=i) for i, w in enumerate(walls, 1)]


def test_paired_ratio_divides_within_rounds(bench):
    # round 2 ran on a busy machine: both tools slowed down, the ratio did not
    pgsd = bench.ToolResult(tool="diff", samples=_samples(bench, [1.4, 2.8, 1.5]))
    floor = bench.ToolResult(tool="floor2", samples=_samples(bench, [1.0, 2.0, 1.0]))
    assert bench.paired_ratio(pgsd, floor) == pytest.approx(1.4)
    # a round missing from one tool (a failed run) is left out, not misaligned
    floor.samples = [s for s in floor.samples if s.round != 1]
    assert bench.paired_ratio(pgsd, floor) == pytest.approx(1.45)
    assert bench.paired_ratio(pgsd, None) is None


def _size(bench, n: int, walls: list[float], server: str = "PostgreSQL 18.6 (embedded)", **others):
    res = bench.SizeResult(n=n, server=server)
    res.tools["diff"] = bench.ToolResult(tool="diff", samples=_samples(bench, walls))
    for tool, tool_walls in others.items():
        res.tools[tool] = bench.ToolResult(tool=tool, samples=_samples(bench, tool_walls))
    return res


def _goal(bench, results, start: str, scales=()) -> tuple[str, str]:
    goal = next(g for g in bench.goals(results, list(scales)) if g[0].startswith(start))
    return goal[1], goal[2]


def test_linearity_uses_the_interleaved_runs_and_shows_both(bench):
    results = [_size(bench, 2000, [1.5, 1.5, 1.5]), _size(bench, 10000, [9.0, 9.0, 9.0])]  # 6.0x, minutes apart
    verdict, evidence = _goal(bench, results, "PostgreSQL 18.6: pgsd diff grows linearly, 2,000 to 10,000")
    assert verdict == "NOT met" and "6.00x" in evidence and "minutes apart" in evidence
    scale = bench.ScaleResult(server="PostgreSQL 18.6 (embedded)", sizes=(2000, 10000))
    scale.samples = {2000: _samples(bench, [1.6, 2.0, 1.6]), 10000: _samples(bench, [8.0, 10.0, 7.9])}
    verdict, evidence = _goal(bench, results, "PostgreSQL 18.6: pgsd diff grows linearly, 2,000 to 10,000", [scale])
    assert verdict == "met"
    assert "8.00s / 1.60s = 5.00x" in evidence
    scale.samples[10000] = _samples(bench, [9.0, 11.0, 9.0])
    assert _goal(bench, results, "PostgreSQL 18.6: pgsd diff grows linearly, 2,000 to 10,000", [scale])[0] == "NOT met"
    assert _goal(bench, results, "PostgreSQL 18.6: pgsd diff grows linearly, 2,000 to 20,000")[0] == "not measured"


def test_goals_hold_pgsd_to_the_raw_floor_and_every_peer_per_server(bench):
    results = [
        _size(bench, 2000, [1.2, 1.3, 1.2], raw2=[1.0, 1.0, 1.0], floor2=[0.5, 0.5, 0.5], pgdelta=[5.0], migra=[4.0, 4.0]),
        _size(bench, 2000, [1.4, 1.4, 1.4], server="PostgreSQL 15.18 (Debian)", raw2=[1.0, 1.0, 1.0]),
    ]
    results[0].tools["results"] = bench.ToolResult(tool="results", status="timed out after 1800s")
    assert _goal(bench, results, "PostgreSQL 18.6, 2,000 tables: pgsd diff within 1.25x")[0] == "met"
    # held to the raw floor, never to pgsd's own queries
    assert "1.20s vs 1.00s" in _goal(bench, results, "PostgreSQL 18.6, 2,000 tables: pgsd diff within 1.25x")[1]
    assert _goal(bench, results, "PostgreSQL 15.18, 2,000 tables: pgsd diff within 1.25x")[0] == "NOT met"
    assert _goal(bench, results, "PostgreSQL 18.6, 2,000 tables: pg-delta plan at least 4x")[0] == "met"
    assert _goal(bench, results, "PostgreSQL 18.6, 2,000 tables: migra at least 4x")[0] == "NOT met"  # 3.33x
    # a peer that failed is a status, not a verdict
    assert _goal(bench, results, "PostgreSQL 18.6, 2,000 tables: results dbdiff at least 4x") == (
        "not measured", "timed out after 1800s")


def test_memory_goal_uses_the_worst_run_at_20000(bench):
    big = _size(bench, 20000, [20.0])
    big.tools["diff"].samples[0].rss_mb = 480.0
    big.tools["snapshot"] = bench.ToolResult(tool="snapshot", samples=_samples(bench, [10.0, 10.0]))
    big.tools["snapshot"].samples[1].rss_mb = 520.0
    verdict, evidence = _goal(bench, [big], "PostgreSQL 18.6: peak memory under 500 MB")
    assert verdict == "NOT met" and "snapshot: 520 MiB = 545 MB" in evidence
    big.tools["snapshot"].samples[1].rss_mb = 470.0  # 480 MiB is 503 MB: only one reading of "MB" holds
    verdict, evidence = _goal(bench, [big], "PostgreSQL 18.6: peak memory under 500 MB")
    assert verdict == "met in MiB, NOT met in decimal MB" and "diff: 480 MiB = 503 MB" in evidence
    big.tools["diff"].samples[0].rss_mb = 476.0
    assert _goal(bench, [big], "PostgreSQL 18.6: peak memory under 500 MB")[0] == "met"


def test_pg_delta_gets_the_socket_directory_percent_encoded_in_the_host(bench):
    import pgserver  # noqa: PLC0415 - bench/ is on the path while the fixture is active

    server = pgserver.Server(admin_dsn="host='/tmp/pg sock' user=postgres dbname=postgres", bin_dir=Path("/nowhere"))
    assert server.url_host_encoded("db 1") == "postgresql://postgres@%2Ftmp%2Fpg%20sock/db%201"
    tcp = pgserver.Server(admin_dsn="host=localhost port=5433 user=me password=p@ss dbname=x", bin_dir=Path("/nowhere"))
    assert tcp.url_host_encoded("d") == "postgresql://me:p%40ss@localhost:5433/d"
