"""A re-created table keeps the sequences its columns own, and what else uses them.

When a table can only change by being made again (plain to partitioned, another
partition key, typed), ``DROP TABLE`` would take its serial columns' sequences along,
and with them every other column whose default calls them (dropped and added again,
emptied). The plan lets go of them first and owns them again after: the sequences keep
their values, and the other tables keep their columns and rows.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.acceptance.roundtrip import converge

CASE = Path(__file__).parent / "cases" / "table_recreated_in_foreign_key_cycle"


def _facts(dsn: str) -> tuple:
    with psycopg.connect(dsn, autocommit=True) as conn:
        last = conn.execute("SELECT last_value, is_called FROM public.b_id_seq").fetchone()
        owner = conn.execute("SELECT pg_get_serial_sequence('public.b', 'id')").fetchone()
        values = conn.execute("SELECT array_agg(x ORDER BY x) FROM public.other").fetchone()
    return last, owner, values


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_recreated_table_keeps_its_sequences_and_their_users(pg_server, direction):
    source, target = (CASE / "source.sql").read_text(), (CASE / "target.sql").read_text()
    if direction == "backward":
        source, target = target, source
    source_dsn, target_dsn = pg_server.create_database(), pg_server.create_database()
    try:
        pg_server.execute(source_dsn, source)
        pg_server.execute(target_dsn, target)
        pg_server.execute(target_dsn, "SELECT setval('public.b_id_seq', 41); INSERT INTO public.other (ref) VALUES (NULL)")
        (last, called), _, values = _facts(target_dsn)
        script = converge(source_dsn, target_dsn)
        assert "DROP COLUMN" not in script, script
        assert "ALTER SEQUENCE public.b_id_seq OWNED BY NONE" in script
        assert _facts(target_dsn) == ((last, called), ("public.b_id_seq",), values)
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)
