"""What renderers declare instead of the planner inferring it: what a statement creates and
drops, and the ordering facts only a kind knows (hand-built snapshots, no database)."""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.planner import build_plan
from pgsd.ddl.render import renderers
from pgsd.ddl.steps import Edge, Step, must_run
from pgsd.diff.changes import diff_snapshots
from pgsd.model.objects import BaseType, Constraint, Function, Sequence, ShellType, Table
from pgsd.model.snapshot import Snapshot
from tests.unit.ddl.test_planner import col, index_of, snap, sql_of, table


def ctx(source: Snapshot, target: Snapshot | None = None) -> RenderContext:
    return RenderContext(source=source, target=target or source)


def test_create_table_says_it_creates_its_columns():
    t, a, b = table("t"), col("t", "a"), col("t", "b", pos=2)
    s = snap(t, a, b)
    create = renderers()["table"].create(t, ctx(s))
    assert create[0].sql.startswith("CREATE TABLE public.t")
    assert set(create[0].creates) == {a.key, b.key}


def test_drop_column_says_it_drops_its_owned_sequence_and_inherited_columns():
    parent, child = table("p"), Table(schema_name="public", name="c", inherits=("public.p",))
    p_id = col("p", "id")
    c_id = col("c", "id", is_local=False)
    seq = Sequence(schema_name="public", name="p_id_seq", owned_by=p_id.key)
    s = snap(parent, child, p_id, c_id, seq)
    drop = renderers()["column"].drop(p_id, ctx(s))
    assert set(drop[0].drops) == {seq.key, c_id.key}


def test_attach_and_detach_say_what_they_hide_and_reveal():
    parent = Table(schema_name="public", name="p", is_partitioned=True, partition_key="RANGE (id)")
    alone = table("part")
    attached = Table(schema_name="public", name="part", partition_of="public.p",
                     partition_bound="FOR VALUES FROM (1) TO (10)")
    column = col("part", "id")
    listed = snap(parent, alone, column)  # a table on its own lists its columns
    hidden = snap(parent, attached)  # a partition's columns are the parent's
    r = renderers()["table"]
    attach = r.alter(alone, attached, {"partition_of", "partition_bound"}, ctx(hidden, listed))
    assert attach is not None and attach[-1].drops == (column.key,)
    detach = r.alter(attached, alone, {"partition_of", "partition_bound"}, ctx(listed, hidden))
    assert detach is not None and detach[0].creates == (column.key,)
    # and the plan has no ADD/DROP COLUMN for them
    for source, target in ((hidden, listed), (listed, hidden)):
        lines = sql_of(build_plan(diff_snapshots(source=source, target=target)))
        assert not [line for line in lines if "COLUMN" in line], lines


def test_sequence_says_it_is_reowned_before_its_old_column_goes():
    t = table("t")
    old_col, new_col = col("t", "a"), col("t", "b", pos=2)
    before = Sequence(schema_name="public", name="s", owned_by=old_col.key)
    after = Sequence(schema_name="public", name="s", owned_by=new_col.key)
    target, source = snap(t, old_col, new_col, before), snap(t, new_col, after)
    edges = renderers()["sequence"].ordering("alter", before, after, {"owned_by"}, ctx(source, target))
    assert edges == [Edge(Step(before.key, "alter_ends"), Step(old_col.key, "dropped"))]
    lines = sql_of(build_plan(diff_snapshots(source=source, target=target)))
    assert index_of(lines, "OWNED BY public.t.b") < index_of(lines, "DROP COLUMN a")


def test_constraint_occupies_its_index_name_and_ranks_primary_keys_first():
    r = renderers()["constraint"]
    pk = Constraint(schema_name="public", table="t", name="t_pkey", type="p", definition="PRIMARY KEY (id)",
                    index_name="t_pkey")
    fk = Constraint(schema_name="public", table="t", name="t_fk", type="f", definition="FOREIGN KEY (x) REFERENCES u(id)")
    assert ("rel", "public", "t_pkey") in r.occupies(pk)
    assert r.tie_break(pk) < r.tie_break(fk)
    # a table takes names in both namespaces; a plain column takes none
    assert renderers()["table"].occupies(table("t")) == [("rel", "public", "t"), ("type", "public", "t")]
    assert renderers()["column"].occupies(col("t", "id")) == []


def test_must_run_reads_as_written():
    a, b = Step("x", "dropped"), Step("y", "alter_ends")
    assert must_run(a).after(b) == Edge(first=b, then=a)


def test_new_column_is_not_created_twice_with_its_new_table():
    t, c = table("t"), col("t", "id")
    plan = build_plan(diff_snapshots(source=snap(t, c), target=snap()))
    lines = sql_of(plan)
    assert len(lines) == 1 and lines[0].startswith("CREATE TABLE public.t"), lines


def test_add_column_on_a_parent_says_it_brings_the_inheriting_copy():
    parent, child = table("p"), Table(schema_name="public", name="c", inherits=("public.p",))
    p_id, p_x = col("p", "id"), col("p", "x", pos=2)
    c_id, c_x = col("c", "id", is_local=False), col("c", "x", pos=2, is_local=False)
    target, source = snap(parent, child, p_id, c_id), snap(parent, child, p_id, c_id, p_x, c_x)
    add = renderers()["column"].create(p_x, ctx(source, target))
    assert add[0].creates == (c_x.key,)
    lines = sql_of(build_plan(diff_snapshots(source=source, target=target)))
    assert lines == ["ALTER TABLE public.p ADD COLUMN x integer"], lines


def test_drop_base_type_says_it_takes_its_shell_and_support_functions():
    """DROP TYPE ... CASCADE removes the shell and the I/O functions with the type: the plan
    writes no DROP of their own, and makes again the bare shell the source keeps."""
    fn_in = Function(schema_name="public", name="n4_in", argument_types="cstring", result="public.n4",
                     definition="CREATE OR REPLACE FUNCTION public.n4_in(cstring) ...")
    fn_out = Function(schema_name="public", name="n4_out", argument_types="public.n4", result="cstring",
                      definition="CREATE OR REPLACE FUNCTION public.n4_out(public.n4) ...")
    shell = ShellType(schema_name="public", name="n4")
    base = BaseType(schema_name="public", name="n4", input="public.n4_in", output="public.n4_out",
                    internal_length=4, functions=(fn_in.key, fn_out.key))
    target = snap(shell, fn_in, fn_out, base,
                  deps=[(fn_in.key, shell.key), (fn_out.key, shell.key), (base.key, fn_in.key), (base.key, fn_out.key)])
    drop = renderers()["base_type"].drop(base, ctx(snap(), target))
    assert drop[0].sql == "DROP TYPE public.n4 CASCADE"
    assert set(drop[0].drops) == {shell.key, fn_in.key, fn_out.key}
    assert sql_of(build_plan(diff_snapshots(source=snap(), target=target))) == ["DROP TYPE public.n4 CASCADE"]
    # the source keeps the name as a bare shell: made again once the type is gone
    assert sql_of(build_plan(diff_snapshots(source=snap(shell), target=target))) == [
        "DROP TYPE public.n4 CASCADE", "CREATE TYPE public.n4"]
