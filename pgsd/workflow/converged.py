"""Did the target converge? For ``pgsd apply --plan FILE TARGET``, without the source.

A plan file written by this pgsd records every difference it was made for, with the
object as the source has it (``PlanFile.recorded``). Applying it reads the target first
(the fingerprint check: the target is the one the plan was made for) and again after the
plan ran. The state the target must then be in is known exactly, without the source:

* every object the plan file does not record is the same on both sides (the comparison
  found no difference in it), so the target's own object, as read before, stands for the
  source's;
* a recorded object is the source's (added, changed) or absent (removed).

``expected_snapshot`` builds that state; ``left_after`` compares it with the target read
again, with the same comparison (and options) as ``pgsd diff``: an exact check, object by
object and field by field, not a hash, and it says what is left. It holds only when the
target read before applying is the plan's target (equal fingerprints): after ``--force``
on a drifted target the objects that are not recorded no longer stand for the source's,
and the check needs SOURCE.
"""

from __future__ import annotations

from collections.abc import Iterable

from pgsd.diff.changes import ChangeSet, DiffOptions, diff_snapshots
from pgsd.model.objects import DbObject
from pgsd.model.snapshot import Snapshot


def expected_snapshot(before: Snapshot, removed: Iterable[str], source_objects: Iterable[DbObject],
                      source_version_num: int | None) -> Snapshot:
    """The target as the plan should leave it: ``before`` without the ``removed`` keys and with the
    ``source_objects`` (the added and changed ones, as the source has them) in place.

    ``source_version_num``: the source's server version (from the plan file). When its major
    differs from the target's (or is unknown), definitions are compared as across versions,
    as ``pgsd diff`` compared them.
    """
    objects: dict[str, DbObject] = dict(before.by_key)
    for key in removed:
        objects.pop(key, None)
    for obj in source_objects:
        objects[obj.key] = obj
    server = before.server
    if server is not None and (source_version_num is None or source_version_num // 10000 != server.major):
        server = None  # another major version made the source: compare as across versions
    return before.model_copy(update={
        "objects": tuple(objects[k] for k in sorted(objects)),
        "server": server,
        "dependencies": (),
        "table_stats": {},
    })


def left_after(expected: Snapshot, after: Snapshot, options: DiffOptions) -> ChangeSet:
    """What still differs between the expected state and the target read after the plan ran."""
    filters = after.filters
    scoped_expected, scoped_after = filters.scope(expected, after)
    return diff_snapshots(source=scoped_expected, target=scoped_after, options=options)
