"""The OID encoding has one owner: every way of making a key agrees, and nothing overlaps."""

from __future__ import annotations

from pgsd.catalog.oid_keys import catalog_base, finder, key_in, oid_key

MAX_OID = 2**32 - 1


def test_every_way_of_making_a_key_agrees():
    base = catalog_base("pg_class")
    assert key_in(base, 16384) == oid_key("pg_class", 16384)
    assert key_in(base, 16384, 3) == oid_key("pg_class", 16384, 3)
    oids = {oid_key("pg_class", 16384, 3): "column:public.t.c", oid_key("pg_proc", 16384): "function:public.f()"}
    find = finder(oids)
    assert find(base, 16384, 3) == "column:public.t.c"
    assert find(base, 16384) is None
    assert find(catalog_base("pg_proc"), 16384) == "function:public.f()"


def test_catalogs_oids_and_sub_ids_never_overlap():
    keys = {
        oid_key(catalog, oid, sub)
        for catalog in ("pg_class", "pg_proc", "pg_type")
        for oid in (0, 1, 2**16, MAX_OID)
        for sub in (0, 1, 1600)
    }
    assert len(keys) == 3 * 4 * 3
    assert catalog_base("pg_class") == catalog_base("pg_class") != catalog_base("pg_type")
