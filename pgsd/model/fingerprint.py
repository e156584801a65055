"""A snapshot's fingerprint: one hash that changes exactly when the schema it holds changes.

A plan is made from two snapshots; by the time it is applied the target may have moved
on. ``pgsd apply`` reads the target again and compares fingerprints: equal means the
plan still describes that database. The hash covers what the comparison reads — the
filters (the snapshot's scope), every object with its compared and uncompared fields,
and the dependency edges — and nothing that changes without a schema change (when or
by which pgsd version the catalog was read, the server's description, warnings, the
coverage counts, table statistics).
"""

from __future__ import annotations

import hashlib
import json

from pydantic import TypeAdapter

from pgsd.model.objects import AnyObject
from pgsd.model.snapshot import Snapshot

FINGERPRINT_PREFIX = "sha256:"
_OBJECTS: TypeAdapter[list[AnyObject]] = TypeAdapter(list[AnyObject])
_BATCH = 2000


def fingerprint(snapshot: Snapshot) -> str:
    """``sha256:<hex>`` of the snapshot's scope, objects and dependencies, in key order."""
    h = hashlib.sha256()
    h.update(snapshot.filters.model_dump_json().encode())
    objects = sorted(snapshot.objects, key=lambda o: o.key)
    for start in range(0, len(objects), _BATCH):
        h.update(b"\x00objects")
        h.update(_OBJECTS.dump_json(objects[start:start + _BATCH]))
    edges = sorted(snapshot.dependencies)
    for start in range(0, len(edges), _BATCH):
        h.update(b"\x00edges")
        h.update(json.dumps([list(e) for e in edges[start:start + _BATCH]], ensure_ascii=False).encode())
    return FINGERPRINT_PREFIX + h.hexdigest()


def side_fingerprint(snapshot: Snapshot) -> str:
    """The fingerprint of a side as it reads *alone* within its filters (what a plan file records).

    Object globs keep a container (a schema, an extension) on one side when the other
    side needs it; ``pgsd apply --plan`` reads the target again without the source, so
    the fingerprint is taken of the side limited on its own (``Filters.scope`` of it
    alone gives the same snapshot whether it was first limited beside the other side or not).
    """
    return fingerprint(snapshot.filters.scope(snapshot)[0])
