"""Filters as a comparison's scope: the reconciliation rule and the object globs on every kind (pure)."""

from __future__ import annotations

import pytest

from pgsd import errors
from pgsd.model.objects import Column, DefaultPrivilege, EventTrigger, Extension, Schema, Table
from pgsd.model.snapshot import Dependency, Filters, Snapshot
from pgsd.workflow import scope_filters


def snap(*objects, deps=()) -> Snapshot:  # noqa: ANN001
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)),
                    dependencies=tuple(Dependency(*d) for d in deps))


def keys(s: Snapshot) -> set[str]:
    return {o.key for o in s.objects}


def test_containers_are_kept_on_every_side_when_one_side_needs_them() -> None:
    orders = Table(schema_name="shop", name="orders")
    email = Column(schema_name="shop", table="orders", name="email", type="citext", position=1)
    source = snap(Schema(name="shop"), Schema(name="billing"), Schema(name="public"),
                  Extension(name="citext", schema_name="public", version="1.6"), orders, email,
                  deps=[(email.key, "extension:citext")])
    target = snap(Schema(name="shop"), Schema(name="billing"), Schema(name="public"),
                  Extension(name="citext", schema_name="public", version="1.5"), orders)
    # (as the catalog reads them with --include orders: tables that do not match are not read)
    f = Filters(include_objects=("orders",))
    src, tgt = f.scope(source, target)
    # the extension (and its schema) is needed by a source column only, but kept on both sides
    assert keys(src) == {"schema:shop", "schema:public", "extension:citext", orders.key, email.key}
    assert keys(tgt) == {"schema:shop", "schema:public", "extension:citext", orders.key}
    assert f.scope(src, tgt) == [src, tgt]  # applying it twice changes nothing
    assert Filters().scope(source, target) == [source, target]


def test_kinds_without_a_schema_follow_the_globs_too() -> None:
    objects = [Schema(name="s"), EventTrigger(name="audit_ddl", event="ddl_command_start", function="f()"),
               DefaultPrivilege(name="app", schema_name="s", object_type="r"),
               Extension(name="hstore", schema_name="s")]
    only_audit = Filters(include_objects=("audit*",)).scope(snap(*objects))[0]
    assert keys(only_audit) == {"event_trigger:audit_ddl"}
    not_hstore = Filters(exclude_objects=("hstore",)).scope(snap(*objects))[0]
    assert "extension:hstore" not in keys(not_hstore)
    assert {o.kind for o in not_hstore.objects} == {"schema", "event_trigger", "default_privilege"}


def test_the_snapshot_filters_rule() -> None:
    shop, billing = Filters(include_schemas=("shop",)), Filters(include_schemas=("billing",))
    both = Filters(include_schemas=("shop", "billing"))
    assert scope_filters(billing, {}, live=True) == (billing, [])
    assert scope_filters(Filters(), {"source": ("s.json", shop)}, live=True) == (
        shop, ["using the filters the snapshot was taken with: --schema shop"])
    assert scope_filters(Filters(), {"source": ("s.json", shop)}, live=False) == (shop, [])
    assert scope_filters(Filters(include_schemas=("billing", "shop", "shop")),
                         {"source": ("s.json", both)}, live=True)[0].same_scope(both)
    with pytest.raises(errors.FilterConflict, match=r"s\.json was taken with filters --schema shop, not --schema billing"):
        scope_filters(billing, {"source": ("s.json", shop)}, live=True)
    with pytest.raises(errors.FilterConflict, match="the snapshots were taken with different filters"):
        scope_filters(Filters(), {"source": ("s.json", shop), "target": ("t.json", billing)}, live=False)
    with pytest.raises(errors.FilterConflict):
        scope_filters(Filters(), {"source": ("s.json", shop), "target": ("t.json", Filters())}, live=False)
