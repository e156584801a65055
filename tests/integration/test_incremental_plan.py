"""Re-planning with a PlanCache gives the plan a fresh planner gives, selection after selection.

The pair is read from real databases built by bench/gen_schema.py (a base and a variant
with a fifth of it changed: tables, columns, types, views, functions, foreign keys, enums
and domains, with the dependency edges PostgreSQL records), so the selections exercise
what the app's toggles do: drops that pull in dependents, recreated views, rebuilt types,
new tables with their columns. One cache serves a long run of selections, as in the app,
and every plan is compared whole (statements, reasons, hazards, withheld, notes) with the
plan of a planner that never saw another selection.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pgsd import workflow
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.incremental import PlanCache
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import ChangeSet
from pgsd.workflow import read_side

GEN = Path(__file__).resolve().parents[2] / "bench" / "gen_schema.py"
OPTIONS = {
    "default": PlanOptions(),
    "safe": PlanOptions(safe=True),
    "all": PlanOptions(safe=True, concurrently=True, not_valid=True, owners=True),
}


def _load(dsn: str, *args: str) -> None:
    sql = subprocess.run([sys.executable, str(GEN), "--tables", "120", "--seed", "7", *args],
                         capture_output=True, text=True, check=True).stdout
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # the generator's own, trusted text


@pytest.fixture(scope="module")
def generated(pg_server) -> ChangeSet:  # noqa: ANN001
    """The variant (source) compared with the base (target), read from two databases."""
    source, target = pg_server.create_database(), pg_server.create_database()
    try:
        _load(source, "--variant", "--change-rate", "0.2")
        _load(target)
        return workflow.compare(read_side(source, "source"), read_side(target, "target"))
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)


def _selections(keys: list[str], rng: random.Random, count: int) -> list[set[str] | None]:
    """Toggle-like runs (all but a few, a few, half) and the whole plan, in a random order."""
    out: list[set[str] | None] = [None, set(keys), set()]
    for _ in range(count):
        shape = rng.random()
        if shape < 0.4:
            out.append(set(keys) - set(rng.sample(keys, rng.randint(1, 5))))
        elif shape < 0.7:
            out.append(set(rng.sample(keys, rng.randint(1, 8))))
        else:
            out.append({k for k in keys if rng.random() < 0.5})
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("variant", sorted(OPTIONS))
def test_cached_replans_equal_fresh_plans(generated: ChangeSet, variant: str) -> None:
    cs, options = generated, OPTIONS[variant]
    keys = sorted(c.key for c in cs.changes if not c.same_meaning)
    assert len(keys) > 100, "the generated pair should differ in many places"
    cache = PlanCache(cs, options)
    differing = 0
    for selected in _selections(keys, random.Random(variant), 40):
        again = build_plan(cs, options, selected=selected, cache=cache)
        fresh = build_plan(cs, options, selected=selected)
        assert again.model_dump() == fresh.model_dump(), f"selection of {len(selected or keys)} changes"
        assert again.to_sql() == fresh.to_sql()
        differing += again.statements != build_plan(cs, options, cache=cache).statements
    assert differing > 10, "the selections should give different plans"


def test_a_cache_for_other_options_is_not_used(generated: ChangeSet) -> None:
    keys = sorted(c.key for c in generated.changes if not c.same_meaning)
    cache = PlanCache(generated, PlanOptions())
    build_plan(generated, PlanOptions(), selected=set(keys), cache=cache)
    owners = PlanOptions(owners=True, not_valid=True)
    assert not cache.fits(generated, owners)
    assert (build_plan(generated, owners, selected=set(keys), cache=cache).model_dump()
            == build_plan(generated, owners, selected=set(keys)).model_dump())
