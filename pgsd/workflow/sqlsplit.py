"""Split SQL text into statements, as psql would, without running anything.

PostgreSQL is the only parser pgsd needs; this lexer only finds where statements end:
a ``;`` outside single-quoted strings (``E'...'`` with backslash escapes), quoted
identifiers, dollar-quoted strings, ``--`` and nested ``/* */`` comments, and outside a
``BEGIN ATOMIC ... END`` function body (where ``CASE ... END`` nests). A line whose first
non-blank character is a backslash is a psql meta-command: it is returned apart (with its
line), never part of a statement; inside a statement its line is left out of the statement's
text (as psql, which runs the command and goes on writing the statement), the line break kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# [A-Za-z_\u0080-\U0010ffff], [A-Za-z0-9_\u0080-\U0010ffff] and [A-Za-z0-9_$\u0080-\U0010ffff] written as
# their complements: the same sets (checked on every code point), compiled in 0.1 ms each instead of 5-12 ms.
_DOLLAR_TAG = re.compile(r"\$([^\x00-\x40\x5b-\x5e\x60\x7b-\x7f][^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*)?\$")
_WORD = re.compile(r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f][^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*")
_QUIET_RUN = re.compile(
    r"(?:[\x00-\x09\x0b-\x21\x23\x25\x26\x28-\x2c\x2e\x30-\x3a\x3c-\x40\x5b\x5d\x5e\x60\x7b-\x7f]+"  # blanks, digits, punctuation
    r"|(?![Ee]'|(?i:begin)(?![^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]))"  # a word but E' or BEGIN
    r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f][^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*"
    r"|-(?!-)|/(?!\*)"  # not a comment's start
    r"|\n(?![ \t\r\f\v]*\\))+"  # not a meta-command's line
)
"""A run of text inside a statement, outside BEGIN ATOMIC, that the character loop would pass
without doing anything: skipped by one match (speed: see ``split_sql``)."""
_TRANSACTION_CONTROL = re.compile(
    r"(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\b(?!\s+ATOMIC)", re.IGNORECASE
)


@dataclass(frozen=True)
class Piece:
    """A statement (without its ``;``) or a meta-command, and the 1-based line it starts on."""

    text: str
    line: int

    @property
    def is_transaction_control(self) -> bool:
        return bool(_TRANSACTION_CONTROL.match(self.text)) and ";" not in self.text


def split_sql(text: str) -> tuple[list[Piece], list[Piece]]:
    """(statements, meta-commands) of ``text``, each with the line it starts on.

    Inside a statement and outside BEGIN ATOMIC, what needs no action of the loop below
    (blanks, punctuation, words that are not E before a quote or BEGIN, newlines not before
    a meta-command) is passed by one match of ``_QUIET_RUN``: the dump of the 2,000-table
    benchmark schema (12,339 files, 23,507 statements) splits 3 to 3.5 times faster (0.36-0.49 s
    instead of 1.26-1.39 s, three rounds each, alternating, beside a running benchmark), every
    statement the same (``tests/unit/test_sqlsplit.py`` compares the two loops).
    """
    counted = [0, 1]  # a position, and the line it is on: positions mostly come in increasing order

    def line_of(pos: int) -> int:
        since, line = counted if pos >= counted[0] else (0, 1)
        line += text.count("\n", since, pos)
        counted[:] = pos, line
        return line

    statements: list[Piece] = []
    meta: list[Piece] = []
    n = len(text)
    i = 0
    start = -1
    depth = 0  # inside BEGIN ATOMIC: 1 + open CASE expressions
    previous_word = ""
    line_start = True  # only blanks since the last newline
    cut: list[tuple[int, int]] = []  # meta-command lines since the last statement ended

    def finish(end: int) -> None:
        nonlocal start, depth, previous_word
        body = _without(text, start, end, cut).strip()
        cut.clear()
        if body:
            statements.append(Piece(body, line_of(start)))
        start = -1
        depth = 0
        previous_word = ""

    while i < n:
        c = text[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "\\" and line_start:
            end = text.find("\n", i)
            end = n if end < 0 else end
            meta.append(Piece(text[i:end].rstrip(), line_of(i)))
            cut.append((i, end))  # left out of the statement it is inside, if any (``_without``)
            i = end
            continue
        line_start = False
        if c == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "/" and text.startswith("/*", i):
            i = _skip_block_comment(text, i)
            continue
        if start < 0:
            start = i
        if depth == 0 and previous_word != "BEGIN" and (quiet := _QUIET_RUN.match(text, i)):
            i = quiet.end()
            continue
        if c in "'\"$":
            i = _skip_literal(text, i)
        elif c == ";" and depth == 0:
            finish(i)
            i += 1
        elif c.isalpha() or c == "_" or ord(c) >= 0x80:
            m = _WORD.match(text, i)
            assert m is not None
            word = m.group(0).upper()
            i = m.end()
            if word == "E" and i < n and text[i] == "'":
                i = _skip_quoted(text, i, "'", backslashes=True)
                continue
            if previous_word == "BEGIN" and word == "ATOMIC" and depth == 0:
                depth = 1
            elif depth and word == "CASE":
                depth += 1
            elif depth and word == "END":
                depth -= 1
            previous_word = word
        else:
            i += 1
    if start >= 0:
        finish(n)
    return statements, meta


def _without(text: str, start: int, end: int, cut: list[tuple[int, int]]) -> str:
    """``text[start:end]`` without the spans of ``cut`` that lie inside it (in order)."""
    if not cut:
        return text[start:end]
    kept, at = [], start
    for begin, stop in cut:
        if begin < start:
            continue
        kept.append(text[at:begin])
        at = stop
    kept.append(text[at:end])
    return "".join(kept)


def _skip_literal(text: str, i: int) -> int:
    """The index after the string, quoted identifier or dollar-quoted string at ``i`` (or after ``$``)."""
    c = text[i]
    if c in "'\"":
        return _skip_quoted(text, i, c, backslashes=False)
    m = _DOLLAR_TAG.match(text, i)
    if m and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
        close = text.find(m.group(0), m.end())
        return len(text) if close < 0 else close + len(m.group(0))
    return i + 1


def _skip_quoted(text: str, i: int, quote: str, *, backslashes: bool) -> int:
    """The index after the string or identifier opened at ``i`` (doubled quotes stay inside)."""
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        if backslashes and c == "\\":
            j += 2
            continue
        if c == quote:
            if j + 1 < n and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n


def _skip_block_comment(text: str, i: int) -> int:
    n = len(text)
    depth = 0
    j = i
    while j < n:
        if text.startswith("/*", j):
            depth += 1
            j += 2
        elif text.startswith("*/", j):
            depth -= 1
            j += 2
            if depth == 0:
                return j
        else:
            j += 1
    return n
