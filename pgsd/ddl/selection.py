"""required_changes: what a selection of changes needs to be planned on its own.

The app lets the user pick changes; a plan of only those must still run. A picked
change brings the changes it needs: a new object's parent when the parent is new too,
what it uses in the source when that is created or changed, and, for a drop, whatever
depends on the dropped object in the target and its children's removals: a column (or
index, constraint, trigger) of a table being dropped goes with its table, since DROP
TABLE takes it along; it cannot be left out on its own.
"""

from __future__ import annotations

from pgsd.diff.changes import ChangeSet, Status


def required_changes(cs: ChangeSet, selected: set[str]) -> set[str]:
    """The selected change keys plus every change they need (created dependencies first).

    Reads the snapshots' cached dependency indexes, so a second call on the same
    comparison (the app calls it on every toggle) costs only the walk.
    """
    by_key = cs.by_key
    references = cs.source.references
    dependents = cs.target.dependents
    children = cs.target.children()
    out: set[str] = set()
    stack = [k for k in selected if k in by_key]
    while stack:
        key = stack.pop()
        if key in out:
            continue
        out.add(key)
        change = by_key[key]
        obj = cs.source.get(key) or cs.target.get(key)
        parent = obj.parent_key if obj is not None else None
        if parent and parent in by_key and by_key[parent].status is Status.ADDED:
            stack.append(parent)
        if change.status is Status.REMOVED:
            stack.extend(d for d in dependents.get(key, ()) if d in by_key)
            stack.extend(c.key for c in children.get(key, ()) if c.key in by_key)
        else:
            stack.extend(r for r in references.get(key, ()) if r in by_key and by_key[r].status is not Status.REMOVED)
    return out
