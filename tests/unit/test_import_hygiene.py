"""The headless command line never loads Textual: only `pgsd tui` (and bare `pgsd`) import the app."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS_IMPORTS = (
    "import pgsd.cli.main",
    "import pgsd.cli.cmd_tui",
    "import pgsd.cli.main; pgsd.cli.main.build_parser()",
    "import pgsd.workflow",
)


@pytest.mark.parametrize("statement", HEADLESS_IMPORTS)
def test_headless_import_does_not_load_textual(statement: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"{statement}\nimport sys\nprint('textual' in sys.modules)"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_app_module_does_load_textual() -> None:
    # The check above means something only if importing the app is what loads Textual.
    proc = subprocess.run(
        [sys.executable, "-c", "import pgsd.tui.app, sys; print('textual' in sys.modules)"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.stdout.strip() == "True", proc.stderr
