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


def _size(bench, n: int, walls: list[float]):
    res = bench.SizeResult(n=n)
    res.tools["diff"] = bench.ToolResult(tool="diff", samples=_samples(bench, walls))
    return res


def _linearity(bench, results, scale=None) -> tuple[str, str]:
    goal = next(g for g in bench.goals(results, scale) if g[0].startswith("10,000 tables"))
    return goal[1], goal[2]


def test_linearity_uses_the_interleaved_runs_and_shows_both(bench):
    results = [_size(bench, 2000, [1.5, 1.5, 1.5]), _size(bench, 10000, [9.0, 9.0, 9.0])]  # 6.0x, minutes apart
    verdict, evidence = _linearity(bench, results)
    assert verdict == "NOT met" and "6.00x" in evidence
    scale = bench.ScaleResult(small=2000, large=10000)
    scale.samples = {2000: _samples(bench, [1.6, 2.0, 1.6]), 10000: _samples(bench, [8.0, 10.0, 7.9])}
    verdict, evidence = _linearity(bench, results, scale)
    assert verdict == "met"
    assert "8.00s / 1.60s = 5.00x" in evidence and "6.00x" in evidence
    scale.samples[10000] = _samples(bench, [9.0, 11.0, 9.0])
    assert _linearity(bench, results, scale)[0] == "NOT met"
