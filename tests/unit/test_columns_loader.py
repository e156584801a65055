"""The columns loader: a table's columns read as one group, shared between sides, keyed by attnum."""

from __future__ import annotations

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.relations import COLUMNS_COLUMNS, LoadedTable, load_columns
from pgsd.catalog.shared_builds import SharedBuilds
from pgsd.model.objects import Column, child_key
from pgsd.model.server import ServerInfo

T = LoadedTable("public", "t", "table", "alice", "public.t", "table:public.t")
U = LoadedTable("public", "u", "table", "alice", "public.u", "table:public.u")


def _row(relid: int, attnum: int, name: str, type_: str = "integer") -> tuple:
    values = dict.fromkeys(COLUMNS_COLUMNS)
    values.update(attrelid=relid, position=attnum, name=name, type=type_, not_null=False,
                  identity="", generated="", is_local=True)
    return tuple(values[c] for c in COLUMNS_COLUMNS)


def _side(rows: list[tuple], tables: dict[int, LoadedTable], shared: SharedBuilds | None) -> LoadContext:
    ctx = LoadContext(session=None, server=ServerInfo.model_construct(version_num=180000), shared_builds=shared)  # type: ignore[arg-type]
    ctx.shared["tables"] = tables
    ctx.rows = lambda name, columns: iter(rows)  # type: ignore[method-assign]
    return ctx


def test_equal_tables_share_their_columns_and_keys_by_attnum():
    shared = SharedBuilds()
    # attnum 2 was dropped: the keys list has a hole there
    a = _side([_row(100, 1, "id"), _row(100, 3, "note", "text")], {100: T}, shared)
    b = _side([_row(900, 1, "id"), _row(900, 3, "note", "text")], {900: T}, shared)
    cols_a, cols_b = load_columns(a), load_columns(b)
    assert [c.key for c in cols_a] == ['column:public.t.id', 'column:public.t.note']
    assert all(x is y for x, y in zip(cols_a, cols_b, strict=True))
    assert a.column_keys[100] == [None, "column:public.t.id", None, "column:public.t.note"]
    assert b.key_of("pg_class", 900, 3) == "column:public.t.note"


def test_a_table_with_one_column_changed_is_built_on_each_side():
    shared = SharedBuilds()
    a = _side([_row(100, 1, "id"), _row(100, 2, "n", "integer")], {100: T}, shared)
    b = _side([_row(900, 1, "id"), _row(900, 2, "n", "bigint")], {900: T}, shared)
    cols_a, cols_b = load_columns(a), load_columns(b)
    assert cols_a[0] == cols_b[0] and cols_a[0] is not cols_b[0]
    assert (cols_a[1].type, cols_b[1].type) == ("integer", "bigint")


def test_columns_of_a_table_arriving_in_two_groups_are_all_registered_on_a_private_list():
    """Only if the query stopped ordering by table: a second group of the same table
    adds its keys to a copy, never to a list the other side shares."""
    shared = SharedBuilds()
    a = _side([_row(100, 1, "id")], {100: T}, shared)
    b = _side([_row(900, 1, "id"), _row(901, 1, "id"), _row(900, 2, "n")], {900: T, 901: U}, shared)
    load_columns(a)
    cols_b = load_columns(b)
    assert [c.key for c in cols_b] == ["column:public.t.id", "column:public.u.id", "column:public.t.n"]
    assert b.column_keys[900] == [None, "column:public.t.id", "column:public.t.n"]
    assert a.column_keys[100] == [None, "column:public.t.id"]  # the shared list is untouched


def test_loaded_columns_equal_validated_ones_field_for_field():
    """The loader fills one shared copy of the template per table: nothing may leak between columns."""
    rows = [_row(100, 1, "id"), _row(100, 2, "Name", "text")]
    values = dict(zip(COLUMNS_COLUMNS, rows[1], strict=True))
    values.update(collation_schema="pg_catalog", collation_name="C", default="'x'::text", comment="shown",
                  acl=["bob=r/alice"], fdw_options=["b=2", "a=1"])
    rows[1] = tuple(values[c] for c in COLUMNS_COLUMNS)
    built = load_columns(_side(rows, {100: T}, None))
    plain = [
        Column(schema_name="public", table="t", name="id", position=1, type="integer", is_local=True),
        Column(schema_name="public", table="t", name="Name", position=2, type="text", is_local=True,
               collation='pg_catalog."C"', default="'x'::text", comment="shown", acl=("bob=r",),
               fdw_options=("a=1", "b=2")),
    ]
    assert [c.model_dump() for c in built] == [c.model_dump() for c in plain]
    assert [(c.key, c.parent_key, c.table_name) for c in built] == [
        (c.key, c.parent_key, c.table_name) for c in plain
    ]
    assert built[1].key == child_key("column", "public.t", "Name") == 'column:public.t."Name"'
