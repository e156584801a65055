"""Property: for random pairs of small schemas with rows, plan -> apply -> re-diff leaves
nothing, and the rows survive (``assert_converges`` checks both).

Hypothesis draws two schemas from the same small pools of names (so they overlap and
differ in interesting ways: same table with other columns, a column with another type,
a view over changed columns, an enum with other labels, ...). Each example builds both
databases, plans, applies the plan to the target and expects an empty re-diff and an
empty second plan. Failures shrink to a minimal pair; keep those as cases in
``tests/acceptance/cases/`` (see test_cases.py).

The number of examples is ``PGSD_PROPERTY_EXAMPLES``: a quick 25 by default, so that a
local ``python -m pytest`` stays at about two minutes; ``.ci/run`` sets the deep budget
(200 on PostgreSQL 18, 60 on PostgreSQL 15).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.acceptance.roundtrip import assert_converges

TYPES = ("integer", "bigint", "numeric(10,2)", "text", "varchar(20)")
DEFAULTS = {
    "integer": ("0", "42"),
    "bigint": ("0", "7"),
    "numeric(10,2)": ("0", "1.5"),
    "text": ("''", "'x'"),
    "varchar(20)": ("''", "'it''s'"),
}
ENUM_LABELS = ("new", "paid", "it's", "shipped", "Done")


@st.composite
def columns(draw):
    names = draw(st.lists(st.sampled_from(["id", "c1", "c2", "Mixed Case", "order"]), min_size=1, max_size=4, unique=True))
    out = []
    for name in names:
        typ = draw(st.sampled_from(TYPES))
        default = draw(st.none() | st.sampled_from(DEFAULTS[typ]))
        not_null = draw(st.booleans())
        if not_null and default is None:
            # rows are in every table: a NOT NULL column the other side lacks could not be
            # added without a value only the user knows
            default = DEFAULTS[typ][1]
        out.append((name, typ, default, not_null))
    return out


def _value(typ: str, i: int) -> str:
    return f"'{i}'" if typ in ("text", "varchar(20)") else str(i)


@st.composite
def schemas(draw):
    enum = draw(st.none() | st.lists(st.sampled_from(ENUM_LABELS), min_size=1, max_size=4, unique=True))
    tables = draw(st.dictionaries(st.sampled_from(["t1", "t2", "Users"]), columns(), min_size=0, max_size=3))
    lines: list[str] = []
    if enum is not None:
        labels = ", ".join("'" + label.replace("'", "''") + "'" for label in enum)
        lines.append(f"CREATE TYPE mood AS ENUM ({labels});")
    if draw(st.booleans()):
        lines.append(f"CREATE SEQUENCE counter INCREMENT BY {draw(st.sampled_from([1, 2, 10]))};")
    view_base = None
    for tname, cols in sorted(tables.items()):
        pk = draw(st.booleans())
        if pk and cols[0][2] is None:
            # a key added to the other side's table must find its one row a value
            name, typ, _, not_null = cols[0]
            cols = [(name, typ, DEFAULTS[typ][1], not_null), *cols[1:]]
        parts = []
        for name, typ, default, not_null in cols:
            q = f'"{name}"'
            piece = f"{q} {typ}"
            if default is not None:
                piece += f" DEFAULT {default}"
            if not_null:
                piece += " NOT NULL"
            parts.append(piece)
        if enum is not None and draw(st.booleans()):
            parts.append("feeling mood")
        if pk:
            parts.append(f'PRIMARY KEY ("{cols[0][0]}")')
        lines.append(f'CREATE TABLE "{tname}" ({", ".join(parts)});')
        if len(cols) > 1 and draw(st.booleans()):
            lines.append(f'CREATE INDEX ON "{tname}" ("{cols[1][0]}");')
        if draw(st.booleans()):
            lines.append(f"COMMENT ON TABLE \"{tname}\" IS 'table {tname}';")
        # one row (a key the other side adds, filled from a default, stays unique), in
        # digits whatever the type: any column's value converts to any of TYPES
        names = ", ".join(f'"{c[0]}"' for c in cols)
        values = ", ".join(_value(typ, 1) for _, typ, _, _ in cols)
        lines.append(f'INSERT INTO "{tname}" ({names}) VALUES ({values});')
        view_base = view_base or (tname, cols)
    if view_base is not None and draw(st.booleans()):
        tname, cols = view_base
        picked = ", ".join(f'"{c[0]}"' for c in cols[: draw(st.integers(1, len(cols)))])
        lines.append(f'CREATE VIEW v AS SELECT {picked} FROM "{tname}";')
    if draw(st.booleans()):
        body = draw(st.sampled_from(["SELECT 1", "SELECT 2", "SELECT 40 + 2"]))
        lines.append(f"CREATE FUNCTION answer() RETURNS integer LANGUAGE sql AS $$ {body} $$;")
    return "\n".join(lines)


EXAMPLES = int(os.environ.get("PGSD_PROPERTY_EXAMPLES", "25"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(source_sql=schemas(), target_sql=schemas())
def test_random_schema_pairs_converge(pg_server, source_sql, target_sql):
    assert_converges(pg_server, source_sql=source_sql, target_sql=target_sql)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_round_trip_both_directions(pg_server, direction):
    """source -> target, then target -> source, on a schema with many kinds."""
    a = (
        "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE t (id int PRIMARY KEY, m mood, note text DEFAULT 'x');"
        " CREATE VIEW v AS SELECT id, m FROM t; CREATE INDEX t_note ON t (note);"
    )
    b = (
        "CREATE TYPE mood AS ENUM ('a', 'x', 'b'); CREATE TABLE t (id bigint PRIMARY KEY, m mood, extra int NOT NULL DEFAULT 1);"
        " CREATE VIEW v AS SELECT id, m, extra FROM t; CREATE SEQUENCE s CACHE 5;"
    )
    if direction == "forward":
        assert_converges(pg_server, source_sql=b, target_sql=a)
    else:
        assert_converges(pg_server, source_sql=a, target_sql=b)
