"""Hazards with real sizes: the target's row estimate and size on every statement that
rewrites, scans, locks or empties a table.

A "table rewrite" means nothing until one knows whether the table has ten rows or ten
billion. The snapshot of the target carries each table's size (``Snapshot.table_stats``,
read in the same catalog query as the tables); this pass finds the table each hazardous
statement acts on and appends it to the hazard's message ("rewrites public.events:
~48M rows, 31 GB") and to its structured fields, which the JSON and the reports read.
Pure: the plan in, a plan out.
"""

from __future__ import annotations

from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.model.snapshot import Snapshot, TableStats

SIZED = frozenset({
    HazardType.DATA_LOSS, HazardType.TABLE_REWRITE, HazardType.ACCESS_EXCLUSIVE_LOCK, HazardType.LONG_LOCK,
    HazardType.FAILS_IF_ROWS,
})
"""The hazards whose cost grows with the table: rewrite, scan, lock, delete, fail on rows."""


def format_rows(rows: int | None) -> str:
    """``~48M rows``, ``~1.2k rows``, ``~12 rows``; ``rows unknown`` when never analysed."""
    if rows is None:
        return "rows unknown (never analysed)"
    if rows < 1000:
        return f"~{rows} row" + ("" if rows == 1 else "s")
    for limit, suffix in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k")):
        if rows >= limit:
            value = rows / limit
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"~{text}{suffix} rows"
    return f"~{rows} rows"  # pragma: no cover - the loop always returns


def format_bytes(size: int | None) -> str:
    """``31 GB``, ``8192 bytes`` (units of 1024, as ``pg_size_pretty``); '' when unknown."""
    if size is None:
        return ""
    if size < 10 * 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        value /= 1024
        if value < 10 * 1024 or unit == "PB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{size} bytes"  # pragma: no cover


def format_size(stats: TableStats | None) -> str:
    """``~48M rows, 31 GB`` for a table's stats; ``size unknown`` without any."""
    if stats is None:
        return "size unknown"
    parts = [format_rows(stats.rows)]
    if stats.bytes is not None:
        parts.append(format_bytes(stats.bytes))
    return ", ".join(parts)


def hazard_table(statement: Statement, *, target: Snapshot, source: Snapshot) -> str | None:
    """The key of the existing target table a statement acts on, if it acts on one.

    The statement's object, or the table it belongs to (a column, constraint, index,
    trigger, ...). A table that does not exist on the target has no size to give.
    """
    stats = target.table_stats
    key = statement.key
    if key in stats:
        return key
    obj = target.get(key) or source.get(key)
    parent = obj.parent_key if obj is not None else None
    if parent is not None and parent in stats:
        return parent
    return None


def size_hazards(plan: Plan, *, target: Snapshot, source: Snapshot) -> Plan:
    """The plan with the target table's size on each hazard in ``SIZED`` (the rest unchanged)."""
    if not target.table_stats:
        return plan

    def sized(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
        out: list[Statement] = []
        for s in statements:
            if not any(h.type in SIZED for h in s.hazards):
                out.append(s)
                continue
            table = hazard_table(s, target=target, source=source)
            if table is None:
                out.append(s)
                continue
            info = target.table_stats[table]
            hazards = tuple(_with_size(h, table, info) if h.type in SIZED else h for h in s.hazards)
            out.append(s.model_copy(update={"hazards": hazards}))
        return tuple(out)

    return plan.model_copy(update={"statements": sized(plan.statements), "withheld": sized(plan.withheld)})


def _with_size(h: Hazard, table: str, stats: TableStats) -> Hazard:
    return h.model_copy(update={
        "message": f"{h.message}: {format_size(stats)}",
        "table": table,
        "rows": stats.rows,
        "bytes": stats.bytes,
    })
