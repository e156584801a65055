"""Snapshot.revised: a copy whose lookup tables are derived from the original's answers exactly
what a snapshot built from the same objects answers."""

from __future__ import annotations

import pytest

from pgsd.diff.renames import Rename, rename_target
from pgsd.model.objects import Column, Function, Schema, Table, View
from pgsd.model.snapshot import Dependency, KeyIndex, Snapshot, SortedKeys, unmatched


def _snap(*objects, deps=()) -> Snapshot:
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), dependencies=tuple(Dependency(*d) for d in deps))


def _table(schema: str, name: str, *columns: str) -> list:
    return [Table(schema_name=schema, name=name)] + [
        Column(schema_name=schema, table=name, name=c, type="integer", position=i) for i, c in enumerate(columns, 1)]


def _same_lookups(revised: Snapshot) -> None:
    """Every lookup of ``revised`` against a snapshot built afresh from its objects."""
    keys = [o.key for o in revised.objects]
    assert keys == sorted(keys)
    fresh = Snapshot(objects=revised.objects, dependencies=revised.dependencies)
    expected = {o.key: o for o in fresh.objects}
    by_key = revised.by_key
    assert list(by_key) == list(expected)  # key order, as a dict built from the objects
    assert len(by_key) == len(expected)
    assert dict(by_key.items()) == expected
    probes = list(expected) + [k for o in revised.objects for k in (o.key + "x", "x" + o.key)]
    for key in probes:
        assert by_key.get(key) is expected.get(key)
        assert (key in by_key) is (key in expected)
        if key not in expected:
            with pytest.raises(KeyError):
                by_key[key]
    kinds = {o.kind for o in fresh.objects} | {"no such kind"}
    for kind in kinds:
        assert list(revised.of_kind(kind)) == list(fresh.of_kind(kind))
    assert revised.children() == fresh.children()
    assert revised.dependents == fresh.dependents


@pytest.fixture
def base() -> Snapshot:
    objects = [Schema(name="s"), Schema(name='we"ird'), *_table("s", "a", "id", "x"), *_table("s", "b", "id"),
               *_table('we"ird', "c\nd", "id"),
               View(schema_name="s", name="v", definition="SELECT a.id FROM s.a", columns=("id",),
                    column_types=("integer",)),
               Function(schema_name="s", name="f", argument_types="", definition="SELECT 1")]
    snap = _snap(*objects, deps=[("view:s.v", "table:s.a"), ("view:s.v", "column:s.a.id")])
    return snap.build_indexes()


def test_replacing_objects_under_the_same_key(base):
    old = base.get("function:s.f()")
    new = old.model_copy(update={"definition": "SELECT 2"})
    revised = base.revised({old.key: new})
    assert isinstance(revised.by_key, KeyIndex)
    assert revised.get(old.key) is new and base.get(old.key) is old  # the original is untouched
    _same_lookups(revised)


def test_keys_that_change_swap_or_are_added(base):
    a, b = base.get("table:s.a"), base.get("table:s.b")
    replaced = {a.key: a.model_copy(update={"name": "b"}), b.key: b.model_copy(update={"name": "a"}),
                "function:s.f()": base.get("function:s.f()").model_copy(update={"name": "zz"})}
    for obj in replaced.values():
        obj.__dict__.pop("key", None)  # (model_copy keeps the cached key; the renames module forgets it)
    added = [Schema(name="new"), Schema(name="a"), Schema(name="zzz")]
    revised = base.revised(replaced, iter(added))
    by_hand = sorted([replaced.get(o.key, o) for o in base.objects] + added, key=lambda o: o.key)
    assert list(revised.objects) == by_hand
    assert revised.get("table:s.a").name == "a" and revised.get("table:s.a") is replaced[b.key]
    assert "function:s.f()" not in revised.by_key and revised.get("function:s.zz()") is not None
    _same_lookups(revised)
    _same_lookups(revised.revised({"schema:new": Schema(name="newer")}))  # a revision of a revision


def test_a_snapshot_without_built_indexes_builds_its_own():
    snap = _snap(Schema(name="s"), *_table("s", "a", "id"))
    revised = snap.revised({"schema:s": Schema(name="s", comment="c")})
    assert type(revised.by_key) is SortedKeys
    _same_lookups(revised)


def test_a_snapshot_in_key_order_looks_keys_up_by_bisection():
    snap = _snap(Schema(name="s"), *_table("s", "a", "id", "x"), *_table("s", "b", "id"))
    assert type(snap.by_key) is SortedKeys
    _same_lookups(snap)
    for odd in (None, 1, ("schema:s",), b"schema:s"):  # what a dict answers for keys of other types
        assert snap.by_key.get(odd) is None and odd not in snap.by_key  # type: ignore[comparison-overlap]
    assert list(snap.by_key.values()) == list(snap.objects)
    assert SortedKeys.of(()) == {}


def test_objects_out_of_key_order_get_a_dict():
    """A snapshot built by hand (a test, a file written by something else) may not be sorted:
    bisection would then miss keys, so the index is an ordinary dict."""
    objects = (*_table("s", "b", "id"), Schema(name="s"), *_table("s", "a", "id"))
    snap = Snapshot(objects=objects)
    assert type(snap.by_key) is dict
    assert all(snap.by_key[o.key] is o for o in objects)
    duplicated = (Schema(name="s"), Schema(name="s", comment="c"))
    assert type(SortedKeys.of(duplicated)) is dict  # keys must strictly increase


def test_renamed_targets_answer_as_snapshots_built_afresh(base):
    """What rename detection and a diff with decided renames read: a table, a column, a function
    and a schema renamed, with the view rewritten on the way."""
    renames = [Rename("table", "table:s.a", "table:s.a2", "s.a", "s.a2"),
               Rename("column", "column:s.b.id", "column:s.b.id2", "s.b.id", "s.b.id2"),
               Rename("function", "function:s.f()", "function:s.g()", "s.f()", "s.g()")]
    source = _snap(Schema(name="s"), *_table("s", "a2", "id", "x"), *_table("s", "b", "id2"),
                   Function(schema_name="s", name="g", argument_types="", definition="SELECT 1"))
    done = rename_target(base, renames, source=source)
    assert len(done.renames) == 3, done.stale
    assert done.target.get("view:s.v").definition == "SELECT a2.id FROM s.a2"
    _same_lookups(done.target)
    moved = rename_target(base, [Rename("schema", 'schema:"we""ird"', "schema:w", 'we"ird', "w")],
                          source=_snap(Schema(name="w"), *_table("w", "c\nd", "id")))
    assert moved.target.get('table:w."c\nd"') is not None
    _same_lookups(moved.target)


def test_unmatched_walks_two_sorted_indexes_as_lookups_would():
    shared = [Schema(name="s"), *_table("s", "a", "id")]
    source = _snap(*shared, *_table("s", "b", "id"), Schema(name="t", comment="new"))
    target = _snap(*shared, *_table("s", "c", "id"), Schema(name="t"))
    assert type(source.by_key) is SortedKeys and type(target.by_key) is SortedKeys
    walked = unmatched(source.by_key, target.by_key)
    looked_up = unmatched(dict(source.by_key), dict(target.by_key))  # the other path: a lookup per key
    assert walked == looked_up
    assert [(k, other is None) for k, _, other in walked] == [
        ("column:s.b.id", True), ("schema:t", False), ("table:s.b", True)]
    assert [k for k, _, other in unmatched(target.by_key, source.by_key) if other is None] == [
        "column:s.c.id", "table:s.c"]
    assert unmatched(source.by_key, source.by_key) == []
