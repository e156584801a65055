"""Done-when of issue 24: one object of every kind pgsd models, compared and planned.

* A database holding one object of every kind in the kind registry compares empty with
  itself, has nothing left in the coverage report, and round-trips through the plan from
  an empty database (plan, apply, re-introspect, re-diff: nothing left; see
  tests.acceptance.roundtrip).
* The coverage report ("not compared") is empty for the demo schemas and for both sides
  of every acceptance case.

Parsers, templates, languages, casts to built-in behaviour and base types need a
superuser (the test server's admin role is one).
"""

from __future__ import annotations

from pathlib import Path

from pgsd.demo.setup import SQL_FILES, sample_sql
from pgsd.diff.changes import diff_snapshots
from pgsd.model.kinds import BY_NAME as KIND_CLASSES
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow import read_side
from tests.acceptance.roundtrip import converge, describe

CASES = Path(__file__).parent.parent / "acceptance" / "cases"

EVERY_KIND = r"""
CREATE SCHEMA k;
CREATE EXTENSION hstore WITH SCHEMA k;
CREATE COLLATION k.coll (locale = 'C');
CREATE TYPE k.mood AS ENUM ('sad', 'happy');
CREATE DOMAIN k.positive AS int CHECK (VALUE > 0);
CREATE TYPE k.pair AS (a int, b int);
CREATE TYPE k.span AS RANGE (subtype = int4);
CREATE TYPE k.later;
CREATE TYPE k.n4;
CREATE FUNCTION k.n4_in(cstring) RETURNS k.n4 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION k.n4_out(k.n4) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE k.n4 (INPUT = k.n4_in, OUTPUT = k.n4_out, INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4);
CREATE SEQUENCE k.counter;
CREATE TEXT SEARCH PARSER k.prs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
                                 LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
CREATE TEXT SEARCH TEMPLATE k.tmpl (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH DICTIONARY k.dict (TEMPLATE = k.tmpl, stopwords = 'english');
CREATE TEXT SEARCH CONFIGURATION k.docs (PARSER = k.prs);
ALTER TEXT SEARCH CONFIGURATION k.docs ADD MAPPING FOR asciiword, word WITH k.dict;
CREATE TABLE k.item (
    id int PRIMARY KEY,
    name text COLLATE k.coll,
    mood k.mood,
    qty k.positive,
    v k.n4,
    body text,
    tags k.hstore,
    cfg regconfig DEFAULT 'k.docs'::regconfig,
    CHECK (id > 0)
);
CREATE INDEX item_fts ON k.item USING gin (to_tsvector('k.docs'::regconfig, body));
CREATE FUNCTION k.mood_text(k.mood) RETURNS text LANGUAGE sql IMMUTABLE RETURN $1::text;
CREATE CAST (k.mood AS text) WITH FUNCTION k.mood_text(k.mood);
CREATE TRUSTED LANGUAGE plk HANDLER plpgsql_call_handler INLINE plpgsql_inline_handler VALIDATOR plpgsql_validator;
CREATE CONVERSION k.conv FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1;
CREATE FUNCTION k.from_sql(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION k.to_sql(internal) RETURNS k.mood LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE TRANSFORM FOR k.mood LANGUAGE plk (FROM SQL WITH FUNCTION k.from_sql(internal),
                                          TO SQL WITH FUNCTION k.to_sql(internal));
CREATE FUNCTION k.same(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN $1 = $2;
CREATE OPERATOR k.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = k.same, COMMUTATOR = OPERATOR(k.===));
CREATE OPERATOR FAMILY k.same USING hash;
CREATE OPERATOR CLASS k.same FOR TYPE int USING hash FAMILY k.same AS
    OPERATOR 1 k.===, FUNCTION 1 hashint4(int);
ALTER OPERATOR FAMILY k.same USING hash ADD FUNCTION 2 (int, int) hashint4extended(int, bigint);
CREATE INDEX item_same ON k.item USING hash (id k.same);
CREATE FUNCTION k.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER item_touch BEFORE UPDATE ON k.item FOR EACH ROW EXECUTE FUNCTION k.touch();
CREATE RULE item_no_delete AS ON DELETE TO k.item WHERE old.id < 0 DO INSTEAD NOTHING;
ALTER TABLE k.item ENABLE ROW LEVEL SECURITY;
CREATE POLICY item_all ON k.item USING (true);
CREATE STATISTICS k.item_stats ON id, qty FROM k.item;
CREATE VIEW k.item_names AS SELECT id, name FROM k.item;
CREATE MATERIALIZED VIEW k.item_count AS SELECT count(*) AS n FROM k.item;
CREATE FUNCTION k.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE EVENT TRIGGER k_on_ddl ON ddl_command_end EXECUTE FUNCTION k.on_ddl();
CREATE FOREIGN DATA WRAPPER k_fdw;
CREATE SERVER k_server FOREIGN DATA WRAPPER k_fdw;
CREATE USER MAPPING FOR PUBLIC SERVER k_server;
CREATE FOREIGN TABLE k.remote (id int) SERVER k_server;
CREATE PUBLICATION k_pub FOR TABLE k.item;
CREATE SUBSCRIPTION k_sub CONNECTION 'host=publisher.invalid dbname=k' PUBLICATION k_pub WITH (connect = false);
ALTER DEFAULT PRIVILEGES IN SCHEMA k GRANT SELECT ON TABLES TO PUBLIC;
INSERT INTO k.item (id, name, mood, qty, v, body) VALUES (1, 'one', 'happy', 3, '7', 'a word or two');
"""


def test_every_kind_compares_empty_with_itself_and_round_trips_from_and_to_empty(pg_server):
    full = pg_server.create_database()
    empty = pg_server.create_database()
    try:
        pg_server.execute(full, EVERY_KIND)
        # roles are read with --roles only (the cluster holds at least the tests' pgsd_pwauth);
        # their round trip is tests/integration/test_roles.py
        kinds = {o.kind for o in read_side(full, "source", filters=Filters(roles=True)).objects}
        assert kinds == set(KIND_CLASSES), set(KIND_CLASSES) - kinds
        snap = read_side(full, "source")
        assert "role" not in {o.kind for o in snap.objects}
        assert snap.not_compared == {}
        restored = Snapshot.from_json(snap.to_json())  # every kind survives a snapshot file
        assert restored.objects == snap.objects and restored.dependencies == snap.dependencies
        again = diff_snapshots(source=snap, target=read_side(full, "target"))
        assert again.is_empty, describe(again)
        converge(full, empty)  # plan from empty, apply, re-read, nothing left
        bare = pg_server.create_database()
        try:
            converge(bare, full)  # and drop every kind again, in an order PostgreSQL accepts
        finally:
            pg_server.drop_database(bare)
    finally:
        # event triggers would fire in later statements of this database only; drop both
        pg_server.drop_database(full)
        pg_server.drop_database(empty)


def _sides() -> list[tuple[str, str]]:
    out = [(f"demo:{name}", sample_sql(name)) for name in sorted(set(SQL_FILES.values()))]
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for side in ("source.sql", "target.sql"):
            out.append((f"{case.name}/{side}", (case / side).read_text()))
    return out


def test_nothing_is_left_uncompared_in_the_demo_and_the_acceptance_cases(pg_server):
    left: dict[str, dict[str, int]] = {}
    for label, text in _sides():
        dsn = pg_server.create_database()
        try:
            pg_server.execute(dsn, text)
            not_compared = read_side(dsn, "source").not_compared
            if not_compared:
                left[label] = not_compared
        finally:
            pg_server.drop_database(dsn)
    assert not left, left


