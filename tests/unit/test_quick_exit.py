"""Keeping results for a quick exit: only under the console entry point, and out of the collector's way."""

from __future__ import annotations

import gc

import pytest

from pgsd.cli import quick_exit


@pytest.fixture
def keeping(monkeypatch):
    monkeypatch.setattr(quick_exit, "_kept", [])
    yield
    gc.unfreeze()  # give the frozen objects back to the collector for the rest of the tests


def test_kept_results_stay_alive_and_leave_the_collectors_generations(keeping, monkeypatch):
    monkeypatch.setattr(quick_exit, "_enabled", True)
    result = {"rows": [object() for _ in range(100)]}
    frozen_before = gc.get_freeze_count()
    quick_exit.keep_until_exit(result)
    assert quick_exit._kept == [result]
    # what was alive is frozen: the next collection walks none of it
    assert gc.get_freeze_count() > frozen_before


def test_outside_the_entry_point_parking_does_nothing(keeping, monkeypatch):
    monkeypatch.setattr(quick_exit, "_enabled", False)
    frozen_before = gc.get_freeze_count()
    quick_exit.keep_until_exit({"rows": [1, 2, 3]})
    assert quick_exit._kept == []
    assert gc.get_freeze_count() == frozen_before


def test_start_up_imports_are_frozen_only_when_pgsd_owns_the_process(keeping, monkeypatch):
    from pgsd.cli.main import _parse

    monkeypatch.setattr(quick_exit, "_enabled", False)
    gc.unfreeze()
    _parse(["diff", "a", "b"])
    assert gc.get_freeze_count() == 0  # main() called from Python leaves the collector alone
    monkeypatch.setattr(quick_exit, "_enabled", True)
    _parse(["diff", "a", "b"])
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
