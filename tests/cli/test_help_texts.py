"""`--help` says what a command does (the parser alone: no database, no subprocess)."""

from __future__ import annotations

import contextlib
import io

import pytest

from pgsd.cli.main import build_parser


def help_of(*command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    return " ".join(out.getvalue().split())


def test_info_help_has_a_description() -> None:
    text = help_of("info")
    assert "server version" in text.split("positional arguments")[0]
    assert "snapshot file" in text.split("positional arguments")[0]


def test_demo_help_says_keep_skips_the_app() -> None:
    text = help_of("demo")
    keep = text[text.index("--keep"):]
    assert "skip the app" in keep
