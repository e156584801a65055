"""Subscriptions as definitions only, on a real server (no publisher: every subscription is
made with ``connect = false``, which PostgreSQL accepts without one).

The password in a connection string never leaves the catalog: not into a snapshot, its
JSON, a plan or a report; a plan that would need it says so instead. A role that may not
read ``pg_subscription.subconninfo`` still reads the rest, and is told what it could not.
"""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg import sql

from pgsd.catalog.loaders.subscriptions import mask_conninfo
from pgsd.connect import ConnectionSpec
from pgsd.ddl.plan import HazardType
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.export import FORMATS, render
from pgsd.workflow import apply_plan, read_side
from tests.cli.test_cli import pgsd  # noqa: F401 - fixture used by name

SECRET = "hunter2-Zq9"
WITH_PASSWORD = (f"CREATE SUBSCRIPTION sub_pw CONNECTION 'host=publisher.invalid dbname=shop user=repl password={SECRET}' "
                 "PUBLICATION pub_orders WITH (connect = false, slot_name = 'pw_slot')")


def _subscription_rows(dsn: str) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT subname, subenabled, subconninfo, subslotname FROM pg_subscription "
                            "WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                            "ORDER BY 1").fetchall()


def test_masking_keeps_everything_but_the_password():
    assert mask_conninfo(f"host=h dbname=d password={SECRET}") == "password=*** dbname=d host=h"
    assert mask_conninfo(f"postgresql://u:{SECRET}@h:5433/d?sslpassword=x") == \
        "user=u password=*** dbname=d host=h port=5433 sslpassword=***"
    unparseable = mask_conninfo(f"host=h nonsense_option=1 password='{SECRET} x'")
    assert SECRET not in unparseable and "password=***" in unparseable


def test_plan_creates_without_connecting_or_enabling_and_never_holds_the_password(pg_server, db_pair, pgsd, tmp_path):  # noqa: F811
    source, target = db_pair
    pg_server.execute(source, WITH_PASSWORD)
    pg_server.execute(source, "ALTER SUBSCRIPTION sub_pw ENABLE")  # its worker fails to connect: harmless
    snap = read_side(source, "source")
    [sub] = [o for o in snap.objects if o.kind == "subscription"]
    assert sub.enabled and sub.connection is not None and "password=***" in sub.connection
    assert SECRET not in snap.model_dump_json()

    plan = build_plan(diff_snapshots(source=snap, target=read_side(target, "target")))
    script = plan.to_sql()
    assert SECRET not in script and "***" not in script, script
    [create] = [s for s in plan.statements if s.sql.startswith("CREATE SUBSCRIPTION")]
    assert "connect = false, enabled = false, create_slot = false, slot_name = 'pw_slot'" in create.sql
    messages = " ".join(h.message for h in create.hazards if h.type == HazardType.UNTRACKED_DEPENDENCIES)
    assert "password" in messages and "masked" in messages and "created disabled" in messages
    changes = diff_snapshots(source=snap, target=read_side(target, "target"))
    for fmt in FORMATS:
        assert SECRET not in render(fmt, changes, plan, generated_at="now", pgsd_version="test")

    apply_plan(ConnectionSpec.parse(target), plan)
    [(name, enabled, conninfo, slot)] = _subscription_rows(target)
    assert (name, enabled, slot) == ("sub_pw", False, "pw_slot")
    assert "password" not in conninfo and "host=publisher.invalid" in conninfo

    out = pgsd("snapshot", source, "-o", str(tmp_path / "snap.json"))
    assert out.returncode == 0, out.stderr
    assert SECRET not in (tmp_path / "snap.json").read_text()
    for fmt in ("sql", "json", "markdown"):
        out = pgsd("diff", source, target, "--format", fmt)  # the password still differs: exit 1
        assert out.returncode == 1 and SECRET not in out.stdout + out.stderr, out.stderr
        assert "password" in out.stdout  # the hazard saying it is not copied


def test_drop_lets_go_of_the_slot_without_connecting(pg_server, db_pair):
    source, target = db_pair
    pg_server.execute(target, WITH_PASSWORD)
    pg_server.execute(target, "ALTER SUBSCRIPTION sub_pw ENABLE")
    plan = build_plan(diff_snapshots(source=read_side(source, "source"), target=read_side(target, "target")))
    assert [s.sql for s in plan.statements] == [
        "ALTER SUBSCRIPTION sub_pw DISABLE",
        "ALTER SUBSCRIPTION sub_pw SET (slot_name = NONE)",
        "DROP SUBSCRIPTION sub_pw",
    ]
    assert "left on the publisher" in plan.statements[-1].hazards[0].message
    apply_plan(ConnectionSpec.parse(target), plan)  # no publisher exists: it would fail if it connected
    assert _subscription_rows(target) == []


@pytest.fixture
def reader(pg_server):
    """A role that may log in but is no superuser (trusted by pg_hba, as tests/pg.py sets it up)."""
    role = f"pgsd_reader_{uuid.uuid4().hex[:8]}"
    pg_server.execute(pg_server.admin_dsn, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)).as_string())
    yield role
    pg_server.execute(pg_server.admin_dsn, sql.SQL("DROP ROLE {}").format(sql.Identifier(role)).as_string())


def test_role_without_conninfo_reads_the_rest_and_is_told(pg_server, db_pair, reader, pgsd):  # noqa: F811
    source, target = db_pair
    pg_server.execute(source, WITH_PASSWORD)
    pg_server.execute(source, "COMMENT ON SUBSCRIPTION sub_pw IS 'shop'")
    limited = psycopg.conninfo.make_conninfo(source, user=reader)
    snap = read_side(limited, "source")
    assert snap.server is not None and snap.server.unreadable_subscription_columns == ("subconninfo",)
    [sub] = [o for o in snap.objects if o.kind == "subscription"]
    assert sub.connection is None and sub.slot_name == "pw_slot" and sub.publications == ("pub_orders",)
    assert sub.comment == "shop"
    assert any("subconninfo" in w and "1 subscription" in w for w in snap.warnings), snap.warnings
    # compared with the superuser's reading of the same database: the unknown string is not a difference
    assert diff_snapshots(source=snap, target=read_side(source, "again")).is_empty

    plan = build_plan(diff_snapshots(source=snap, target=read_side(target, "target")))
    [create] = [s for s in plan.statements if s.sql.startswith("CREATE SUBSCRIPTION")]
    assert "CONNECTION ''" in create.sql
    assert any("could not be read" in h.message for h in create.hazards)

    out = pgsd("info", limited, "--json")
    assert out.returncode == 0, out.stderr
    facts = json.loads(out.stdout)
    assert facts["unreadable_subscription_columns"] == ["subconninfo"]
    # shared_preload_libraries is for superusers: whether a label provider is loaded is unknown
    assert facts["security_labels"]["label_provider_loaded"] is None
    assert "cannot be read by this role" in pgsd("info", limited).stdout
