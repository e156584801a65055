"""Shared builds: what one side built is handed to the other only for an equal signature,
and signatures are made of named fields, never of a positional slice."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pgsd.catalog.shared_builds import (
    SharedBuilds,
    done_with,
    fields_getter,
    row_signature,
    shared_kind,
    shared_registry,
)


@dataclass
class _Ctx:
    """What ``shared_kind`` and ``shared_registry`` read from a LoadContext."""

    shared_builds: SharedBuilds | None
    major: int = 18


def _build(row, *args):
    return ("built", row, args)


COLUMNS = ("oid", "relid", "name", "definition")


def test_an_object_built_by_one_side_is_taken_once_by_an_equal_signature():
    builds = SharedBuilds()
    a = shared_kind(_Ctx(builds), "index", COLUMNS, not_signature={"oid", "relid"})
    b = shared_kind(_Ctx(builds), "index", COLUMNS, not_signature={"oid", "relid"})
    built = a.build("t", (1, 2, "i", "CREATE INDEX i"), _build)
    assert b.build("t", (7, 8, "i", "CREATE UNIQUE INDEX i"), _build) is not built
    assert b.build("t", (9, 9, "i", "CREATE INDEX i"), _build) is built  # only OIDs differ
    assert builds.waiting() == 1  # b's unique index waits; a's was taken


def test_rows_differing_in_a_leading_named_field_are_not_shared():
    # "name" sits at position 1, where a positional row[2:] signature would have cut it off
    columns = ("oid", "name", "relid", "definition")
    builds = SharedBuilds()
    a = shared_kind(_Ctx(builds), "index", columns, not_signature={"oid", "relid"})
    b = shared_kind(_Ctx(builds), "index", columns, not_signature={"oid", "relid"})
    built = a.build(None, (1, "orders_a_idx", 10, "(a)"), _build)
    other = b.build(None, (2, "orders_b_idx", 20, "(a)"), _build)
    assert other is not built and other[1][1] == "orders_b_idx"


def test_the_context_is_part_of_the_signature():
    builds = SharedBuilds()
    a = shared_kind(_Ctx(builds), "constraint", COLUMNS, not_signature={"oid", "relid"})
    b = shared_kind(_Ctx(builds), "constraint", COLUMNS, not_signature={"oid", "relid"})
    built = a.build("table:public.t", (1, 2, "pk", "PRIMARY KEY (id)"), _build)
    assert b.build("table:public.u", (1, 2, "pk", "PRIMARY KEY (id)"), _build) is not built


def test_a_not_signature_name_the_query_lacks_is_refused():
    with pytest.raises(ValueError, match="relkind"):
        fields_getter(COLUMNS, {"oid", "relkind"})
    assert fields_getter(COLUMNS, {"oid", "relid", "name"})((1, 2, "n", "d")) == ("d",)


def test_kinds_and_major_versions_never_meet():
    builds = SharedBuilds()
    shared_kind(_Ctx(builds, 18), "column", not_signature={"oid"}).build(None, {"oid": 1, "n": "x"}, _build)
    assert builds.waiting() == 1
    for ctx, kind in ((_Ctx(builds, 18), "constraint"), (_Ctx(builds, 15), "column")):
        shared_kind(ctx, kind, not_signature={"oid"}).build(None, {"oid": 2, "n": "x"}, _build)
    assert builds.waiting() == 3  # nothing taken


def test_unhashable_signatures_are_simply_not_shared():
    builds = SharedBuilds()
    a = shared_kind(_Ctx(builds), "column", not_signature=())
    row = {"acl": [["a=r/a"]]}  # a list inside a list stays unhashable after freezing
    first = a.build(None, row, _build)
    assert shared_kind(_Ctx(builds), "column", not_signature=()).build(None, row, _build) is not first
    assert builds.waiting() == 0


def test_a_side_read_alone_shares_nothing():
    alone = shared_kind(_Ctx(None), "column", COLUMNS, not_signature={"oid"})
    row = (1, 2, "n", "d")
    assert alone.build(None, row, _build) is not alone.build(None, row, _build)
    assert shared_registry(_Ctx(None), "dependency") is not shared_registry(_Ctx(None), "dependency")


def test_registry_is_shared_per_kind_and_version():
    builds = SharedBuilds()
    assert shared_registry(_Ctx(builds), "dependency") is shared_registry(_Ctx(builds), "dependency")
    assert shared_registry(_Ctx(builds, 15), "dependency") is not shared_registry(_Ctx(builds, 18), "dependency")


def test_row_signature_leaves_oids_out_and_freezes_arrays():
    row = {"oid": 16384, "reltype": 16386, "name": "t", "acl": ["a=r/a"], "options": None}
    other = dict(row, oid=99999, reltype=1)
    sig = row_signature(row, frozenset({"oid", "reltype"}))
    assert sig == ("t", ("a=r/a",), None)
    assert hash(sig) == hash(row_signature(other, frozenset({"oid", "reltype"})))
    assert row_signature(dict(row, name="u"), frozenset({"oid", "reltype"})) != sig


def test_waiting_objects_go_once_every_side_is_done():
    builds = SharedBuilds(sides=2)
    ctx = _Ctx(builds)
    shared = shared_kind(ctx, "column", not_signature=())
    shared.build(None, {"n": "differs"}, _build)
    shared_registry(ctx, "dependency")[("a", "b")] = ("a", "b")
    shared.done()
    assert builds.waiting() == 1  # the other side may still take it
    shared_kind(ctx, "column", not_signature=()).done()
    done_with(ctx, "dependency")
    done_with(ctx, "dependency")
    assert builds.waiting() == 0
    assert shared_registry(ctx, "dependency") == {}
