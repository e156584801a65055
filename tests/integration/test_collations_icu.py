"""ICU and nondeterministic collations round-trip (issue 24), where the server has ICU.

The embedded PostgreSQL 18 is built without ICU: there the tests are skipped and say so.
Debian's PostgreSQL 15 has it (run with PGSD_TEST_DSN pointing at one, as .ci/run does).
"""

from __future__ import annotations

import psycopg
import pytest

from pgsd.workflow import read_side
from tests.acceptance.roundtrip import assert_converges

ICU_COLLATIONS = """
CREATE SCHEMA c;
CREATE COLLATION c.case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION c.german_phonebook (provider = icu, locale = 'de-u-co-phonebk');
CREATE COLLATION c.numeric_order (provider = icu, locale = 'en-u-kn-true');
COMMENT ON COLLATION c.numeric_order IS 'a2 before a10';
"""

WITH_TABLE = ICU_COLLATIONS + """
CREATE TABLE c.person (id int PRIMARY KEY, name text COLLATE c.case_insensitive, code text COLLATE c.numeric_order);
CREATE INDEX person_name ON c.person (name);
INSERT INTO c.person VALUES (1, 'Ada', 'a10'), (2, 'ada', 'a2'), (3, NULL, NULL);
"""

PLAIN_TABLE = """
CREATE SCHEMA c;
CREATE TABLE c.person (id int PRIMARY KEY, name text, code text);
CREATE INDEX person_name ON c.person (name);
INSERT INTO c.person VALUES (1, 'Ada', 'a10'), (4, 'Bob', 'b1');
"""


@pytest.fixture
def icu(pg_server):
    try:
        with psycopg.connect(pg_server.admin_dsn) as conn:  # rolled back on leaving
            conn.execute("CREATE COLLATION public.pgsd_icu_probe (provider = icu, locale = 'und')")
            conn.rollback()
    except psycopg.errors.FeatureNotSupported:
        pytest.skip("this PostgreSQL is built without ICU (the embedded 18 is): "
                    "run with PGSD_TEST_DSN on a server that has it, e.g. Debian's 15")
    return pg_server


def test_icu_collations_are_read_as_created(icu):
    dsn = icu.create_database()
    try:
        icu.execute(dsn, ICU_COLLATIONS)
        found = {o.name: o for o in read_side(dsn, "source").objects if o.kind == "collation"}
        ci = found["case_insensitive"]
        assert (ci.provider, ci.locale, ci.deterministic) == ("i", "und-u-ks-level2", False)  # type: ignore[attr-defined]
        assert found["german_phonebook"].deterministic  # type: ignore[attr-defined]
    finally:
        icu.drop_database(dsn)


def test_icu_collations_round_trip_from_empty(icu):
    assert_converges(icu, source_sql=WITH_TABLE, target_sql="")


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_columns_move_to_and_from_icu_collations(icu, direction):
    source, target = (WITH_TABLE, PLAIN_TABLE) if direction == "forward" else (PLAIN_TABLE, WITH_TABLE)
    assert_converges(icu, source_sql=source, target_sql=target)
