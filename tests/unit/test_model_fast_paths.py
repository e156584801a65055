"""The shortcuts introspection and diff take for speed give the same answers as the slow paths."""

from __future__ import annotations

import json

from pgsd.diff.changes import Change, DiffOptions, Status, diff_snapshots
from pgsd.model.objects import Column, Constraint, Index, Table, child_key
from pgsd.model.snapshot import Dependency, Snapshot


def test_catalog_built_objects_equal_validated_ones():
    fast = Column.from_catalog(schema_name="s", table="Order", name="id", type="integer", not_null=True)
    slow = Column(schema_name="s", table="Order", name="id", type="integer", not_null=True)
    assert fast == slow
    assert fast.key == slow.key == 'column:s."Order".id'
    assert fast.model_dump() == slow.model_dump()


def test_template_copies_share_nothing_mutable():
    a = Table.from_catalog(schema_name="s", name="a", options=("fillfactor=70",))
    b = Table.from_catalog(schema_name="s", name="b")
    assert b.options == () and a.options == ("fillfactor=70",)
    # the template itself is not changed by building from it
    assert Table.catalog_template()["name"] is None


def test_precomputed_keys_match_what_the_model_computes():
    values = Constraint.catalog_template().copy()
    values.update(schema_name="s", table="t", name="t_pkey", type="p", definition="PRIMARY KEY (id)")
    values["key"] = child_key("constraint", "s.t", "t_pkey")
    values["table_name"], values["parent_key"] = "s.t", "table:s.t"
    built = Constraint.from_template(values)
    plain = Constraint(schema_name="s", table="t", name="t_pkey", type="p", definition="PRIMARY KEY (id)")
    assert (built.key, built.table_name, built.parent_key) == (plain.key, plain.table_name, plain.parent_key)
    assert built == plain


def test_diff_fast_path_agrees_with_field_comparison():
    """Equal dicts are identical; unequal dicts (cached names or ignored fields) still compare by field."""
    col = Column(schema_name="s", table="t", name="c", type="int")
    cached = Column(schema_name="s", table="t", name="c", type="int")
    cached.display_name  # noqa: B018 - only one side has this cached name in its __dict__
    owner_only = Index(schema_name="s", table="t", name="i", definition="CREATE INDEX i ON s.t USING btree (c)",
                       owner="alice")
    owner_other = owner_only.model_copy(update={"owner": "bob"})
    changed = Column(schema_name="s", table="t", name="d", type="int")
    changed_new = Column(schema_name="s", table="t", name="d", type="bigint")
    source = Snapshot(objects=(cached, owner_other, changed_new))
    target = Snapshot(objects=(col, owner_only, changed))
    cs = diff_snapshots(source=source, target=target, options=DiffOptions(owners=False))
    assert [(c.key, c.status) for c in cs.changes] == [("column:s.t.d", Status.CHANGED)]
    assert cs.identical == 2
    with_owners = diff_snapshots(source=source, target=target, options=DiffOptions(owners=True))
    assert {c.key for c in with_owners.changes} == {"column:s.t.d", "index:s.i"}


def test_changes_are_sorted_by_key_whatever_the_side():
    a = Column(schema_name="s", table="t", name="a", type="int")
    z = Column(schema_name="s", table="t", name="z", type="int")
    m = Column(schema_name="s", table="t", name="m", type="int")
    cs = diff_snapshots(source=Snapshot(objects=(a, z)), target=Snapshot(objects=(m,)))
    assert [c.key for c in cs.changes] == sorted(c.key for c in cs.changes)
    assert {c.status for c in cs.changes} == {Status.ADDED, Status.REMOVED}


def test_snapshot_format_1_dependencies_still_read():
    snap = Snapshot(dependencies=(Dependency("view:s.v", "table:s.t"),))
    doc = json.loads(snap.to_json())
    assert doc["dependencies"] == [["view:s.v", "table:s.t"]]
    doc["format_version"] = 1
    doc["dependencies"] = [{"dependent": "view:s.v", "referenced": "table:s.t"}]
    again = Snapshot.from_json(json.dumps(doc))
    assert again.dependencies == snap.dependencies
    assert again.dependencies[0].referenced == "table:s.t"


def test_snapshot_json_written_in_pieces_reads_back_whole():
    """json_chunks streams objects and dependencies in batches; the text must parse to
    what model_dump_json gives, including names that look like JSON separators."""
    odd = 'x"], ["y'
    objects = (*tuple(Table(schema_name="s", name=f"t{i}") for i in range(5)), Table(schema_name="s", name=odd))
    deps = tuple(Dependency(f"table:s.t{i}", f"schema:{odd}") for i in range(5))
    snap = Snapshot(objects=objects, dependencies=deps, warnings=("w",))
    text = "".join(snap.json_chunks(batch=2))
    assert json.loads(text) == json.loads(snap.model_dump_json())
    again = Snapshot.from_json(text)
    assert again.objects == snap.objects and again.dependencies == snap.dependencies
    assert json.loads(Snapshot().to_json()) == json.loads(Snapshot().model_dump_json())


def test_the_hand_kept_list_of_cached_names_is_every_cached_name_of_the_model():
    """pgsd.model.fast reserves template slots for CACHED_NAMES: a cached name missing from
    the list turns every object that computes it into a plain dict, twice the size."""
    from pgsd.model import fast  # noqa: PLC0415
    from pgsd.model.objects import AnyObject, DbObject  # noqa: PLC0415

    found = {
        name
        for cls in (DbObject, *AnyObject.__origin__.__args__)
        for klass in cls.__mro__
        for name, value in vars(klass).items()
        if isinstance(value, fast.cached_name)
    }
    assert found == set(fast.CACHED_NAMES)


def test_computing_a_cached_name_keeps_the_dict_split():
    import sys  # noqa: PLC0415

    built = Column.from_catalog(schema_name="s", table="t", name="c", type="int")
    before = sys.getsizeof(built.__dict__)
    built.key  # noqa: B018 - computed and stored in the object's dict
    built.display_name  # noqa: B018
    assert sys.getsizeof(built.__dict__) == before


def test_one_sided_changes_equal_validated_ones():
    for status in (Status.ADDED, Status.REMOVED):
        fast = Change.one_sided('column:s."Order".id', "column", status)
        slow = Change(key='column:s."Order".id', kind="column", status=status)
        assert fast == slow
        assert fast.__dict__ == slow.__dict__
        assert set(fast.__dict__) == set(Change.model_fields)
        assert fast.model_fields_set == slow.model_fields_set
        assert fast.model_dump_json() == slow.model_dump_json()
        assert hash(fast) == hash(slow)


def test_diff_from_empty_makes_one_sided_changes_equal_validated_ones():
    objects = (Table(schema_name="s", name="t"), Column(schema_name="s", table="t", name="c", type="int"))
    full, empty = Snapshot(objects=objects), Snapshot(objects=())
    for cs in (diff_snapshots(source=full, target=empty), diff_snapshots(source=empty, target=full)):
        assert len(cs.changes) == 2
        for c in cs.changes:
            assert c == Change(key=c.key, kind=c.kind, status=c.status)
            assert c.model_fields_set == {"key", "kind", "status"}


def test_references_of_some_keys_equal_the_whole_map_whether_built_or_not():
    edges = tuple(Dependency(d, r) for d, r in [
        ("view:s.v", "table:s.a"), ("view:s.v", "column:s.a.x"), ("constraint:s.b.fk", "table:s.a"),
        ("view:s.w", "view:s.v"), ("view:s.v", "function:s.f()"),
    ])
    asked = ["view:s.v", "constraint:s.b.fk", "table:s.a", "view:s.none"]
    expected = {"view:s.v": ["table:s.a", "column:s.a.x", "function:s.f()"], "constraint:s.b.fk": ["table:s.a"],
                "table:s.a": [], "view:s.none": []}
    fresh = Snapshot(dependencies=edges)
    assert fresh.references_of(asked) == expected
    assert "references" not in fresh.__dict__  # answered without building the whole map
    built = Snapshot(dependencies=edges)
    assert built.references["view:s.v"] == expected["view:s.v"]
    assert built.references_of(asked) == expected
    assert fresh.references_of([]) == {}


def test_table_stats_built_from_the_catalog_equal_validated_ones():
    from pgsd.model.fast import from_catalog
    from pgsd.model.snapshot import TableStats

    fields = {"rows": 10, "bytes": 8192, "indexes": 2, "analyzed_at": "2026-12-02T10:00:00+00:00",
              "null_columns": ("a", "b")}
    built = from_catalog(TableStats, **fields)
    assert built == TableStats(**fields)
    assert built.model_dump_json() == TableStats(**fields).model_dump_json()
    assert from_catalog(TableStats, rows=None) == TableStats()
