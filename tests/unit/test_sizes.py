"""Table sizes: their text, their place in snapshot files (old formats still load), and the
pass that puts them on hazards."""

from __future__ import annotations

import json

from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.ddl.sizes import format_bytes, format_rows, format_size, size_hazards
from pgsd.model.objects import Column, Table
from pgsd.model.snapshot import FORMAT_VERSION, Snapshot, TableStats


def test_row_and_byte_text():
    assert format_rows(None) == "rows unknown (never analysed)"
    assert [format_rows(n) for n in (0, 1, 999, 1000, 1234, 48_000_000, 12_345_678_901)] == [
        "~0 rows", "~1 row", "~999 rows", "~1k rows", "~1.2k rows", "~48M rows", "~12G rows",
    ]
    assert format_bytes(8192) == "8192 bytes"
    assert format_bytes(31 * 1024**3) == "31 GB"
    assert format_bytes(1536 * 1024) == "1536 kB"
    assert format_size(TableStats(rows=48_000_000, bytes=31 * 1024**3)) == "~48M rows, 31 GB"
    assert format_size(None) == "size unknown"


def _snapshot(stats: dict[str, TableStats]) -> Snapshot:
    table = Table(schema_name="public", name="events", owner="o")
    column = Column(schema_name="public", table="events", name="amount", owner="o", position=1, type="integer")
    return Snapshot(objects=(column, table), table_stats=stats)


def test_old_snapshot_formats_load_without_sizes():
    snap = _snapshot({"table:public.events": TableStats(rows=5, bytes=16384)})
    doc = json.loads(snap.to_json())
    assert doc["format_version"] == FORMAT_VERSION == 3
    assert Snapshot.from_json(snap.to_json()).table_stats == snap.table_stats
    del doc["table_stats"]
    doc["format_version"] = 2
    old = Snapshot.from_json(json.dumps(doc))
    assert old.table_stats == {} and len(old.objects) == 2


def test_sizes_go_on_table_hazards_only():
    target = _snapshot({"table:public.events": TableStats(rows=48_000_000, bytes=31 * 1024**3)})
    rewrite = Statement(sql="ALTER TABLE public.events ALTER COLUMN amount TYPE bigint",
                        key="column:public.events.amount", action="alter",
                        hazards=(Hazard(type=HazardType.TABLE_REWRITE, message="rewrites public.events"),
                                 Hazard(type=HazardType.CANNOT_RUN_IN_TRANSACTION, message="alone")))
    elsewhere = Statement(sql="DROP TABLE public.gone", key="table:public.gone", action="drop",
                          hazards=(Hazard(type=HazardType.DATA_LOSS, message="drops public.gone"),))
    plan = size_hazards(Plan(statements=(rewrite, elsewhere)), target=target, source=target)
    sized, untouched = plan.statements
    assert sized.hazards[0].message == "rewrites public.events: ~48M rows, 31 GB"
    assert (sized.hazards[0].table, sized.hazards[0].rows) == ("table:public.events", 48_000_000)
    assert sized.hazards[1].message == "alone" and sized.hazards[1].rows is None
    assert untouched == elsewhere  # no stats for that table: left as it was
