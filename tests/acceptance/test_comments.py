"""Comments arrive: after the plan, the target holds exactly the source's comments.

The round trip compares what pgsd reads, so a comment pgsd does not read cannot fail
it. This check asks the server instead: every user object's comment, named by
pg_describe_object (no OIDs), must be the same on both sides after the plan.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.acceptance.roundtrip import converge

CASES = Path(__file__).parent / "cases"
COMMENTS_SQL = """
SELECT pg_describe_object(classoid, objoid, objsubid), description
FROM pg_description WHERE objoid >= 16384
"""


def _comments(dsn: str) -> set[tuple[str, str]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return {(name, text) for name, text in conn.execute(COMMENTS_SQL)}


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("case", ["comments_on_attributes_and_rebuilt_types", "comments_on_constraint_indexes"])
def test_comments_arrive(pg_server, case, direction):
    source, target = (CASES / case / "source.sql").read_text(), (CASES / case / "target.sql").read_text()
    if direction == "backward":
        source, target = target, source
    source_dsn, target_dsn = pg_server.create_database(), pg_server.create_database()
    try:
        pg_server.execute(source_dsn, source)
        pg_server.execute(target_dsn, target)
        converge(source_dsn, target_dsn)
        assert _comments(target_dsn) == _comments(source_dsn)
    finally:
        pg_server.drop_database(source_dsn)
        pg_server.drop_database(target_dsn)
