"""SQL sides without a server: splitting statements, recognising the argument forms, dump file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgsd import errors
from pgsd.ddl.plan import Plan, Statement
from pgsd.export.dump import dump_files, previous_files, safe_file_name, safe_name
from pgsd.model.snapshot import Snapshot
from pgsd.workflow.sides import DatabaseSide, SnapshotSide, SqlSide, parse_side
from pgsd.workflow.sqlsplit import split_sql


def texts(sql: str) -> list[str]:
    return [p.text for p in split_sql(sql)[0]]


def test_semicolons_inside_quotes_comments_and_dollar_quotes_do_not_split() -> None:
    sql = """
    CREATE TABLE t (a text DEFAULT 'x;''y', "we;ird" int); -- a comment; still one
    /* block; /* nested; */ still comment; */ SELECT E'it\\'s;', $$a;b$$, $fn$ x; $$ y; $fn$;
    SELECT 1
    """
    assert texts(sql) == [
        """CREATE TABLE t (a text DEFAULT 'x;''y', "we;ird" int)""",
        """SELECT E'it\\'s;', $$a;b$$, $fn$ x; $$ y; $fn$""",
        "SELECT 1",
    ]


def test_begin_atomic_bodies_with_case_end_are_one_statement() -> None:
    sql = """CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN x > 0 THEN 1 ELSE CASE WHEN x < 0 THEN -1 END END;
  SELECT x;
END;
CREATE TABLE after_it (a int);
BEGIN;
COMMIT;"""
    pieces = split_sql(sql)[0]
    assert [p.line for p in pieces] == [1, 6, 7, 8]
    assert pieces[0].text.endswith("SELECT x;\nEND")
    assert not pieces[0].is_transaction_control
    assert [p.is_transaction_control for p in pieces[1:]] == [False, True, True]


def test_meta_commands_are_set_apart_with_their_lines() -> None:
    sql = "\\set ON_ERROR_STOP on\nCREATE TABLE a (x int);\n  \\i other.sql\nSELECT '\n\\not a command';\n"
    statements, meta = split_sql(sql)
    assert [(m.text, m.line) for m in meta] == [("\\set ON_ERROR_STOP on", 1), ("\\i other.sql", 3)]
    assert [(s.text, s.line) for s in statements] == [("CREATE TABLE a (x int)", 2), ("SELECT '\n\\not a command'", 4)]


def test_dollar_signs_in_identifiers_and_parameters_are_not_quotes() -> None:
    assert texts("SELECT a$b$c FROM t; PREPARE p AS SELECT $1; SELECT 2") == [
        "SELECT a$b$c FROM t", "PREPARE p AS SELECT $1", "SELECT 2"]


def test_sql_argument_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema").mkdir()
    assert parse_side("schema") == SqlSide(kind="dir", path="schema")
    assert parse_side("schema/") == SqlSide(kind="dir", path="schema/")
    assert parse_side("one.sql") == SqlSide(kind="file", path="one.sql")
    assert parse_side("git:main:schema/") == SqlSide(kind="git", rev="main", path="schema/")
    assert parse_side("git:HEAD~1:") == SqlSide(kind="git", rev="HEAD~1", path="")
    assert parse_side("git:HEAD~1:db/a.sql").describe() == "SQL db/a.sql at git revision HEAD~1"
    assert isinstance(parse_side("snap.json"), SnapshotSide)
    assert isinstance(parse_side("dbname=x.sql"), DatabaseSide)
    assert isinstance(parse_side("postgresql://h/db.sql"), DatabaseSide)
    with pytest.raises(errors.PgsdError, match="git:REVISION:PATH"):
        parse_side("git:main")


HOSTILE = ["../../etc/passwd", "a/b", "x\x00y\n\x1b[31m", "..", ".hidden", "é" * 300, "", "c:\\con"]


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_file_names_from_hostile_object_names(hostile: str) -> None:
    name = safe_name(hostile)
    assert name and "/" not in name and "\\" not in name and ".." not in name
    assert not name.startswith(".") and len(name) <= 80
    assert all(c.isprintable() for c in name)


def test_dump_files_are_in_plan_order_and_unique_whatever_the_names() -> None:
    plan = Plan(statements=tuple(
        Statement(sql=f"CREATE TABLE {n}", key=f"table:{k}", action="create")
        for n, k in [("a", '"x/y".t'), ("b", '"x_y".t'), ("c", "s.c"), ("d", "s.c"), ("e", '"x/y".t')]
    ))
    files = dump_files(plan, Snapshot(), "by-object")
    names = [f.name for f in files]
    assert names == sorted(names) and len(set(names)) == 4
    assert [len(f.statements) for f in files] == [1, 1, 2, 1]
    assert names[0] == "0001_table_x_y_.t.sql"
    assert all(safe_file_name(n) == n for n in names)


def test_previous_files_only_trusts_plain_names(tmp_path: Path) -> None:
    (tmp_path / "pgsd-dump.json").write_text(
        '{"files": [{"file": "0001_a.sql"}, {"file": "../escape.sql"}, {"file": "sub/x.sql"}, {"file": ".x.sql"},'
        ' {"file": "notes.txt"}]}'
    )
    assert previous_files(tmp_path) == {"0001_a.sql"}
    (tmp_path / "pgsd-dump.json").write_text("not json")
    assert previous_files(tmp_path) == set()


def test_a_directory_side_lists_what_rglob_by_suffix_and_is_file_lists_in_relative_path_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from pgsd.workflow.sides import SQL_SUFFIX
    from pgsd.workflow.sqlside import sql_files

    top = tmp_path / "schema"
    (top / "a" / "deep").mkdir(parents=True)
    (top / "elsewhere").mkdir()
    files = ["a-b.sql", "a/b.sql", "a/deep/c.SQL", "Z.sql", "..sql", ".sql", "notes.txt", "x.sql.bak",
             "élan.sql", "a/deep/'; DROP TABLE t; --.sql", "elsewhere/outside.sql"]
    for name in files:
        (top / name).write_text(f"-- {name}\n")
    (top / "link.sql").symlink_to(top / "Z.sql")  # a link to a file counts
    (top / "dirlink").symlink_to(top / "elsewhere", target_is_directory=True)  # a link to a directory is not entered
    (top / "dangling.sql").symlink_to(top / "missing.sql")
    os.mkfifo(top / "pipe.sql")  # not a regular file
    (top / "sub.sql").mkdir()  # a directory named like a file

    reference = sorted(
        (p for p in top.rglob("*") if p.suffix.lower() == SQL_SUFFIX and p.is_file()),
        key=lambda p: p.relative_to(top).as_posix(),
    )
    listed = sql_files(SqlSide(kind="dir", path=str(top)))
    assert [f.label for f in listed] == [str(p) for p in reference]
    names = [Path(f.label).relative_to(top).as_posix() for f in listed]
    assert names.index("a-b.sql") < names.index("a/b.sql")  # by path, "/" after "-"
    assert {"..sql", "a/deep/c.SQL", "link.sql", "élan.sql"} <= set(names)
    assert not {".sql", "dirlink/outside.sql", "pipe.sql", "dangling.sql", "sub.sql", "x.sql.bak"} & set(names)
    assert all(f.text == f"-- {Path(f.label).resolve().relative_to(top).as_posix()}\n" for f in listed)
    monkeypatch.chdir(top)  # labelled as Path joins them: "a/b.sql" under ".", not "./a/b.sql"
    here = sorted((p for p in Path(".").rglob("*") if p.suffix.lower() == SQL_SUFFIX and p.is_file()),
                  key=lambda p: p.as_posix())
    assert [f.label for f in sql_files(SqlSide(kind="dir", path="."))] == [str(p) for p in here]
