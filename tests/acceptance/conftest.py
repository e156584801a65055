"""Print one pass/skip/fail line per peer-corpus case at the end of the run."""

from __future__ import annotations

import pytest

_outcomes: dict[str, tuple[str, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "test_peer_case[" not in report.nodeid:
        return
    case = report.nodeid.split("[", 1)[1].rstrip("]")
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        reason = ""
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2])
        elif report.failed:
            reason = (report.longreprtext or "").strip().splitlines()[-1][:160] if report.longreprtext else ""
        _outcomes[case] = (report.outcome, reason)


def pytest_terminal_summary(terminalreporter) -> None:
    if not _outcomes:
        return
    terminalreporter.section("peer corpus (migra)")
    for case in sorted(_outcomes):
        outcome, reason = _outcomes[case]
        terminalreporter.write_line(f"{outcome:7} {case}{(': ' + reason) if reason else ''}")
