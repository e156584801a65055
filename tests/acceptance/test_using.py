"""A type change with no conversion, converted by the user's USING expression: rows survive."""

from __future__ import annotations

import pytest

from pgsd.ddl.context import PlanOptions
from tests.acceptance.roundtrip import assert_converges

MILLIS = """
CREATE TABLE events (id int PRIMARY KEY, happened bigint NOT NULL);
INSERT INTO events VALUES (1, 1700000000000), (2, 1700000000500);
"""
STAMPS = """
CREATE TABLE events (id int PRIMARY KEY, happened timestamp NOT NULL);
INSERT INTO events VALUES (1, '2023-11-14 22:13:20'), (2, '2024-01-01 00:00:00');
"""
KEY = "column:public.events.happened"


@pytest.mark.parametrize(("source", "target", "expression"), [
    (STAMPS, MILLIS, "to_timestamp(happened / 1000.0) AT TIME ZONE 'UTC'"),
    (MILLIS, STAMPS, "(extract(epoch FROM happened) * 1000)::bigint"),
])
def test_using_expression_keeps_the_rows(pg_server, source, target, expression):
    script = assert_converges(pg_server, source_sql=source, target_sql=target,
                              plan_options=PlanOptions(using={KEY: expression}))
    assert f"USING {expression}" in script
    assert "DROP COLUMN" not in script
