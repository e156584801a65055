"""The repository keeps its promises to a newcomer: README commands and CI agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    m = re.search(r"^TEST_CMD='(.+)'$", ci, re.M)
    assert m, ".ci/run must define TEST_CMD"
    assert m.group(1) in readme, "README.md must show the exact test command .ci/run runs"
    assert "pgsd demo" in readme


def test_version_and_help_run():
    out = subprocess.run([sys.executable, "-m", "pgsd", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("pgsd ")
    help_ = subprocess.run([sys.executable, "-m", "pgsd", "--help"], capture_output=True, text=True, check=True)
    for command in ("diff", "snapshot", "info"):
        assert command in help_.stdout
