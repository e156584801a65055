"""Rendering of subscriptions (no database): never connect, never enable, never a masked secret."""

from __future__ import annotations

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.plan import HazardType
from pgsd.ddl.render import renderers
from pgsd.ddl.render.subscriptions import without_secrets
from pgsd.model.objects import Subscription
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot

R = renderers()["subscription"]


def ctx(version: int = 180000) -> RenderContext:
    server = ServerInfo(version=str(version // 10000), version_num=version, current_user="u", current_database="d",
                        is_superuser=True, in_recovery=False, encoding="UTF8", can_create_in_database=True)
    return RenderContext(Snapshot(server=server), Snapshot(server=server), PlanOptions())


def sub(**kw) -> Subscription:
    return Subscription(**{"name": "s", "connection": "dbname=shop host=h", "publications": ("p",),
                           "slot_name": "s", **kw})


def test_without_secrets():
    assert without_secrets("password=*** dbname=d host=h") == ("dbname=d host=h", True)
    assert without_secrets("user=u sslpassword=*** dbname=d") == ("user=u dbname=d", True)
    assert without_secrets("postgresql://u:***@h/d?password=***&sslmode=require") == \
        ("postgresql://u@h/d?sslmode=require", True)
    assert without_secrets("dbname=d password='x***'") == ("dbname=d password='x***'", False)


def test_create_never_connects_nor_enables():
    [create] = R.create(sub(enabled=True, binary=True, origin="none", failover=True), ctx())
    assert create.sql == ("CREATE SUBSCRIPTION s CONNECTION 'dbname=shop host=h' PUBLICATION p WITH (connect = false, "
                          "enabled = false, create_slot = false, slot_name = 's', binary = true, streaming = 'off', "
                          "origin = 'none', failover = true)")
    assert "enabled in the source" in create.hazards[0].message
    [older] = R.create(sub(origin="none", failover=True, streaming="parallel"), ctx(150000))
    assert older.sql.endswith("slot_name = 's', streaming = 'on')")  # no origin/failover before 16/17


def test_masked_or_unknown_connection_is_said_not_written():
    [create] = R.create(sub(connection="password=*** dbname=shop", slot_name=None), ctx())
    assert "CONNECTION 'dbname=shop'" in create.sql and "slot_name = NONE" in create.sql and "***" not in create.sql
    assert any("masked and not copied" in h.message for h in create.hazards)
    [unknown] = R.create(sub(connection=None), ctx())
    assert "CONNECTION ''" in unknown.sql
    assert any(h.type == HazardType.UNTRACKED_DEPENDENCIES and "could not be read" in h.message for h in unknown.hazards)


def test_alter_in_place_without_refreshing_and_recreate_for_two_phase():
    old, new = sub(enabled=True), sub(publications=("a", "b"), slot_name=None, synchronous_commit="local")
    out = R.alter(old, new, {"publications", "slot_name", "synchronous_commit"}, ctx())
    assert [s.sql for s in out] == [
        "ALTER SUBSCRIPTION s SET PUBLICATION a, b WITH (refresh = false)",
        "ALTER SUBSCRIPTION s DISABLE",
        "ALTER SUBSCRIPTION s SET (slot_name = NONE)",
        "ALTER SUBSCRIPTION s SET (synchronous_commit = 'local')",
    ]
    assert R.alter(sub(), sub(two_phase=True), {"two_phase"}, ctx()) is None


def test_drop_lets_go_of_the_slot_first():
    assert [s.sql for s in R.drop(sub(enabled=True), ctx())] == [
        "ALTER SUBSCRIPTION s DISABLE", "ALTER SUBSCRIPTION s SET (slot_name = NONE)", "DROP SUBSCRIPTION s"]
    assert [s.sql for s in R.drop(sub(slot_name=None), ctx())] == ["DROP SUBSCRIPTION s"]
