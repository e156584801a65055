"""psql meta-command lines in a SQL side: left out when psql would load the same without them, refused otherwise."""

from __future__ import annotations

import pytest

from pgsd.workflow.psqlmeta import SQL_AFTER, commands, refusal
from pgsd.workflow.sqlside import SqlFile, SqlLoadFailed, prepare_sql


@pytest.mark.parametrize(("line", "found"), [
    ("\\set ON_ERROR_STOP on", ["\\set"]),
    ("\\set x 1 \\i evil.sql", ["\\set", "\\i"]),  # an unquoted backslash starts the next command
    ("\\echo 'a \\i b' \"c \\i d\" `e \\i f`", ["\\echo"]),  # quoted, it is an argument
    ("\\echo 'it\\'s \\i' \\x", ["\\echo", "\\x"]),
    ("\\i'f.sql'", ["\\i'f.sql'"]),  # a command's name runs to a blank or a backslash: psql knows no such command
    ("\\x \\\\ CREATE TABLE t ()", ["\\x", SQL_AFTER]),
    ("\\dt+ public.*", ["\\dt+"]),
])
def test_commands_are_split_as_psql_reads_the_line(line: str, found: list[str]) -> None:
    assert commands(line) == found


@pytest.mark.parametrize("line", [
    "\\set ON_ERROR_STOP on", "\\pset format unaligned", "\\timing on", "\\echo loading", "\\x",
    "\\o /tmp/out.txt", "\\restrict kZ2rYxLq", "\\unrestrict kZ2rYxLq", "\\dt+", "\\l", "\\sf f",
    "\\copy t FROM 'C:\\data\\i.csv' CSV", "\\getenv home HOME", "\\q",
])
def test_commands_psql_would_load_the_same_without_are_left_out(line: str) -> None:
    assert refusal(line, statements_after=False) is None


@pytest.mark.parametrize(("line", "why"), [
    ("\\i other.sql", "\\i"), ("\\ir other.sql", "\\ir"), ("\\include_relative x", "\\include_relative"),
    ("\\connect other", "\\connect"), ("\\c other", "\\c"),
    ("\\if :with_extras", "\\if"), ("\\elif true", "\\elif"), ("\\else", "\\else"), ("\\endif", "\\endif"),
    ("\\g", "\\g"), ("\\gx", "\\gx"), ("\\gexec", "\\gexec"), ("\\gset prefix_", "\\gset"), ("\\r", "\\r"),
    ("\\e", "\\e"), ("\\watch 1", "\\watch"), ("\\! psql -f more.sql", "\\!"), ("\\startpipeline", "\\startpipeline"),
    ("\\set x 1 \\i evil.sql", "\\i"), ("\\no_such_command", "\\no_such_command"),
])
def test_commands_that_change_what_psql_loads_are_refused(line: str, why: str) -> None:
    assert refusal(line, statements_after=False) == f"psql meta-command {why} is not run"


def test_sql_after_a_double_backslash_and_an_early_quit_are_refused() -> None:
    assert refusal("\\x \\\\ CREATE TABLE t ()", statements_after=False) == (
        "SQL after \\\\ on a psql meta-command line is not run")
    assert refusal("\\q", statements_after=True) == "psql meta-command \\q is not run, and psql would stop there"
    assert refusal("\\quit", statements_after=False) is None


def test_prepare_sql_names_every_refused_line_and_keeps_the_rest_as_warnings() -> None:
    files = [
        SqlFile("a.sql", "\\restrict abc\nCREATE TABLE a (x int);\n\\if :extras\nCREATE TABLE b (y int);\n\\endif\n"
                         "\\unrestrict abc\n"),
        SqlFile("b.sql", "CREATE TABLE c (z int)\n\\g\n\\q\nCREATE TABLE d (w int);\n"),
    ]
    with pytest.raises(SqlLoadFailed) as failed:
        prepare_sql(files)
    assert str(failed.value) == (  # one line, as every error pgsd reports
        "plain SQL only: psql meta-commands change what is loaded and pgsd does not run them: "
        "a.sql:3: psql meta-command \\if is not run a.sql:5: psql meta-command \\endif is not run "
        "b.sql:2: psql meta-command \\g is not run b.sql:3: psql meta-command \\q is not run, and psql would stop there"
    )


def test_a_pg_dump_file_and_a_command_inside_a_statement_load_as_psql_would() -> None:
    dump = ("\\restrict kZ2rYxLq\n\nSET statement_timeout = 0;\nCREATE TABLE public.t (\n    a integer\n"
            "\\echo half way\n);\n\n\\unrestrict kZ2rYxLq\n\\q\n")
    prepared = prepare_sql([SqlFile("dump.sql", dump)])
    texts = [p.text for _f, pieces in prepared.split for p in pieces]
    assert texts == ["SET statement_timeout = 0", "CREATE TABLE public.t (\n    a integer\n\n)"]
    assert prepared.warnings == [f"dump.sql:{n}: psql meta-command {c} is not run"
                                 for n, c in ((1, "\\restrict"), (6, "\\echo"), (9, "\\unrestrict"), (10, "\\q"))]


def test_what_a_file_says_reaches_the_terminal_without_its_control_characters() -> None:
    """A meta-command line quoted in a warning or an error cannot drive the terminal it is shown on."""
    warned = prepare_sql([SqlFile("w\x1b[2J\n.sql", "\\echo hi\nSELECT 1;\n")])  # a file name is a label too
    assert warned.warnings == ["w [2J .sql:1: psql meta-command \\echo is not run"]
    with pytest.raises(SqlLoadFailed) as failed:
        prepare_sql([SqlFile("e.sql", "\\if\x1b[31mRED\x9b\x85\u2028x\n")])
    assert str(failed.value).endswith("e.sql:1: psql meta-command \\if [31mRED\x9b is not run")  # \x85 ends the name
    assert not any(c in str(failed.value) for c in "\x1b\x85\u2028\n")
