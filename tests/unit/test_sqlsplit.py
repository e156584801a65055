"""The splitter's quiet-run skip changes nothing: every input splits as the character loop alone splits it.

``split_sql`` passes runs that need no action with one regex match (``_QUIET_RUN``); with
that regex replaced by one that never matches, the function is the plain character loop
it was before the skip. Both must give the same statements, meta-commands and lines, on
the repository's SQL files, on awkward hand-written cases and on generated token soup.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pgsd.workflow import sqlsplit
from pgsd.workflow.sqlsplit import Piece, split_sql

REPO = Path(__file__).resolve().parents[2]

NEVER = re.compile(r"(?!)")

AWKWARD = [
    "SELECT 1E'x';SELECT e'\\';' ; SELECT 2",
    "SELECT xe'a;b' ; SELECT 'c'",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; SELECT 2",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql begin /* x; */ -- y;\n atomic SELECT CASE WHEN 1=1 THEN 1 END; END; SELECT 3",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN 'atomic'; ATOMIC SELECT 1; END",
    "SELECT beginning, begin_x, xbegin FROM t; BEGIN; COMMIT",
    "SELECT 1\n  \\x\nFROM t;\n\\i other.sql\nSELECT 2 -- tail",
    "SELECT a$$b$$ FROM t; SELECT 1$$x;$$; SELECT $$y;$$; SELECT .$q$z;$q$",
    "SELECT 'a\n\\b'; SELECT \"we\"\"ird;\" FROM t",
    "SELECT 1 - -2 / /* c; /* d; */ */ 3 -- e;\n; SELECT 4",
    "SELECT é; SELECT ñame FROM \u00a0t; SELECT \U0001f600; SELECT 5",
    "SELECT 1\r\n\t\\r\r\n;\fSELECT 2\v",
    "",
    "   \n\n  ",
    ";;;",
    "SELECT U&'d\\0061t;a', B'01', X'AF', N'n;' ; SELECT 6",
]

TOKENS = [
    " ", "  ", "\n", "\n  ", "\t", "\r\n", ";", ",", "(", ")", "'", "''", '"', "$", "$$", "$a$", "$1", "--", "-",
    "/*", "*/", "/", "*", "\\", "\\i x", "E", "e", "E'", "x", "abc", "a$b", "1", "12e3", "BEGIN", "begin", "ATOMIC",
    "atomic", "CASE", "END", "end", "SELECT", "é", "\u00a0", "\U0001f600", ":", "::", ".", "=", "\x00",
]


def loop_alone(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Piece], list[Piece]]:
    with monkeypatch.context() as m:
        m.setattr(sqlsplit, "_QUIET_RUN", NEVER)
        return split_sql(text)


def test_the_repository_sql_files_split_as_by_the_loop_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(p for p in REPO.rglob("*.sql")  # not under .venv*, .git, ...: the repository's own
                   if not any(part.startswith(".") for part in p.relative_to(REPO).parts))
    assert len(files) > 100
    statements = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        got = split_sql(text)
        assert got == loop_alone(text, monkeypatch), path
        statements += len(got[0])
    assert statements > 1000


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_splits_as_by_the_loop_alone(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert split_sql(text) == loop_alone(text, monkeypatch)


def test_the_skip_keeps_what_the_loop_decides() -> None:
    statements, meta = split_sql(AWKWARD[0])
    assert [s.text for s in statements] == ["SELECT 1E'x'", "SELECT e'\\';'", "SELECT 2"]
    statements, meta = split_sql(AWKWARD[3])
    assert len(statements) == 2 and statements[1].text == "SELECT 3"
    statements, meta = split_sql(AWKWARD[6])
    assert [(m.text, m.line) for m in meta] == [("\\x", 2), ("\\i other.sql", 4)]
    # a meta-command line inside a statement is not part of it (psql runs it and goes on), its line break kept
    assert [(s.text, s.line) for s in statements] == [("SELECT 1\n  \nFROM t", 1), ("SELECT 2 -- tail", 5)]


def test_generated_token_soup_splits_as_by_the_loop_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20261204)
    for _ in range(3000):
        text = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 60)))
        assert split_sql(text) == loop_alone(text, monkeypatch), repr(text)
