"""Renames while reviewing, as plain data: what the tree says about them and what a pairing decides.

Pure (no Textual). The app never renames anything itself: a pairing is a
``RenameDecision`` added to the comparison's request, and the comparison is run again
with ``workflow.compare_with_decisions``, the function ``pgsd diff --rename`` runs.
The names written into a decision are the ones ``--rename`` resolves (the old object as
the target has it, the new one as the source has it), so a saved decisions file replays
the same renames on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pgsd.diff.changes import ChangeSet, Status
from pgsd.diff.rename_candidates import RenameCandidate, dotted
from pgsd.diff.renames import LABEL_KIND, RENAMEABLE, names_of
from pgsd.model.names import quote_ident
from pgsd.model.objects import DbObject, Function
from pgsd.model.snapshot import Snapshot
from pgsd.workflow.decisions import Decisions, RenameDecision
from pgsd.workflow.options import ComparisonRequest

PAIRABLE = frozenset(k for k in RENAMEABLE if k != LABEL_KIND)
"""Kinds the tree can pair (an enum's labels are not rows of their own)."""
CHILD_KINDS = frozenset({"column", "constraint", "index"})
"""Kinds renamed inside their table: paired only with one of the same table."""


def target_key_map(cs: ChangeSet) -> dict[str, str]:
    """The change set's key (the target once renamed) -> the target's key as read."""
    return {new: old for old, new in cs.renamed_keys.items()}


def short_name(obj: DbObject | None, key: str, *, schema: str | None) -> str:
    """The name as the tree writes it: without the schema when it is ``schema``."""
    if obj is None:
        return key.split(":", 1)[-1]
    name = obj.display_name
    if obj.schema_name and obj.schema_name == schema:
        prefix = quote_ident(obj.schema_name) + "."
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def rename_notes(cs: ChangeSet) -> dict[str, str]:
    """Change key -> what the tree writes after its name.

    A renamed object says where it comes from; a removed object with a candidate says what
    it may have become (the best candidate, with its reason), and the added one says
    what it may have been.
    """
    notes: dict[str, str] = {}
    as_read = cs.target_as_read if cs.target_as_read is not None else cs.target
    for c in cs.changes:
        if c.renamed_from is not None:
            old = as_read.get(c.renamed_from)
            new = cs.source.get(c.key)
            notes[c.key] = "renamed from " + short_name(old, c.renamed_from, schema=new.schema_name if new else None)
    now = {old: new for old, new in cs.renamed_keys.items()}
    for cand in cs.rename_candidates:
        removed = now.get(cand.before, cand.before)
        before, after = as_read.get(cand.before), cs.source.get(cand.after)
        if removed not in notes:
            to = short_name(after, cand.after, schema=before.schema_name if before else None)
            notes[removed] = f"→ rename to {to}? ({cand.reason})"
        if cand.after not in notes:
            of = short_name(before, cand.before, schema=after.schema_name if after else None)
            notes[cand.after] = f"← rename of {of}?"
    return notes


def decision_name(obj: DbObject) -> str:
    """The name ``--rename`` resolves to exactly ``obj`` (a function with its argument types)."""
    if isinstance(obj, Function):
        return dotted((obj.schema_name or "", obj.name)) + f"({obj.argument_types})"
    return dotted(names_of(obj)[0])


@dataclass(frozen=True)
class Counterpart:
    """One object the picker offers to pair with the one under the cursor."""

    key: str
    """The counterpart's key in the change set."""
    label: str
    candidate: RenameCandidate | None = None

    @property
    def hint(self) -> str:
        if self.candidate is None:
            return ""
        return f"{round(self.candidate.score * 100)}% · {self.candidate.reason}"


def candidates_of(cs: ChangeSet, key: str) -> list[RenameCandidate]:
    """The candidates that involve the removed or added object ``key`` (best first)."""
    now = dict(cs.renamed_keys)
    return [c for c in cs.rename_candidates if key in (now.get(c.before, c.before), c.after)]


def counterparts(cs: ChangeSet, key: str) -> list[Counterpart]:
    """What the object ``key`` (removed or added) can be paired with: candidates first, then every
    object of its kind on the other side (a table child only within its table)."""
    change = cs.by_key.get(key)
    if change is None or change.status not in (Status.REMOVED, Status.ADDED) or change.kind not in PAIRABLE:
        return []
    removed = change.status is Status.REMOVED
    me = (cs.target if removed else cs.source).get(key)
    want = Status.ADDED if removed else Status.REMOVED
    now = dict(cs.renamed_keys)
    scored: dict[str, RenameCandidate] = {}
    for cand in candidates_of(cs, key):
        other = cand.after if removed else now.get(cand.before, cand.before)
        scored.setdefault(other, cand)
    out: list[Counterpart] = []
    for c in cs.changes:
        if c.status is not want or c.kind != change.kind:
            continue
        obj = (cs.source if removed else cs.target).get(c.key)
        if obj is None:
            continue
        if change.kind in CHILD_KINDS and me is not None and obj.parent_key != me.parent_key:
            continue
        out.append(Counterpart(c.key, obj.display_name, scored.get(c.key)))
    out.sort(key=lambda p: (p.candidate is None, -(p.candidate.score if p.candidate else 0), p.label))
    return out


def pair_decision(cs: ChangeSet, target: Snapshot, source: Snapshot, removed_key: str,
                  added_key: str) -> RenameDecision | None:
    """The decision that pairs a removed object (its key in ``cs``) with an added one; None when
    either is not there. ``target`` is the target as read (decisions name what it has)."""
    old = target.get(target_key_map(cs).get(removed_key, removed_key))
    new = source.get(added_key)
    if old is None or new is None:
        return None
    return RenameDecision(decision_name(old), decision_name(new), old.kind)


def _same(d: RenameDecision, before_name: str, after_name: str) -> bool:
    return (d.old.strip(), d.new.strip()) == (before_name, after_name)


def rename_of(cs: ChangeSet, key: str) -> object | None:
    """The applied rename (``pgsd.diff.renames.Rename``) that made the change ``key``, if any."""
    return next((r for r in cs.renames if r.after == key), None)


def is_decided(request: ComparisonRequest, cs: ChangeSet, key: str) -> bool:
    """Whether the rename of ``key`` comes from a decision the app can take back (not ``--renames auto``)."""
    r = rename_of(cs, key)
    if r is None:
        return False
    return any(_same(d, r.before_name, r.after_name) for d in request.all_decisions().renames)  # type: ignore[attr-defined]


def without_rename(request: ComparisonRequest, cs: ChangeSet, key: str) -> ComparisonRequest:
    """The request without the decision that renamed ``key`` (the app's, or the decisions file's)."""
    r = rename_of(cs, key)
    if r is None:
        return request
    old, new = r.before_name, r.after_name  # type: ignore[attr-defined]
    keep = tuple(d for d in request.renames if not _same(d, old, new))
    file = request.decisions
    file = replace(file, renames=tuple(d for d in file.renames if not _same(d, old, new)))
    return replace(request, renames=keep, decisions=file)


def with_pair(request: ComparisonRequest, decision: RenameDecision) -> ComparisonRequest:
    """The request with one more decided rename (a former one of the same old name is replaced)."""
    keep = tuple(d for d in request.renames if d.old != decision.old)
    return request.with_renames((*keep, decision))


def swapped(request: ComparisonRequest) -> ComparisonRequest:
    """The request once source and target trade places: every rename decided the other way round."""
    def flip(ds: tuple[RenameDecision, ...]) -> tuple[RenameDecision, ...]:
        return tuple(RenameDecision(d.new, d.old, d.kind) for d in ds)

    return replace(request, renames=flip(request.renames),
                   decisions=replace(request.decisions, renames=flip(request.decisions.renames)))


def current_decisions(request: ComparisonRequest, cs: ChangeSet, left_out: set[str]) -> Decisions:
    """What a decisions file records of this review: the renames the plan makes (decided, or taken by
    ``--renames auto``), the changes left out, and the USING expressions asked for."""
    renames = tuple(RenameDecision(r.before_name, r.after_name, r.kind) for r in cs.renames)
    keys = {c.key for c in cs.changes}
    using = dict(request.decisions.using)
    for key, expression in request.using:
        column = key.removeprefix("column:")
        using = {c: e for c, e in using.items() if c != column}
        using[column] = expression
    return Decisions(renames=renames, left_out=tuple(sorted(k for k in left_out if k in keys)),
                     using=tuple(using.items()))
