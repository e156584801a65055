"""diff_snapshots: compare two snapshots object by object, attribute by attribute.

Pure: no I/O. The result is a ChangeSet keyed by identity key, sorted by key, so the same
pair of snapshots always gives the same change set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from pgsd.diff.normalize import same_meaning
from pgsd.model.kinds import kind_of
from pgsd.model.objects import DbObject
from pgsd.model.snapshot import Snapshot, only_in, unmatched

if TYPE_CHECKING:
    from pgsd.diff.renames import Rename

_new = object.__new__
_set = object.__setattr__
_ONE_SIDED_SET = {"key", "kind", "status"}
"""What validation marks as set in ``Change.one_sided``'s changes: one set for all of them (never mutated)."""


class DiffOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    privileges: bool = True
    owners: bool = False
    comments: bool = True
    extension_versions: bool = True
    column_order: bool = False
    """Off: a new column goes at the end, and differing positions are not a difference."""


class Status(StrEnum):
    ADDED = "added"
    """Only in the source: the plan creates it."""
    REMOVED = "removed"
    """Only in the target: the plan drops it."""
    CHANGED = "changed"


class FieldChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    old: Any = None
    """The target's value."""
    new: Any = None
    """The source's value."""


class Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    kind: str
    status: Status
    fields: tuple[FieldChange, ...] = ()
    same_meaning: bool = False
    """Every differing definition means the same (e.g. deparsed differently by two major versions).

    Written as ``textual_only`` in the JSON output (its name there is kept stable)."""
    renamed_from: str | None = None
    """The target's key of a renamed or moved object (a decided rename, see pgsd.diff.renames)."""
    renamed_labels: tuple[tuple[str, str], ...] = ()
    """An enum's labels renamed by decisions: (old label, new label) pairs."""

    @classmethod
    def one_sided(cls, key: str, kind: str, status: Status) -> Change:
        """``Change(key=key, kind=kind, status=status)`` (added or removed), without validation.

        From an empty database every object is one of these: 49,000 at bench/gen_schema.py's
        2,000 tables, where making them validated took 90 ms of CPU and this way 70 ms, of a
        comparison of about 140 ms (best of 15, on the shared machine at load 4). The values
        are the snapshot's own keys and kinds; tests/unit/test_model_fast_paths.py checks
        the result against the validated one, and that every field is filled.
        """
        obj = _new(cls)
        _set(obj, "__dict__", {"key": key, "kind": kind, "status": status, "fields": (), "same_meaning": False,
                               "renamed_from": None, "renamed_labels": ()})
        _set(obj, "__pydantic_fields_set__", _ONE_SIDED_SET)  # shared, as Statement.rendered's (pgsd.ddl.plan)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    @property
    def changed_fields(self) -> set[str]:
        return {f.name for f in self.fields}

    @property
    def is_rename_only(self) -> bool:
        """Renamed (or labels renamed) and otherwise the same: only the renaming statements do it."""
        return not self.fields and (self.renamed_from is not None or bool(self.renamed_labels))


class ChangeSet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    source: Snapshot
    target: Snapshot
    options: DiffOptions = DiffOptions()
    changes: tuple[Change, ...] = ()
    identical: int = 0
    """Objects present on both sides with no difference."""
    renames: tuple[Any, ...] = ()
    """The decided renames applied (``pgsd.diff.renames.Rename``); ``target`` is then the target
    as it will be once they ran, and ``target_as_read`` the target as read."""
    rename_steps: tuple[Any, ...] = ()
    """What the plan runs first to make those renames (``RenameStep``, rendered by pgsd.ddl)."""
    target_as_read: Snapshot | None = None
    renamed_keys: dict[str, str] = {}
    """Target key as read -> its key once the renames ran (every object whose key they change)."""
    rename_candidates: tuple[Any, ...] = ()
    """Renames pgsd suggests and nobody decided (``RenameCandidate``)."""
    stale_decisions: tuple[str, ...] = ()
    """Decisions (renames, left-out changes, USING expressions) that match nothing: one line each."""

    @property
    def read_target(self) -> Snapshot:
        """The target as read from its side (its fingerprint is the one a plan file records)."""
        return self.target_as_read if self.target_as_read is not None else self.target

    @property
    def is_empty(self) -> bool:
        return not any(not c.same_meaning for c in self.changes)

    @cached_property
    def by_key(self) -> dict[str, Change]:
        return {c.key: c for c in self.changes}

    def counts(self) -> dict[str, Counter[str]]:
        """kind -> Counter(added/removed/changed)."""
        out: dict[str, Counter[str]] = {}
        for c in self.changes:
            out.setdefault(c.kind, Counter())[c.status.value] += 1
        return out


def ignored_fields(obj: DbObject, options: DiffOptions) -> set[str]:
    """Fields of ``obj`` that are never compared, or switched off by the options."""
    skip = {"kind", "schema_name", "name"} | set(obj.NOT_COMPARED)
    if not options.owners:
        skip.add("owner")
    if not options.privileges:
        skip.add("acl")
    if not options.comments:
        skip.update({"comment", "column_comments", "attribute_comments", "index_comment"})
    if obj.kind == "extension" and not options.extension_versions:
        skip.add("version")
    if obj.kind == "column" and options.column_order:
        skip.discard("position")
    if kind_of(obj.kind).table_child:
        skip.add("table")
        skip.add("table_kind")
    if obj.kind == "default_privilege" and not options.privileges:
        skip.add("acl")
    return skip


_compared_cache: dict[tuple[type, DiffOptions], tuple[str, ...]] = {}


def compared_fields(obj: DbObject, options: DiffOptions) -> tuple[str, ...]:
    """The fields compared for objects of this class under these options (cached)."""
    key = (type(obj), options)
    names = _compared_cache.get(key)
    if names is None:
        skip = ignored_fields(obj, options)
        names = tuple(n for n in type(obj).model_fields if n not in skip)
        _compared_cache[key] = names
    return names


def compare_objects(
    old: DbObject, new: DbObject, options: DiffOptions, *, across_versions: bool = True
) -> tuple[list[FieldChange], bool]:
    """Differing fields (old = target, new = source), and whether all are textual only."""
    changes: list[FieldChange] = []
    textual = True
    a_values, b_values = old.__dict__, new.__dict__
    for name in compared_fields(new, options):
        a = a_values[name]
        b = b_values[name]
        if a == b or ((a is None or b is None) and name in new.UNKNOWN_WHEN_NONE):
            continue
        changes.append(FieldChange(name=name, old=a, new=b))
        if not same_meaning(name, a, b, across_versions=across_versions):
            textual = False
    return changes, bool(changes) and textual


def diff_snapshots(*, source: Snapshot, target: Snapshot, options: DiffOptions | None = None,
                   renames: Sequence[Rename] = ()) -> ChangeSet:
    """What differs between ``source`` (desired) and ``target`` (to change).

    ``renames`` (decided, see pgsd.diff.renames) are compared as what they are: the target is
    taken as it will be once they ran, and each renamed object is one change that says
    ``renamed_from`` (with whatever else differs), instead of a removal and an addition.
    """
    if renames:
        return _diff_renamed(source=source, target=target, options=options, renames=renames)
    opts = options or DiffOptions()
    src = source.by_key
    tgt = target.by_key
    changes: list[Change] = []
    across = _major(source) != _major(target)
    # Objects both sides read identically are one shared object (catalog.shared_builds): one
    # walk finds the few keys that need a closer look.
    closer = unmatched(src, tgt)
    identical = len(src) - len(closer)
    for key, new, old in closer:
        if old is None:
            if not _skipped_kind(new, opts):
                changes.append(Change.one_sided(key, new.kind, Status.ADDED))
        elif type(old) is not type(new):
            changes.append(Change(key=key, kind=new.kind, status=Status.CHANGED,
                                  fields=(FieldChange(name="kind", old=old.kind, new=new.kind),)))
        elif old.__dict__ == new.__dict__:
            # all values equal (the cached keys too): nothing any option could report.
            # Objects read from snapshot files, or by one side alone, take this path.
            identical += 1
        else:
            fields, textual = compare_objects(old, new, opts, across_versions=across)
            if fields:
                changes.append(Change(key=key, kind=new.kind, status=Status.CHANGED,
                                      fields=tuple(fields), same_meaning=textual))
            else:
                identical += 1
    for key, old in only_in(tgt, src):  # (keys() - keys() would copy every key into a set)
        if not _skipped_kind(old, opts):
            changes.append(Change.one_sided(key, old.kind, Status.REMOVED))
    changes.sort(key=_change_key)
    return ChangeSet(source=source, target=target, options=opts, changes=tuple(changes), identical=identical)


def _diff_renamed(*, source: Snapshot, target: Snapshot, options: DiffOptions | None,
                  renames: Sequence[Rename]) -> ChangeSet:
    from pgsd.diff.renames import LABEL_KIND, label_parts, rename_target  # noqa: PLC0415 - renames imports this module

    done = rename_target(target, renames, source=source)
    cs = diff_snapshots(source=source, target=done.target, options=options)
    changes = {c.key: c for c in cs.changes}
    labels: dict[str, list[tuple[str, str]]] = {}
    for r in done.renames:
        if r.kind == LABEL_KIND:
            _, old = label_parts(r.before)
            new_enum, new = label_parts(r.after)
            labels.setdefault(new_enum, []).append((old, new))
            continue
        c = changes.get(r.after)
        if c is None:
            obj = source.get(r.after)
            if obj is None:
                continue
            c = Change(key=r.after, kind=obj.kind, status=Status.CHANGED)
        changes[r.after] = c.model_copy(update={"renamed_from": r.before, "same_meaning": False})
    for key, pairs in labels.items():
        c = changes.get(key) or Change(key=key, kind="enum", status=Status.CHANGED)
        changes[key] = c.model_copy(update={"renamed_labels": tuple(pairs), "same_meaning": False})
    ordered = tuple(sorted(changes.values(), key=_change_key))
    had = {c.key for c in cs.changes}
    identical = cs.identical - sum(1 for k in changes if k not in had)
    return cs.model_copy(update={"changes": ordered, "identical": max(identical, 0), "renames": done.renames,
                                 "rename_steps": done.steps, "target_as_read": target,
                                 "renamed_keys": done.key_map,
                                 "stale_decisions": done.stale})


def _change_key(change: Change) -> str:
    return change.key


def _major(snap: Snapshot) -> int | None:
    """The server major version a snapshot was taken on (None when unknown: hand-built)."""
    return snap.server.major if snap.server is not None else None


def _skipped_kind(obj: DbObject, options: DiffOptions) -> bool:
    return obj.kind == "default_privilege" and not options.privileges
