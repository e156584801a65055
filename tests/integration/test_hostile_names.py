"""Hostile names, comments, labels, defaults and bodies: the generated SQL is safe to run with psql.

Objects of every kind pgsd models get names holding line terminators, psql meta-commands
on a line of their own, comment and dollar-quote markers, ``;`` and quotes. Plans are made
in three directions (creates, drops, alters), written by the real ``pgsd diff -o FILE``,
and run with the real ``psql -v ON_ERROR_STOP=1 -f`` (in UTF8 and in client encodings
where a byte of a UTF-8 character can swallow a quote: SJIS, BIG5, GBK). Afterwards nothing is left to do, a
sentinel table still holds its rows, the file a ``\\!`` would create does not exist, and a
file a ``\\o`` would overwrite is intact. The JSON ``sql`` field and ``Plan.to_sql`` are the
same text as the script's statements.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.model.names import quote_ident, quote_literal
from pgsd.workflow import plan, read_side
from tests.acceptance.roundtrip import describe

PSQL = shutil.which("psql") or "/usr/bin/psql"

# Each is put into the names (and comments, labels, defaults, bodies) of one set of objects.
HOSTILE = [
    "\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029",
    "\n\\! touch pwned\n",
    "\r\\! touch pwned\r",
    "\n\\o out.txt\n",
    "\n\\i /etc/passwd\n",
    "\n\\c other\n",
    "\nDROP TABLE sentinel; --",
    'Á"\n\\! touch pwned\n',  # in SJIS, 0x81 (the end of Á) swallows the " after it
    "--", "/*", "*/", "$$", ";", "'", '"',
]
KEEP = "the reviewed migration, untouched\n"


def ident(name: str) -> str:
    """Written here, not with pgsd's helper: the fixtures must not depend on the code under test."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _objects(i: int, h: str, variant: int, role: str) -> str:
    """Every kind pgsd models, in schema ``s<i><h>``; ``variant`` 2 differs from 1 in every way
    that can be altered in place, and in a few ways that need a rewrite or lose data."""
    s = ident(f"s{i}{h}")

    def q(name: str) -> str:
        return f"{s}.{ident(name + h)}"

    t, child = q("t"), q("child")
    col, n, gone = ident("col" + h), ident("n" + h), ident("gone" + h)
    note = f"{variant} note{h}"  # every comment
    labels = [f"a{h}", f"b{h}"] + ([f"c{h}"] if variant == 2 else [])
    body = f"SELECT {lit(f'{variant}{h}$$ $function$')}::text || x"
    ntype = "bigint" if variant == 2 else "integer"
    sql = [
        f"CREATE SCHEMA {s};",
        f"COMMENT ON SCHEMA {s} IS {lit(note)};",
        f"CREATE TYPE {q('e')} AS ENUM ({', '.join(lit(label) for label in labels)});",
        f"COMMENT ON TYPE {q('e')} IS {lit(note)};",
        f"CREATE DOMAIN {q('d')} AS text CONSTRAINT {ident('dc' + h)} CHECK (VALUE <> {lit(h * variant)});",
        f"COMMENT ON DOMAIN {q('d')} IS {lit(note)};",
        f"CREATE TYPE {q('c')} AS ({ident('a' + h)} text);",
        f"COMMENT ON TYPE {q('c')} IS {lit(note)};",
        f"CREATE TYPE {q('r')} AS RANGE (subtype = float8);",
        f"CREATE COLLATION {q('co')} FROM \"C\";",
        f"COMMENT ON COLLATION {q('co')} IS {lit(note)};",
        f"CREATE SEQUENCE {q('q')} INCREMENT {variant};",
        f"COMMENT ON SEQUENCE {q('q')} IS {lit(note)};",
        f"CREATE TABLE {t} (id integer CONSTRAINT {ident('pk' + h)} PRIMARY KEY,"
        f" {col} text DEFAULT {lit(f'{variant}{h}')} CONSTRAINT {ident('ck' + h)} CHECK ({col} <> {lit(h)}),"
        f" {n} {ntype}, e {q('e')}, dd {q('d')}"
        + (f", {gone} text" if variant == 1 else "") + ");",
        f"INSERT INTO {t} (id, {col}, {n}) VALUES (1, 'one', 1), (2, 'two', 2);",
        f"COMMENT ON TABLE {t} IS {lit(note)};",
        f"COMMENT ON COLUMN {t}.{col} IS {lit(note)};",
        f"COMMENT ON CONSTRAINT {ident('ck' + h)} ON {t} IS {lit(note)};",
        f"GRANT SELECT ON {t} TO {ident(role)};",
        f"CREATE INDEX {ident('i' + h)} ON {t} ({col if variant == 1 else n});",
        f"COMMENT ON INDEX {s}.{ident('i' + h)} IS {lit(note)};",
        f"CREATE TABLE {child} (id integer CONSTRAINT {ident('fk' + h)} REFERENCES {t});",
        f"CREATE STATISTICS {q('st')} ON id, {col} FROM {t};",
        f"CREATE VIEW {q('v')} AS SELECT {col} AS {ident('vc' + h)}, {variant} AS k FROM {t};",
        f"COMMENT ON VIEW {q('v')} IS {lit(note)};",
        f"COMMENT ON COLUMN {q('v')}.{ident('vc' + h)} IS {lit(note)};",
        f"CREATE MATERIALIZED VIEW {q('m')} AS SELECT id, {lit(h)}::text AS {ident('mc' + h)} FROM {t};",
        f"CREATE FUNCTION {q('f')}(x text) RETURNS text LANGUAGE sql AS $fn${body}$fn$;",
        f"COMMENT ON FUNCTION {q('f')}(text) IS {lit(note)};",
        f"CREATE PROCEDURE {q('p')}() LANGUAGE plpgsql AS $fn$BEGIN RAISE NOTICE {lit(note)}; END$fn$;",
        f"CREATE AGGREGATE {q('agg')}(text) (SFUNC = textcat, STYPE = text, INITCOND = {lit(note)});",
        f"CREATE FUNCTION {q('tf')}() RETURNS trigger LANGUAGE plpgsql"
        f" AS $fn$BEGIN RAISE NOTICE {lit(note)}; RETURN NEW; END$fn$;",
        f"CREATE TRIGGER {ident('tr' + h)} BEFORE {'INSERT' if variant == 1 else 'UPDATE'} ON {t}"
        f" FOR EACH ROW EXECUTE FUNCTION {q('tf')}();",
        f"COMMENT ON TRIGGER {ident('tr' + h)} ON {t} IS {lit(note)};",
        f"CREATE RULE {ident('ru' + h)} AS ON DELETE TO {child} WHERE old.id < {-variant} DO INSTEAD NOTHING;",
        f"CREATE POLICY {ident('po' + h)} ON {t} USING ({col} <> {lit(note)});",
        f"COMMENT ON POLICY {ident('po' + h)} ON {t} IS {lit(note)};",
        f"CREATE FUNCTION {q('etf')}() RETURNS event_trigger LANGUAGE plpgsql AS $fn$BEGIN END$fn$;",
        f"CREATE EVENT TRIGGER {ident(f'et{i}' + h)} ON ddl_command_end WHEN TAG IN ('CREATE TABLE')"
        f" EXECUTE FUNCTION {q('etf')}();",
        f"CREATE FOREIGN DATA WRAPPER {ident(f'w{i}' + h)} OPTIONS ({ident('o' + h)} {lit(note)});",
        f"CREATE SERVER {ident(f'sv{i}' + h)} FOREIGN DATA WRAPPER {ident(f'w{i}' + h)}"
        f" OPTIONS (host {lit(note)});",
        f"COMMENT ON SERVER {ident(f'sv{i}' + h)} IS {lit(note)};",
        f"CREATE USER MAPPING FOR {ident(role)} SERVER {ident(f'sv{i}' + h)} OPTIONS (user {lit(note)});",
        f"CREATE FOREIGN TABLE {q('ft')} ({ident('fc' + h)} text OPTIONS (x {lit(note)}))"
        f" SERVER {ident(f'sv{i}' + h)};",
        f"CREATE PUBLICATION {ident(f'pub{i}' + h)} FOR TABLE {t};",
        f"COMMENT ON PUBLICATION {ident(f'pub{i}' + h)} IS {lit(note)};",
    ]
    return "\n".join(sql)


SENTINEL_SQL = "CREATE TABLE sentinel (id integer PRIMARY KEY, v text);\n" \
               "INSERT INTO sentinel SELECT g, 'row ' || g FROM generate_series(1, 100) g;\n"


def hostile_sql(variant: int, role: str) -> str:
    return SENTINEL_SQL + "\n".join(_objects(i, h, variant, role) for i, h in enumerate(HOSTILE))


@pytest.fixture(scope="module")
def hostile_role(pg_server) -> Iterator[str]:
    """A role whose name holds a line break and a meta-command (grantee and user mapping)."""
    role = f"r\n\\! touch pwned\n{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, f"CREATE ROLE {ident(role)} NOLOGIN")
    yield role
    # The databases holding its grants are dropped by then (function-scoped new_db).
    pg_server.execute(pg_server.admin_dsn, f"DROP ROLE IF EXISTS {ident(role)}")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """psql's working directory: where \\! touch and \\o would write."""
    (tmp_path / "out.txt").write_text(KEEP)
    return tmp_path


def pgsd(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.run([sys.executable, "-m", "pgsd", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, cwd=cwd, timeout=600)


def psql(cwd: Path, dsn: str, script: Path, encoding: str = "UTF8") -> subprocess.CompletedProcess:
    """psql as a user runs it; ``encoding`` is the client encoding their locale gives."""
    env = dict(os.environ, PGCLIENTENCODING=encoding)
    return subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", str(script)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, cwd=cwd, timeout=600)


def sentinel_rows(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM sentinel WHERE v = 'row ' || id").fetchone()[0]


def assert_untouched(workdir: Path, dsn: str, ran: subprocess.CompletedProcess) -> None:
    """psql ran no meta-command and no SQL of a comment; checked before its exit status,
    which a hostile line may have made non-zero after the damage was done."""
    assert not (workdir / "pwned").exists(), f"a \\! meta-command in the plan ran a shell command:\n{ran.stderr}"
    assert (workdir / "out.txt").read_text() == KEEP, "a \\o meta-command in the plan overwrote a file"
    assert ran.returncode == 0, f"psql failed: {ran.stderr[-3000:]}"
    assert sentinel_rows(dsn) == 100


def plan_apply_and_check(workdir: Path, source: str, target: str, *extra: str, encoding: str = "UTF8") -> str:
    """``pgsd diff SOURCE TARGET -o plan.sql``, run with psql, then nothing left to do."""
    made = pgsd(workdir, "diff", source, target, "-o", "plan.sql", *extra)
    assert made.returncode == 1, made.stderr
    script = (workdir / "plan.sql").read_bytes().decode()

    # The same statements, byte for byte, from the JSON sql field and from Plan.to_sql.
    as_json = pgsd(workdir, "diff", source, target, "--format", "json", *extra)
    assert as_json.returncode == 1, as_json.stderr
    body = json.loads(as_json.stdout)["plan"]["sql"]
    src, tgt = read_side(source, "source"), read_side(target, "target")
    assert plan(diff_snapshots(source=src, target=tgt)).to_sql() == body  # as pgsd diff plans it
    assert script.endswith("\n\n" + body)

    ran = psql(workdir, target, workdir / "plan.sql", encoding)
    assert_untouched(workdir, target, ran)

    left = diff_snapshots(source=src, target=read_side(target, "target"))
    assert left.is_empty, f"differences left after psql ran the plan:\n{describe(left)}"
    assert build_plan(left).is_empty
    return script


@pytest.fixture
def make_db(pg_server, new_db, hostile_role) -> Callable[[int], str]:
    """A fresh database: 0 holds only the sentinel table, 1 and 2 the hostile objects too."""
    def make(variant: int) -> str:
        dsn = new_db()
        pg_server.execute(dsn, hostile_sql(variant, hostile_role) if variant else SENTINEL_SQL)
        return dsn
    return make


def test_hostile_objects_created(make_db, workdir):
    script = plan_apply_and_check(workdir, make_db(1), make_db(0))
    assert "CREATE TABLE" in script and "-- hazard " in script


def test_hostile_objects_dropped(make_db, workdir):
    script = plan_apply_and_check(workdir, make_db(0), make_db(1), encoding="SJIS")
    assert "DROP TABLE" in script and "-- hazard data-loss" in script


def test_hostile_objects_altered(make_db, workdir):
    script = plan_apply_and_check(workdir, make_db(2), make_db(1), encoding="BIG5")
    assert "ALTER TABLE" in script and "-- hazard table-rewrite" in script and "-- hazard data-loss" in script


def test_withheld_statements_stay_comments(make_db, workdir):
    """--safe lists the statements that lose data as comments: psql must run none of them."""
    target = make_db(1)
    made = pgsd(workdir, "diff", make_db(2), target, "--safe", "-o", "plan.sql")
    assert made.returncode == 1, made.stderr
    script = (workdir / "plan.sql").read_bytes().decode()
    assert "-- withheld by --safe" in script and "--   ALTER TABLE" in script
    kept = "SELECT count(*) FROM pg_attribute WHERE attname LIKE 'gone%' AND NOT attisdropped"
    with psycopg.connect(target, autocommit=True) as conn:
        assert conn.execute(kept).fetchone()[0] == len(HOSTILE)
    ran = psql(workdir, target, workdir / "plan.sql", "GBK")
    assert_untouched(workdir, target, ran)
    with psycopg.connect(target, autocommit=True) as conn:
        assert conn.execute(kept).fetchone()[0] == len(HOSTILE), "a withheld DROP COLUMN ran"


def test_hostile_snapshot_file(make_db, workdir):
    """A snapshot file is input too: its origin, warnings and its own file name reach the header."""
    source = make_db(1)
    taken = pgsd(workdir, "snapshot", source, "-o", "snap.json")
    assert taken.returncode == 0, taken.stderr
    doc = json.loads((workdir / "snap.json").read_text())
    doc["origin"] = "\n".join(["db", "\\! touch pwned", "DROP TABLE sentinel; --"])
    doc["warnings"] = ["w\r\\! touch pwned\r", "\u2028\\o out.txt\n"]
    name = workdir / "s\n\\! touch pwned\n.json"
    name.write_text(json.dumps(doc))
    script = plan_apply_and_check(workdir, str(name), make_db(0), encoding="SJIS")
    assert "touch pwned" in script.split("\n\n", 1)[0]  # the header did show them, escaped


QUOTING = [*HOSTILE, "a\\b", "\\", "\\'", "'\\", "E'x'", "$function$", "Ab", "PUBLIC", "select", "é表", "\t", "\x1b"]


@pytest.mark.parametrize("text", QUOTING, ids=[f"q{i}" for i in range(len(QUOTING))])
def test_quoting_helpers_match_the_server(pg_server, text: str):
    """quote_ident/quote_literal give what the server's own functions give, and read back
    exactly, whatever standard_conforming_strings says."""
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT quote_ident(%s), quote_literal(%s)", (text, text)).fetchone() == (
            quote_ident(text), quote_literal(text))
        for conforming in ("on", "off"):
            conn.execute(f"SET standard_conforming_strings = {conforming}")
            assert conn.execute(f"SELECT {quote_literal(text)}::text").fetchone()[0] == text
            cur = conn.execute(f"SELECT 1 AS {quote_ident(text)}")
            assert cur.description[0].name == text
