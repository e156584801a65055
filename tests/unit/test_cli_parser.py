"""The command-line parser: built for the one command asked for, or whole when none is."""

from __future__ import annotations

import argparse

import pytest

from pgsd.cli.main import COMMAND_MODULES, build_parser


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


ALL = {name.rsplit("cmd_", 1)[1] for name in COMMAND_MODULES}


@pytest.mark.parametrize("argv", [None, [], ["--help"], ["--version"], ["dif", "a", "b"], ["-x", "diff"]])
def test_the_whole_parser_unless_a_command_comes_first(argv):
    assert _commands(build_parser(argv)) == ALL


@pytest.mark.parametrize("command", sorted(ALL))
def test_only_the_command_that_comes_first(command):
    parser = build_parser([command, "--help"])
    assert _commands(parser) == {command}


def test_a_narrowed_parser_parses_as_the_whole_one():
    argv = ["diff", "postgresql:///a", "postgresql:///b", "--safe", "-o", "plan.sql"]
    narrow, whole = build_parser(argv).parse_args(argv), build_parser().parse_args(argv)
    assert vars(narrow) == vars(whole)
    assert narrow.safe and narrow.output == "plan.sql"
