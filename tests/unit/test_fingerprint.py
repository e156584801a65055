"""Fingerprints: equal for the same schema however it was read, different for any schema change."""

from __future__ import annotations

from pgsd.model.fingerprint import fingerprint
from pgsd.model.objects import Column, Schema, Table
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Dependency, Filters, Snapshot


def _snapshot(**over) -> Snapshot:
    objects = (
        Schema(name="shop"),
        Table(schema_name="shop", name="orders"),
        Column(schema_name="shop", table="orders", name="id", type="integer", position=1),
    )
    fields = dict(objects=tuple(sorted(objects, key=lambda o: o.key)),
                  dependencies=(Dependency("table:shop.orders", "schema:shop"),))
    fields.update(over)
    return Snapshot(**fields)


def test_same_schema_same_fingerprint_whatever_the_reading():
    a = _snapshot()
    b = _snapshot(taken_at="2030-01-01T00:00:00+00:00", pgsd_version="9", origin="elsewhere",
                  server=ServerInfo(version_num=180000, version="18.0", current_user="u", current_database="d",
                                    is_superuser=False, in_recovery=False, encoding="UTF8",
                                    can_create_in_database=False), warnings=("w",),
                  not_compared={"operator": 3}, objects=tuple(reversed(a.objects)))
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a).startswith("sha256:") and len(fingerprint(a)) == len("sha256:") + 64


def test_any_schema_change_changes_it():
    base = fingerprint(_snapshot())
    wider = _snapshot(objects=(
        Schema(name="shop"),
        Table(schema_name="shop", name="orders"),
        Column(schema_name="shop", table="orders", name="id", type="bigint", position=1),
    ))
    commented = _snapshot(objects=(Schema(name="shop", comment="c"), Table(schema_name="shop", name="orders")))
    no_edges = _snapshot(dependencies=())
    scoped = _snapshot(filters=Filters(include_schemas=("shop",)))
    prints = {base, fingerprint(wider), fingerprint(commented), fingerprint(no_edges), fingerprint(scoped)}
    assert len(prints) == 5
