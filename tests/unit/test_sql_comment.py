"""Free text becomes SQL comment text in one place, and it is always one line.

Object names may hold line breaks and anything else; a comment that a line break ends
lets psql run what follows as SQL or as a meta-command (``\\! ...``). Expected outputs
here are written by hand.
"""

from __future__ import annotations

import json
import re

import pytest

from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.diff.changes import diff_snapshots
from pgsd.export import render
from pgsd.model.names import quote_ident, quote_literal, sql_comment, sql_comment_text
from pgsd.model.objects import Schema
from pgsd.model.snapshot import Snapshot
from pgsd.tui.definitions import field_listing

NOW = "2026-01-02T03:04:05+00:00"

# Every character that may end a line for psql, the server or an editor, or hide text.
RAW_IN_COMMENT = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

ESCAPES = [
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\v", "\\v"),
    ("\f", "\\f"),
    ("\t", "\\t"),
    ("\x00", "\\x00"),
    ("\x1b", "\\x1b"),
    ("\x1c", "\\x1c"),
    ("\x7f", "\\x7f"),
    ("\x85", "\\x85"),
    ("\x9b", "\\x9b"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
    ("\u202e", "\\u202e"),
    ("\u2066", "\\u2066"),
    ("\\", "\\\\"),
]


@pytest.mark.parametrize(("char", "shown"), ESCAPES, ids=[hex(ord(c)) for c, _ in ESCAPES])
def test_each_unsafe_character_is_shown_as_an_escape(char: str, shown: str):
    assert sql_comment_text(f"a{char}b") == f"a{shown}b"
    assert sql_comment(f"a{char}b") == f"-- a{shown}b"


def test_hostile_texts_by_hand():
    assert sql_comment('drop me\nDROP TABLE students; --"') == '-- drop me\\nDROP TABLE students; --"'
    assert sql_comment("f\n\\! touch pwned\n") == "-- f\\n\\\\! touch pwned\\n"
    assert sql_comment("x\r\\o out.txt") == "-- x\\r\\\\o out.txt"
    assert sql_comment("a\r\nb\u2028c\x85d") == "-- a\\r\\nb\\u2028c\\x85d"
    # What is only text in a -- comment stays as it is.
    assert sql_comment("/* */ $$ ; ' \" -- é 表") == "-- /* */ $$ ; ' \" -- é 表"
    assert sql_comment("") == "--"
    assert sql_comment("trailing  ") == "-- trailing"
    assert sql_comment("a\nb", "--   ") == "--   a\\nb"


@pytest.mark.parametrize("prefix", ["", "# ", "/* ", "--\n", "-- \\"])
def test_a_prefix_that_is_not_a_line_comment_is_refused(prefix: str):
    with pytest.raises(ValueError):
        sql_comment("x", prefix)


def test_every_unsafe_code_point_is_escaped():
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        out = sql_comment(f"a{ch}b")
        assert "\n" not in out and "\r" not in out
        assert not RAW_IN_COMMENT.search(out), hex(code)
        assert out.splitlines() == [out], hex(code)  # Python's idea of a line break too


def test_nul_is_refused_in_names_and_literals():
    with pytest.raises(ValueError, match="NUL"):
        quote_ident("a\x00b")
    with pytest.raises(ValueError, match="NUL"):
        quote_literal("a\x00b")


def test_statement_text_keeps_names_exact():
    # Names inside statements are quoted identifiers and literals: line breaks stay real.
    assert quote_ident("a\nb") == '"a\nb"'
    assert quote_ident('x"y') == '"x""y"'
    assert quote_literal("it's\n\\! x") == "E'it''s\n\\\\! x'"


# --------------------------------------------------------------------------- renderers

HOSTILE = ["\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029", "\n\\! touch pwned\n", "\n\\o out.txt\n",
           "\n\\i /etc/passwd\n", "\n\\c other\n", "--", "/*", "*/", "$$", ";", "'", '"', "\r\n", "\x1b[2J"]
MIXED = "".join(HOSTILE)


def _plan() -> Plan:
    drop = Statement(sql=f"DROP TABLE {quote_ident('t' + MIXED)}", key="table:x", action="drop",
                     reason=f"gone {MIXED}",
                     hazards=(Hazard(type=HazardType.DATA_LOSS, message=f"rows of {MIXED} are lost"),
                              Hazard(type=HazardType.LONG_LOCK, message=f"second {MIXED}")))
    create = Statement(sql=f"CREATE SCHEMA {quote_ident('s' + MIXED)}", key="schema:s", action="create",
                       reason=f"new {MIXED}")
    index = Statement(sql="CREATE INDEX CONCURRENTLY i ON t (a)", key="index:i", action="create",
                      transactional=False,
                      hazards=(Hazard(type=HazardType.CANNOT_RUN_IN_TRANSACTION, message=MIXED),))
    return Plan(statements=(create, drop, index), withheld=(drop,), notes=(f"note {MIXED}", MIXED),
                lock_timeout="5s")


def _psql_lines(script: str) -> list[str]:
    """Lines as psql's lexer sees them: fgets splits at \\n, and a -- comment ends at \\r too."""
    return [part for line in script.split("\n") for part in line.split("\r")]


_DOLLAR = re.compile(r"\$([A-Za-z\x80-\U0010ffff_][A-Za-z\x80-\U0010ffff_0-9]*)?\$")


def split_comments(script: str) -> tuple[str, list[str]]:
    """``script`` without its ``--`` comments, and the comments, lexed the way psql does.

    Quoted identifiers, string constants (E'' with backslash escapes), dollar quotes and
    nested block comments are skipped over; a ``--`` comment ends at \\n or \\r. A comment
    that fills a whole line is removed with its line break.
    """
    code: list[str] = []
    comments: list[str] = []
    i, n = 0, len(script)
    while i < n:
        ch = script[i]
        if script.startswith("--", i):
            end = min((j for j in (script.find("\n", i), script.find("\r", i)) if j >= 0), default=n)
            comments.append(script[i:end])
            whole_line = (i == 0 or script[i - 1] == "\n") and script.startswith("\n", end)
            i = end + 1 if whole_line else end
            continue
        if ch in "\"'":
            escapes = ch == "'" and i > 0 and script[i - 1] in "eE" and not (i > 1 and script[i - 2].isalnum())
            j = i + 1
            while j < n:
                if escapes and script[j] == "\\":
                    j += 2
                    continue
                if script[j] == ch:
                    if script.startswith(ch * 2, j):
                        j += 2
                        continue
                    break
                j += 1
            code.append(script[i:j + 1])
            i = j + 1
            continue
        if script.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if script.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif script.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            code.append(script[i:j])
            i = j
            continue
        m = _DOLLAR.match(script, i) if ch == "$" and not (i and (script[i - 1].isalnum() or script[i - 1] in "_$")) else None
        if m:
            end = script.find(m.group(), m.end())
            j = n if end < 0 else end + len(m.group())
            code.append(script[i:j])
            i = j
            continue
        code.append(ch)
        i += 1
    return "".join(code), comments


def _without_hazards(plan: Plan) -> Plan:
    return plan.model_copy(update={"statements": tuple(s.model_copy(update={"hazards": ()}) for s in plan.statements)})


def _assert_comments_are_inert(script: str, plan: Plan, before: str = "") -> list[str]:
    """Removing the comments leaves exactly the statements; no comment holds a control."""
    code, comments = split_comments(script)
    assert code == split_comments(before + _without_hazards(plan).to_sql())[0]  # boundary comments too
    for comment in comments:
        assert not RAW_IN_COMMENT.search(comment), repr(comment)
    return comments


def test_plan_to_sql_by_hand():
    plan = Plan(statements=(
        Statement(sql='DROP TABLE "a\nb"', key="table:x", action="drop",
                  hazards=(Hazard(type=HazardType.DATA_LOSS, message='"a\nb" and\r\\! touch pwned'),)),
    ), lock_timeout="1s'; DROP TABLE x; --")
    assert plan.to_sql() == (
        "SET lock_timeout = '1s''; DROP TABLE x; --';\n"
        "BEGIN;\n"
        '-- hazard data-loss: "a\\nb" and\\r\\\\! touch pwned\n'
        'DROP TABLE "a\nb";\n'
        "COMMIT;\n"
    )


def test_a_script_that_is_not_ascii_sets_its_client_encoding():
    create = Statement(sql='CREATE SCHEMA "Á""\n\\! x\n"', key="schema:x", action="create")
    assert Plan(statements=(create,)).to_sql() == (
        "SET client_encoding = 'UTF8';\n"
        "BEGIN;\n"
        'CREATE SCHEMA "Á""\n\\! x\n";\n'
        "COMMIT;\n"
    )
    ascii_only = Statement(sql="CREATE SCHEMA s", key="schema:s", action="create")
    assert Plan(statements=(ascii_only,)).to_sql() == "BEGIN;\nCREATE SCHEMA s;\nCOMMIT;\n"


def test_plan_to_sql_comments_are_single_lines():
    plan = _plan()
    script = plan.to_sql()
    comments = _assert_comments_are_inert(script, plan)
    expected = []
    for s in plan.statements:
        if not s.transactional:  # each transaction boundary is commented (issue 18)
            expected.append(sql_comment(f"transaction boundary: {s.sql.splitlines()[0]} runs outside a transaction"))
        expected.extend(sql_comment(f"hazard {h.type.label}: {h.message}") for h in s.hazards)
    assert comments == expected


def _changes():
    source = Snapshot(origin=f"postgresql://h/src{MIXED}", taken_at=f"now{MIXED}", warnings=(f"w {MIXED}",))
    target = Snapshot(origin=f"postgresql://h/tgt{MIXED}", objects=(Schema(name="s" + MIXED),))
    return diff_snapshots(source=source, target=target)


def test_render_sql_every_comment_line_is_one_line():
    plan = _plan()
    files = {"source": f"snap{MIXED}.json", "target": f"t{MIXED}.json"}
    script = render("sql", _changes(), plan, generated_at=NOW, pgsd_version=f"9{MIXED}", files=files)
    comments = _assert_comments_are_inert(script, plan, before="\n")
    header = script.split("\n\n", 1)[0].split("\n")
    # 7 header lines, 1 warning, 2 notes; "--" and the withheld title; the withheld DROP TABLE
    # (its name holds 10 \n, so 11 lines, each commented) and its 2 hazards; then the 3 hazards
    # of the plan.
    assert MIXED.count("\n") == 10
    # the CREATE INDEX CONCURRENTLY: "transactions:" and its "outside:" line (issue 18)
    assert len(header) == 7 + 1 + 2 + 2 + 11 + 2 + 2 + 1  # and the partial line
    assert comments[:len(header)] == header
    assert len(comments) == len(header) + 3 + 1  # and its boundary comment
    withheld = header[15:26]  # after the partial line and the two transaction lines
    assert withheld == [sql_comment(line, "--   ") for line in (plan.withheld[0].sql + ";").split("\n")]
    assert withheld[0] == '--   DROP TABLE "t' and withheld[2] == "--   \\\\! touch pwned"


def test_render_sql_without_statements():
    plan = Plan(notes=(MIXED,))
    script = render("sql", _changes(), plan, generated_at=NOW, pgsd_version="1")
    _assert_comments_are_inert(script, plan, before="\n")


def test_json_sql_field_is_plan_to_sql():
    plan = _plan()
    doc = json.loads(render("json", _changes(), plan, generated_at=NOW, pgsd_version="1"))
    assert doc["plan"]["sql"] == plan.to_sql()


def test_app_field_listing_is_comment_lines():
    listing = field_listing(Schema(name="s" + MIXED, owner="o" + MIXED, comment="c" + MIXED))
    code, comments = split_comments(listing + "\n")
    assert code == ""
    assert comments == [sql_comment("schema " + quote_ident("s" + MIXED)), sql_comment("owner: o" + MIXED),
                        sql_comment("comment: c" + MIXED)]


def test_the_lexer_of_this_test_sees_what_psql_sees():
    """The checks above rely on split_comments; it is checked here by hand."""
    script = "-- a\nSELECT '--x', \"--y\", E'\\'--z' /* -- */ $q$ -- $q$; -- b\rSELECT 1; -- c\n"
    assert split_comments(script) == (
        "SELECT '--x', \"--y\", E'\\'--z' /* -- */ $q$ -- $q$; \rSELECT 1; \n", ["-- a", "-- b", "-- c"])


# --------------------------------------------------------------------------- no other way in


def _composed_comments(path) -> list[str]:
    """f-strings and concatenations that start a ``--`` or ``/*`` comment and go on with a
    value on the same line (a constant comment line ended by its own ``\\n`` is harmless)."""
    import ast  # noqa: PLC0415

    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        head = None
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = node.values[0].value
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
            head = node.left.value
        if (isinstance(head, str) and "\n" not in head
                and (head.lstrip().startswith(("-- ", "/*")) or head.strip() == "--")):
            found.append(f"{path}:{node.lineno}")
    return found


def test_comments_are_composed_only_by_sql_comment():
    """A new ``f"-- {text}"`` anywhere in pgsd would bypass the helper: write it with sql_comment."""
    from pathlib import Path  # noqa: PLC0415

    import pgsd  # noqa: PLC0415

    root = Path(pgsd.__file__).parent
    found = [hit for path in sorted(root.rglob("*.py")) if path.name != "names.py" for hit in _composed_comments(path)]
    assert found == []
