"""Twins: what one side built is handed to the other only for an equal signature."""

from __future__ import annotations

from dataclasses import dataclass

from pgsd.catalog.twins import Twins, leave, registry, room, row_signature


@dataclass
class _Ctx:
    """What ``room`` and ``registry`` read from a LoadContext."""

    twins: Twins | None
    major: int = 18


def test_an_offered_object_is_taken_once_by_an_equal_signature():
    twins = Twins()
    take_a, offer_a = room(_Ctx(twins), "column")
    take_b, _ = room(_Ctx(twins), "column")
    built = object()
    assert take_a(("t", ("id", "integer"))) is None
    offer_a(("t", ("id", "integer")), built)
    assert take_b(("t", ("id", "bigint"))) is None
    assert take_b(("t", ("id", "integer"))) is built
    assert take_b(("t", ("id", "integer"))) is None  # taken: a side's signatures are unique
    assert twins.waiting() == 0


def test_kinds_and_major_versions_never_meet():
    twins = Twins()
    _, offer = room(_Ctx(twins, 18), "column")
    offer(("same",), "column on 18")
    assert room(_Ctx(twins, 18), "constraint")[0](("same",)) is None
    assert room(_Ctx(twins, 15), "column")[0](("same",)) is None
    assert room(_Ctx(twins, 18), "column")[0](("same",)) == "column on 18"


def test_unhashable_signatures_are_simply_not_shared():
    twins = Twins()
    take, offer = room(_Ctx(twins), "column")
    offer(("acl", ["a=r/a"]), "x")
    assert take(("acl", ["a=r/a"])) is None
    assert twins.waiting() == 0


def test_a_side_read_alone_shares_nothing():
    take, offer = room(_Ctx(None), "column")
    offer(("sig",), "x")
    assert take(("sig",)) is None
    assert registry(_Ctx(None), "dependency") is not registry(_Ctx(None), "dependency")


def test_registry_is_shared_per_kind_and_version():
    twins = Twins()
    assert registry(_Ctx(twins), "dependency") is registry(_Ctx(twins), "dependency")
    assert registry(_Ctx(twins, 15), "dependency") is not registry(_Ctx(twins, 18), "dependency")


def test_row_signature_leaves_oids_out_and_freezes_arrays():
    row = {"oid": 16384, "reltype": 16386, "name": "t", "acl": ["a=r/a"], "options": None}
    other = dict(row, oid=99999, reltype=1)
    sig = row_signature(row, frozenset({"oid", "reltype"}))
    assert sig == ("t", ("a=r/a",), None)
    assert hash(sig) == hash(row_signature(other, frozenset({"oid", "reltype"})))
    assert row_signature(dict(row, name="u"), frozenset({"oid", "reltype"})) != sig


def test_a_room_goes_once_every_side_left_it():
    twins = Twins(sides=2)
    ctx = _Ctx(twins)
    _, offer = room(ctx, "column")
    offer(("differs",), "only this side has it")
    registry(ctx, "dependency")[("a", "b")] = ("a", "b")
    leave(ctx, "column")
    assert twins.waiting() == 1  # the other side may still take it
    leave(ctx, "column")
    leave(ctx, "dependency")
    leave(ctx, "dependency")
    assert twins.waiting() == 0
    assert registry(ctx, "dependency") == {}
