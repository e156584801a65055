"""Rename candidates: removed and added objects that look like one object under another name.

Pure and linear in the size of the difference: every removed (target only) and added
(source only) object gets a *name-free signature* (its compared fields with its own
name, and the names derived from it, set aside), and objects are bucketed by it; a
bucket holding one removed and one added object is an *exact* candidate. Nothing is
compared pairwise except inside a bucket, or, for tables that found no exact partner,
among the few left in one comparison (the near-candidates, never exact).

The search runs in the passes renames are applied in (``pgsd.diff.renames.PASS``):
schemas, then what lives in a schema (tables, views, functions, types), then what lives
in those (columns, constraints, indexes, sequences, enum labels). Between passes the
decided renames and the exact candidates found so far are applied to the target, so a
renamed table's columns and constraints are compared with the source's table of the new
name. A candidate names both objects as ``--rename`` takes them (OLD as the target has
it, NEW as the source has it).

``exact`` is what ``--renames auto`` takes: equal signatures, and no other removed or
added object with the same signature (two alike tables dropped and two alike created
are never paired automatically), and something to compare (a table with columns).
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pgsd.diff.changes import DiffOptions, compared_fields
from pgsd.diff.renames import LABEL_KIND, Rename, label_key, label_parts, names_of, rename_target
from pgsd.model.kinds import KIND_LABELS
from pgsd.model.names import quote_ident, split_dotted
from pgsd.model.objects import Column, Constraint, DbObject, EnumType, Function, Index
from pgsd.model.snapshot import Snapshot, only_in

DETECTION_PASSES: tuple[tuple[str, ...], ...] = (
    ("schema",),
    ("table", "foreign_table", "view", "materialized_view", "function", "enum", "domain", "composite", "range"),
    ("sequence", "column", "constraint", "index", LABEL_KIND),
)
NEAR_LIMIT = 2500
"""Most removed x added tables compared pairwise for near-candidates in one schema pair."""
NEAR_SCORE = 0.5
"""Least share of alike columns for a near-candidate table."""


@dataclass(frozen=True)
class RenameCandidate:
    """A removed and an added object that may be one object renamed (or moved)."""

    kind: str
    before: str
    """Key in the target as read."""
    after: str
    """Key in the source."""
    score: float
    """1.0 for equal definitions; less for alike ones, or for equal ones others resemble too."""
    exact: bool
    """Definitions equal once the names are set aside, and the pair is unambiguous: ``--renames auto`` takes it."""
    reason: str
    before_name: str
    after_name: str

    @property
    def decision(self) -> tuple[str, str]:
        """(OLD, NEW) as ``--rename`` and a decisions file take them."""
        return self.before_name, self.after_name

    @property
    def option(self) -> str:
        """The ready-to-paste option, quoted for a POSIX shell."""
        return "--rename " + shlex.quote(f"{self.before_name}={self.after_name}")

    def as_rename(self) -> Rename:
        return Rename(self.kind, self.before, self.after, self.before_name, self.after_name)

    def describe(self) -> str:
        label = "enum label" if self.kind == LABEL_KIND else KIND_LABELS.get(self.kind, self.kind)
        return f"{label} {self.before_name} -> {self.after_name}: {self.reason}"


def dotted(parts: Iterable[str]) -> str:
    """Parts as a person writes them: each quoted only when it needs it."""
    return ".".join(quote_ident(p) for p in parts)


def name_of(obj: DbObject) -> str:
    """The name ``--rename`` resolves to ``obj`` (see ``pgsd.diff.renames.names_of``); a function's
    with its argument types (the name alone may have overloads)."""
    names = names_of(obj)
    if isinstance(obj, Function):
        return f"{dotted(names[0])}({obj.argument_types})"
    return dotted(names[0])


def find_rename_candidates(*, source: Snapshot, target: Snapshot, options: DiffOptions | None = None,
                           renames: Sequence[Rename] = (), take_exact: bool = True) -> tuple[RenameCandidate, ...]:
    """Candidates among what the decided ``renames`` leave removed and added: pass by pass, the exact
    ones first, then by score.

    ``take_exact``: later passes assume the exact candidates of earlier ones (a renamed
    table's columns are compared with its new name's); off, only the decisions are assumed.
    """
    opts = options or DiffOptions()
    assumed: list[Rename] = list(renames)
    found: list[RenameCandidate] = []
    in_source, in_target = source.by_key, target.by_key
    # one pass over the keys; each pass narrows it
    removed0 = [k for k, _ in only_in(in_target, in_source)]
    added0 = [k for k, _ in only_in(in_source, in_target)]
    for kinds in DETECTION_PASSES:
        done = rename_target(target, assumed, source=source) if assumed else None
        cur = done.target if done is not None else target
        key_map = done.key_map if done is not None else {}
        original = {new: old for old, new in key_map.items()}
        in_cur = cur.by_key
        removed: dict[str, list[DbObject]] = defaultdict(list)
        added: dict[str, list[DbObject]] = defaultdict(list)
        for k in removed0:
            obj = in_cur.get(key_map.get(k, k))
            if obj is not None and obj.key not in in_source:
                removed[obj.kind].append(obj)
        for k in added0:
            if k not in in_cur:
                obj = in_source[k]
                added[obj.kind].append(obj)
        pass_found = _candidates(kinds, removed, added, source=source, cur=cur, target=target, original=original,
                                 options=opts)
        pass_found.sort(key=lambda c: (-c.exact, -c.score, kinds.index(c.kind), c.before, c.after))
        found += pass_found
        if take_exact:
            taken_before = {r.before for r in assumed}
            taken_after = {r.after for r in assumed}
            for c in pass_found:
                if c.exact and c.before not in taken_before and c.after not in taken_after:
                    assumed.append(c.as_rename())
                    taken_before.add(c.before)
                    taken_after.add(c.after)
    return tuple(found)


def _candidates(kinds: tuple[str, ...], removed_by_kind: dict[str, list[DbObject]],
                added_by_kind: dict[str, list[DbObject]], *, source: Snapshot, cur: Snapshot, target: Snapshot,
                original: dict[str, str], options: DiffOptions) -> list[RenameCandidate]:
    out: list[RenameCandidate] = []
    for kind in kinds:
        if kind == LABEL_KIND:
            out += _label_candidates(source, cur, original, target)
            continue
        removed = removed_by_kind.get(kind, [])
        added = added_by_kind.get(kind, [])
        if not removed or not added:
            continue
        if kind in ("column", "constraint", "index"):  # only inside a table both sides have
            removed = [o for o in removed if source.get(o.parent_key or "") is not None]
            added = [o for o in added if cur.get(o.parent_key or "") is not None]
        buckets: dict[Any, tuple[list[DbObject], list[DbObject]]] = defaultdict(lambda: ([], []))
        for side, objects, snap in ((0, removed, cur), (1, added, source)):
            for obj in objects:
                buckets[_signature(obj, snap, options)][side].append(obj)
        matched: set[str] = set()
        for sig, (olds, news) in buckets.items():
            if not olds or not news:
                continue
            out += _pairs(olds, news, sig, cur, source, original, target)
            matched.update(o.key for o in olds)
            matched.update(o.key for o in news)
        if kind in ("table", "foreign_table", "schema"):
            out += _near(kind, [o for o in removed if o.key not in matched], [o for o in added if o.key not in matched],
                         cur, source, original, target, options)
    return out


def _pairs(olds: list[DbObject], news: list[DbObject], sig: Any, cur: Snapshot, source: Snapshot,
           original: dict[str, str], target: Snapshot) -> list[RenameCandidate]:
    reason = _reason(olds[0], cur)
    weak = _weak(olds[0], cur)
    if len(olds) == 1 and len(news) == 1:
        return [_candidate(olds[0], news[0], 1.0, not weak, reason, original, target)]
    out: list[RenameCandidate] = []
    alike = f"{reason}; {len(olds)} removed and {len(news)} added are alike"
    if isinstance(olds[0], Column):  # position breaks the tie
        by_position = {getattr(n, "position", 0): n for n in news}
        for o in olds:
            n = by_position.get(getattr(o, "position", 0))
            if n is not None:
                out.append(_candidate(o, n, 0.9, False, f"{alike}; same position", original, target))
        if out:
            return out
    if len(olds) * len(news) <= 16:
        out += [_candidate(o, n, 0.8, False, alike, original, target) for o in olds for n in news]
    return out


def _candidate(old: DbObject, new: DbObject, score: float, exact: bool, reason: str, original: dict[str, str],
               target: Snapshot) -> RenameCandidate:
    before = original.get(old.key, old.key)
    obj = target.get(before) or old
    if old.schema_name != new.schema_name and old.name == new.name and reason:
        reason = f"moved to schema {new.schema_name}: {reason}"
    return RenameCandidate(old.kind, before, new.key, round(score, 3), exact, reason, name_of(obj), name_of(new))


def _weak(obj: DbObject, snap: Snapshot) -> bool:
    """Too little to compare for an automatic pairing: a table without columns, an empty schema."""
    if obj.kind in ("table", "foreign_table"):
        return not any(c.kind == "column" for c in snap.children().get(obj.key, ()))
    if obj.kind == "schema":
        return not any(o.schema_name == obj.name for o in snap.objects)
    return False


def _reason(obj: DbObject, snap: Snapshot) -> str:
    if obj.kind in ("table", "foreign_table"):
        counts: dict[str, int] = defaultdict(int)
        for c in snap.children().get(obj.key, ()):
            counts[c.kind] += 1
        parts = [f"{counts[k]} {w if counts[k] == 1 else w + 's'}" for k, w in
                 (("column", "column"), ("constraint", "constraint"), ("index", "index")) if counts[k]]
        if counts["index"] > 1:
            parts[-1] = parts[-1].replace("indexs", "indexes")
        return "same " + _and(parts) if parts else "same definition (no columns)"
    if obj.kind == "schema":
        n = sum(1 for o in snap.objects if o.schema_name == obj.name)
        return f"same {n} object{'s' if n != 1 else ''} inside"
    if obj.kind in ("view", "materialized_view"):
        n = len(getattr(obj, "columns", ()))
        return f"same definition and {n} column{'s' if n != 1 else ''}"
    if obj.kind == "function":
        return "same arguments and body"
    if obj.kind == "column":
        return f"same type ({getattr(obj, 'type', '')}), default and nullability"
    if obj.kind == "enum":
        return f"same {len(getattr(obj, 'labels', ()))} labels"
    return "same definition"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --------------------------------------------------------------------------- signatures


def _signature(obj: DbObject, snap: Snapshot, options: DiffOptions) -> Any:
    """What must be equal for two objects to be one under two names (hashable)."""
    base = _fields(obj, options, obj if obj.kind in ("table", "foreign_table", "domain") else None)
    if obj.kind in ("table", "foreign_table"):
        kids = snap.children().get(obj.key, ())
        columns = sorted((c for c in kids if isinstance(c, Column)), key=lambda c: c.position)
        return ("table", obj.kind, base,
                tuple((c.name, _fields(c, options, obj)) for c in columns),
                tuple(sorted(_fields(c, options, obj) for c in kids if isinstance(c, Constraint))),
                tuple(sorted(_index_text(c, obj) for c in kids if isinstance(c, Index))))
    if obj.kind == "schema":
        return ("schema", frozenset(_inside(o, obj.name) for o in snap.objects if o.schema_name == obj.name))
    if obj.kind in ("column", "constraint"):
        return (obj.kind, obj.parent_key, _fields(obj, options, None))
    if isinstance(obj, Index):
        return ("index", obj.parent_key, _index_text(obj, None), base)
    if isinstance(obj, Function):
        return ("function", obj.argument_types, base)
    return (obj.kind, base)


_TEXTS = frozenset({"default", "definition", "checks", "using", "with_check", "cluster_index", "replica_identity_index"})
"""Fields whose text may hold the owner's name (a serial's sequence, a self-reference)."""


def _fields(obj: DbObject, options: DiffOptions, owner: DbObject | None) -> tuple:
    """The compared values, with the owner's name (a table's, a function's own) set aside in texts."""
    values = obj.__dict__
    out = []
    for name in compared_fields(obj, options):
        if name in ("position", "index_name", "multirange_name"):
            continue
        value = values[name]
        if name == "definition" and isinstance(obj, Function):
            value = value.replace(obj.qualified_name + "(", "§(", 1)
        elif name == "definition" and isinstance(obj, Index):
            continue
        out.append((name, _nameless(value, owner) if owner is not None and name in _TEXTS else value))
    return tuple(out)


def _nameless(value: Any, owner: DbObject) -> Any:
    if isinstance(value, str):
        if owner.schema_name:
            value = value.replace(quote_ident(owner.schema_name) + ".", "§s.")
        return value.replace(owner.name, "§") if len(owner.name) > 1 else value
    if isinstance(value, tuple):
        return tuple(_nameless(v, owner) for v in value)
    if hasattr(value, "model_dump"):
        return tuple(sorted((k, _nameless(v, owner) if isinstance(v, str) else repr(v))
                            for k, v in value.model_dump().items()))
    return value


def _index_text(index: Index, table: DbObject | None) -> str:
    """An index definition without its own name (and its table's, for a table's signature)."""
    head, sep, rest = index.definition.partition(" ON ")
    text = (head.split(" INDEX ", 1)[0] + " INDEX ON " + rest) if sep else index.definition
    return _nameless(text, table) if table is not None else text


def _inside(obj: DbObject, schema: str) -> str:
    """An object's key with its schema set aside."""
    kind, _, rest = obj.key.partition(":")
    prefix = quote_ident(schema) + "."
    return kind + ":" + ("§." + rest[len(prefix):] if rest.startswith(prefix) else rest)


# --------------------------------------------------------------------------- near-candidates


def _near(kind: str, removed: list[DbObject], added: list[DbObject], cur: Snapshot, source: Snapshot,
          original: dict[str, str], target: Snapshot, options: DiffOptions) -> list[RenameCandidate]:
    """Alike but not equal: tables sharing most columns, schemas sharing most objects. Never exact."""
    if not removed or not added or len(removed) * len(added) > NEAR_LIMIT:
        return []
    def parts(obj: DbObject, snap: Snapshot) -> frozenset:
        if kind == "schema":
            return frozenset(_inside(o, obj.name) for o in snap.objects if o.schema_name == obj.name)
        return frozenset((c.name, getattr(c, "type", "")) for c in snap.children().get(obj.key, ())
                         if c.kind == "column")
    news = [(n, parts(n, source)) for n in added]
    out: list[RenameCandidate] = []
    for o in removed:
        mine = parts(o, cur)
        if not mine:
            continue
        best: tuple[float, DbObject | None, int, int] = (0.0, None, 0, 0)
        for n, theirs in news:
            if not theirs:
                continue
            common = len(mine & theirs)
            score = common / len(mine | theirs)
            if score > best[0]:
                best = (score, n, common, len(mine | theirs))
        score, partner, common, total = best
        if partner is not None and score >= NEAR_SCORE:
            what = "objects" if kind == "schema" else "columns"
            out.append(_candidate(o, partner, min(score, 0.95) * 0.9, False, f"{common} of {total} {what} alike",
                                  original, target))
    return out


# --------------------------------------------------------------------------- enum labels


def _label_candidates(source: Snapshot, cur: Snapshot, original: dict[str, str],
                      target: Snapshot) -> list[RenameCandidate]:
    out: list[RenameCandidate] = []
    for enum in cur.of_kind("enum"):
        new = source.get(enum.key)
        if not isinstance(enum, EnumType) or not isinstance(new, EnumType) or enum.labels == new.labels:
            continue
        gone = [(i, lbl) for i, lbl in enumerate(enum.labels) if lbl not in new.labels]
        came = [(i, lbl) for i, lbl in enumerate(new.labels) if lbl not in enum.labels]
        if not gone or len(gone) != len(came):
            continue
        exact = len(gone) == 1 and gone[0][0] == came[0][0] and len(enum.labels) == len(new.labels)
        orig_enum = target.get(original.get(enum.key, enum.key)) or enum
        for (i, old), (j, lbl) in zip(gone, came, strict=True):
            same_place = i == j
            reason = f"label at position {i + 1} of {len(enum.labels)}" + ("" if same_place else f" (now {j + 1})")
            out.append(RenameCandidate(
                LABEL_KIND, label_key(orig_enum.qualified_name, old), label_key(new.qualified_name, lbl),
                1.0 if exact else (0.8 if same_place else 0.5), exact, reason,
                dotted((orig_enum.schema_name or "", orig_enum.name, old)),
                dotted((new.schema_name or "", new.name, lbl))))
    return out


def label_names(key: str) -> tuple[str, ...]:
    """``enum_label:s.e.l`` -> ("s", "e", "l")."""
    enum_key, label = label_parts(key)
    return (*split_dotted(enum_key.partition(":")[2]), label)


__all__ = ["RenameCandidate", "dotted", "find_rename_candidates", "label_names", "name_of"]
