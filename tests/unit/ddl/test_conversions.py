"""Type changes: whether a conversion exists, and the user's USING expression (no database)."""

from __future__ import annotations

import argparse

import pytest

from pgsd.cli.cmd_diff import _using
from pgsd.ddl.context import PlanOptions, RenderContext, using_key
from pgsd.ddl.plan import HazardType
from pgsd.ddl.render import renderers
from pgsd.ddl.render.columns import conversion_exists
from pgsd.model.names import split_dotted
from pgsd.model.objects import Column, Table
from pgsd.model.snapshot import Snapshot

COLUMNS = renderers()["column"]


@pytest.mark.parametrize(("old", "new", "exists"), [
    ("bigint", "timestamp without time zone", False),
    ("timestamp without time zone", "bigint", False),
    ("integer", "date", False),
    ("uuid", "bytea", False),
    ("text", "text[]", False),  # only the user knows how a text splits into elements
    ("integer", "integer[]", False),
    ("integer[]", "text", True),
    ("text", "integer", True),
    ("uuid", "character varying(40)", True),
    ("integer", "boolean", True),
    ("json", "jsonb", True),
    ("jsonb", "numeric", True),
    ("integer", "numeric(10,2)", True),
    ("date", "timestamp with time zone", True),
    ("integer[]", "bigint[]", True),
    ("public.mood", "public.other_mood", True),
])
def test_conversion_exists(old, new, exists):
    assert conversion_exists(old, new) is exists


def test_integers_and_bytea_convert_from_postgresql_18():
    assert conversion_exists("bigint", "bytea", 180000)
    assert not conversion_exists("bigint", "bytea", 170000)


def _ctx(old: Column, new: Column, **options) -> RenderContext:
    table = Table(schema_name="public", name="events")
    return RenderContext(Snapshot(objects=(new, table)), Snapshot(objects=(old, table)), PlanOptions(**options))


OLD = Column(schema_name="public", name="happened", table="events", type="bigint", position=2)
NEW = OLD.model_copy(update={"type": "timestamp without time zone"})


def test_no_conversion_drops_and_adds_with_the_reason():
    ctx = _ctx(OLD, NEW)
    assert COLUMNS.alter(OLD, NEW, {"type"}, ctx) is None
    [drop] = COLUMNS.drop(OLD, ctx)
    [loss] = [h for h in drop.hazards if h.type is HazardType.DATA_LOSS]
    assert "no conversion from bigint exists" in loss.message
    assert "--using public.events.happened=" in loss.message


def test_the_users_using_expression_converts_in_place():
    expression = "to_timestamp(happened / 1000.0) AT TIME ZONE 'UTC'"
    ctx = _ctx(OLD, NEW, using={"column:public.events.happened": expression})
    out = COLUMNS.alter(OLD, NEW, {"type"}, ctx)
    assert out is not None
    assert [s.sql for s in out] == [
        f"ALTER TABLE public.events ALTER COLUMN happened TYPE timestamp without time zone USING {expression}"
    ]


def test_using_key_reads_sql_spelling():
    assert using_key('Shop."Order Lines".Qty') == 'column:shop."Order Lines".qty'
    assert split_dotted('a."b.c"""') == ["a", 'b.c"']
    assert using_key("ÉTÉ.Tâche.Qté") == 'column:"ÉtÉ"."tâche"."qté"'  # only A-Z fold, as PostgreSQL folds
    with pytest.raises(ValueError, match=r"SCHEMA\.TABLE\.COLUMN"):
        using_key("t.c")
    with pytest.raises(ValueError, match="unterminated"):
        using_key('s."t.c')


def test_the_cli_flag_parses_or_says_what_is_wrong():
    assert _using("public.events.happened=to_timestamp(happened)") == (
        "column:public.events.happened", "to_timestamp(happened)")
    assert _using("s.t.c=a = b") == ("column:s.t.c", "a = b")
    for bad in ("s.t.c", "s.t.c=", "t.c=x"):
        with pytest.raises(argparse.ArgumentTypeError):
            _using(bad)
