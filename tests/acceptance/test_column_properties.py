"""Column properties arrive: after the plan, the server holds the source's column settings.

The round trip compares what pgsd reads, so a setting pgsd does not read (per-column
options were not) cannot fail it. This check asks the server instead: every user
table column's storage, compression, statistics target, options (attoptions) and
privileges (attacl, without the grantor), by table and column name, must be the same
on both sides after the plan.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.acceptance.roundtrip import converge

CASES = Path(__file__).parent / "cases"
COLUMNS_SQL = """
SELECT c.relname, a.attname, a.attstorage::text, a.attstattarget::int,
       coalesce(a.attoptions::text, ''),
       (SELECT coalesce(string_agg(regexp_replace(x::text, '/.*$', ''), ',' ORDER BY x::text), '')
        FROM unnest(a.attacl) AS x)
       {compression}
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
"""


def _columns(dsn: str) -> set[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        version = int(conn.execute("SHOW server_version_num").fetchone()[0])
        compression = ", a.attcompression::text" if version >= 140000 else ""
        return set(conn.execute(COLUMNS_SQL.format(compression=compression)).fetchall())


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("case", ["column_storage_options_grants", "column_storage_kept_through_type_rebuild", "column_compression", "table_properties"])
def test_column_properties_arrive(pg_server, case, direction):
    source, target = (CASES / case / "source.sql").read_text(), (CASES / case / "target.sql").read_text()
    if direction == "backward":
        source, target = target, source
    source_dsn, target_dsn = pg_server.create_database(), pg_server.create_database()
    try:
        pg_server.execute(source_dsn, source)
        pg_server.execute(target_dsn, target)
        converge(source_dsn, target_dsn)
        want, got = _columns(source_dsn), _columns(target_dsn)
        assert got == want, f"missing: {sorted(want - got)}\nunexpected: {sorted(got - want)}"
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)
