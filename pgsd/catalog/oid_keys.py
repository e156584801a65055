"""One int for (catalog, OID, sub-id): how a side's registered catalog objects are keyed.

``LoadContext.oids`` maps what a loader read (a table in ``pg_class``, a constraint in
``pg_constraint``, a column as ``pg_class`` + attnum) to its key, so that the pg_depend
rows, which name objects by (catalog, OID, sub-id), can be translated into key pairs.

A 10,000-table database registers half a million OIDs a side (every column is one); an
int key costs a third of a (catalog, oid, sub) tuple and the ints inside it (measured
when introduced, with tracemalloc). The layout, owned here and nowhere else:

    catalog id << 48  |  OID << 16  |  sub-id

OIDs are 32 bits and sub-ids (column numbers) at most 1,600, so nothing overlaps.
A loop that sees every pg_depend row computes the catalog's part once (``catalog_base``)
and combines it with ``key_in``/``finder``.
"""

from __future__ import annotations

from collections.abc import Callable

OID_SHIFT = 16
CATALOG_SHIFT = 48

_CATALOG_IDS: dict[str, int] = {}


def catalog_base(catalog: str) -> int:
    """The part of every ``oid_key`` of this catalog: combine it with an OID by ``key_in``."""
    cid = _CATALOG_IDS.get(catalog)
    if cid is None:
        cid = _CATALOG_IDS.setdefault(catalog, len(_CATALOG_IDS) + 1)
    return cid << CATALOG_SHIFT


def key_in(base: int, oid: int, sub: int = 0) -> int:
    """The key of (the catalog whose ``catalog_base`` is ``base``, ``oid``, ``sub``)."""
    return base | (oid << OID_SHIFT) | sub


def oid_key(catalog: str, oid: int, sub: int = 0) -> int:
    """The key of (catalog, OID, sub-id) in ``LoadContext.oids``."""
    return catalog_base(catalog) | (int(oid) << OID_SHIFT) | int(sub)


def finder(oids: dict[int, str]) -> Callable[..., str | None]:
    """``find(base, oid, sub=0)``: the key registered in ``oids`` for that object, or None."""
    get = oids.get

    def find(base: int, oid: int, sub: int = 0) -> str | None:
        return get(base | (oid << OID_SHIFT) | sub)

    return find
