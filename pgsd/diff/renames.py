"""Renames: a removed and an added object that are one object under another name.

A rename is a *decision* (the user's ``--rename OLD=NEW``, a decisions file, the app's
pairing, or ``--renames auto`` taking an exact candidate): nothing is renamed without
one. Decisions are named as a person writes them and resolved here against the two
snapshots (``resolve_renames``): OLD is a name in the target, NEW a name in the source.

``rename_target`` then predicts the target as it will be once the ``ALTER ... RENAME``
statements have run: the renamed objects under their new names, their children (a
table's columns, constraints, indexes) following, the definitions that refer to them
through the catalog (views, foreign keys, indexes, policies, ``BEGIN ATOMIC`` bodies)
rewritten as the server will print them (``sqlnames``), and the dependency edges and
table sizes re-keyed. The comparison is made against that prediction, so the pair is
one changed object whose remaining differences are planned as usual, and nothing that
only refers to it is recreated.

Names in decisions (SQL spelling: unquoted parts fold to lower case, ``"..."`` keeps case):

* ``schema`` -- a schema;
* ``schema.name`` -- a table, view, materialized view, sequence, index, foreign table,
  type (enum, domain, composite, range) or function (``schema.f(integer, text)`` when
  the name alone has overloads); a different schema on the two sides is a ``SET SCHEMA``;
* ``schema.table.name`` -- a column or a constraint (a column when both exist; a
  decisions file may say ``kind = "constraint"``), or an enum label
  (``schema.type.label``, the label quoted like an identifier when it needs it).

Enum label keys are ``enum_label:<schema>.<type>.<label>`` with the label quoted as an
identifier; they name no object of the snapshot (labels live inside their type).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from pgsd.diff.sqlnames import NameRewriter, mentions
from pgsd.model.kinds import KIND_LABELS, kind_of
from pgsd.model.names import qualified, quote_ident, split_dotted
from pgsd.model.objects import DbObject, EnumType, Function, Index, Schema, TableChild
from pgsd.model.snapshot import Dependency, Snapshot

RENAMEABLE = ("schema", "table", "foreign_table", "view", "materialized_view", "sequence", "function", "enum",
              "domain", "composite", "range", "column", "constraint", "index", "enum_label")
"""Kinds a decision may rename, in the order they are looked up when a name fits several."""

PASS = {"schema": 0, "table": 1, "foreign_table": 1, "view": 1, "materialized_view": 1, "sequence": 1,
        "function": 1, "enum": 1, "domain": 1, "composite": 1, "range": 1,
        "column": 2, "constraint": 2, "index": 2, "enum_label": 2}
"""Renames run in three passes: schemas, then what lives in a schema, then what lives in those."""

HOLDS_COLUMNS = ("table", "foreign_table", "view", "materialized_view")
LABEL_KIND = "enum_label"


def label_key(enum_qualified: str, label: str) -> str:
    return f"{LABEL_KIND}:{enum_qualified}.{quote_ident(label)}"


@dataclass(frozen=True)
class Rename:
    """One decided rename, resolved: the object's key in the target (``before``) and in the source (``after``)."""

    kind: str
    before: str
    after: str
    before_name: str = ""
    """As the decision names it (``shop.customer``), for messages and ``--rename``."""
    after_name: str = ""

    @property
    def option(self) -> str:
        """The ``--rename`` argument that states this decision."""
        return f"{self.before_name}={self.after_name}"

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "enum label" if self.kind == LABEL_KIND else self.kind)


@dataclass(frozen=True)
class RenameStep:
    """One statement's worth of renaming, with the names as they are when it runs."""

    kind: str
    obj: DbObject
    """The object just before this step (an enum for a label, a table for a column or constraint)."""
    new_name: str | None = None
    new_schema: str | None = None
    """A ``SET SCHEMA`` when set."""
    old_child: str | None = None
    """The column, constraint or label renamed inside ``obj``."""
    creates_schema: bool = False
    """``CREATE SCHEMA new_schema`` (a move into a schema the target lacks)."""
    key: str = ""
    """The key the object has once every rename ran (what the plan's statement names)."""
    reason: str = ""
    text_references: tuple[str, ...] = ()
    """Display names of functions whose bodies name the old name by text (the catalog does not follow them)."""


@dataclass
class Renamed:
    """The target once the renames ran (``target``), and how it got there."""

    target: Snapshot
    renames: tuple[Rename, ...] = ()
    steps: tuple[RenameStep, ...] = ()
    stale: tuple[str, ...] = ()
    """Decisions that could not be applied, one line each."""
    key_map: dict[str, str] = field(default_factory=dict)
    """Target key as read -> key after the renames (only keys that changed)."""


# --------------------------------------------------------------------------- resolving names


class NameIndex:
    """Dotted names -> keys of one snapshot, for the kinds a decision may rename."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.by_parts: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
        for obj in snap.objects:
            kind = obj.kind
            if kind not in PASS:
                continue
            for parts in names_of(obj):
                self.by_parts[parts].append((kind, obj.key))
            if isinstance(obj, EnumType):
                for label in obj.labels:
                    self.by_parts[(obj.schema_name or "", obj.name, label)].append(
                        (LABEL_KIND, label_key(obj.qualified_name, label)))

    def find(self, parts: tuple[str, ...]) -> list[tuple[str, str]]:
        return self.by_parts.get(parts, [])


def names_of(obj: DbObject) -> list[tuple[str, ...]]:
    """The dotted names a person may use for ``obj``."""
    if isinstance(obj, Schema):
        return [(obj.name,)]
    if isinstance(obj, TableChild) and not isinstance(obj, Index):
        return [(obj.schema_name or "", obj.table, obj.name)]
    if isinstance(obj, Function):
        return [(obj.schema_name or "", obj.name), (obj.schema_name or "", f"{obj.name}({obj.argument_types})")]
    return [(obj.schema_name or "", obj.name)]


def parse_name(text: str) -> tuple[str, ...]:
    """``shop."My Table"`` -> ("shop", "My Table"); a function's ``(args)`` stays with its name.

    Raises ValueError with a one-line reason.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty name")
    args = ""
    if text.endswith(")") and "(" in text:
        at = _outside_quotes(text, "(")
        if at >= 0:
            text, args = text[:at], text[at:]
            args = "(" + ", ".join(a.strip() for a in args[1:-1].split(",") if a.strip()) + ")"
    parts = split_dotted(text)
    if len(parts) > 3:
        raise ValueError(f"{text!r} has more than three parts")
    if args:
        parts[-1] += args
    return tuple(parts)


def _outside_quotes(text: str, ch: str) -> int:
    quoted = False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            return i
    return -1


def split_decision(text: str) -> tuple[str, str]:
    """``OLD=NEW`` -> (OLD, NEW), the ``=`` taken outside double quotes. Raises ValueError."""
    at = _outside_quotes(text, "=")
    if at < 0:
        raise ValueError(f"{text!r} is not OLD=NEW")
    old, new = text[:at].strip(), text[at + 1:].strip()
    if not old or not new:
        raise ValueError(f"{text!r} is not OLD=NEW")
    return old, new


def resolve_renames(pairs: Iterable[tuple[str, str] | tuple[str, str, str]], *, source: Snapshot,
                    target: Snapshot) -> tuple[list[Rename], list[str]]:
    """Decisions ``(OLD, NEW[, kind])`` -> renames, and one line for each that matches nothing (stale)."""
    src_index, tgt_index = NameIndex(source), NameIndex(target)
    out: list[Rename] = []
    stale: list[str] = []
    seen_before: set[str] = set()
    seen_after: set[str] = set()
    for pair in pairs:
        old_text, new_text = pair[0], pair[1]
        kind_wanted = pair[2] if len(pair) > 2 else None
        what = f"rename {old_text}={new_text}"
        try:
            old_parts, new_parts = parse_name(old_text), parse_name(new_text)
        except ValueError as e:
            stale.append(f"{what}: {e}")
            continue
        olds = [(k, key) for k, key in tgt_index.find(old_parts) if kind_wanted in (None, k)]
        news = [(k, key) for k, key in src_index.find(new_parts) if kind_wanted in (None, k)]
        kinds = [k for k in RENAMEABLE if any(k == o for o, _ in olds) and any(k == n for n, _ in news)]
        if not kinds:
            stale.append(f"{what}: {_why_not(old_parts, new_parts, olds, news, src_index, tgt_index)}")
            continue
        kind = kinds[0]
        befores = [key for k, key in olds if k == kind]
        afters = [key for k, key in news if k == kind]
        if len(befores) > 1 or len(afters) > 1:
            stale.append(f"{what}: the name fits {max(len(befores), len(afters))} {_label(kind)}s: "
                         "give the argument types, schema.f(integer, text)")
            continue
        before, after = befores[0], afters[0]
        problem = _refusal(kind, before, after, source=source, target=target)
        if problem:
            stale.append(f"{what}: {problem}")
            continue
        if before in seen_before or after in seen_after:
            stale.append(f"{what}: the {KIND_LABELS.get(kind, kind)} is already in another rename")
            continue
        seen_before.add(before)
        seen_after.add(after)
        out.append(Rename(kind, before, after, old_text.strip(), new_text.strip()))
    return out, stale


def _why_not(old_parts: tuple[str, ...], new_parts: tuple[str, ...], olds: list, news: list,
             src_index: NameIndex, tgt_index: NameIndex) -> str:
    old, new = ".".join(old_parts), ".".join(new_parts)
    if not olds:
        if tgt_index.find(new_parts) and src_index.find(new_parts):
            return f"already done ({new} is in the target and {old} is not)"
        return f"no {old} in the target"
    if not news:
        return f"no {new} in the source"
    return (f"{old} is a {' or '.join(_label(k) for k, _ in olds)}, {new} a "
            f"{' or '.join(_label(k) for k, _ in news)}")


def _label(kind: str) -> str:
    return "enum label" if kind == LABEL_KIND else KIND_LABELS.get(kind, kind)


def _refusal(kind: str, before: str, after: str, *, source: Snapshot, target: Snapshot) -> str | None:
    """Why this pair cannot be a rename (None when it can)."""
    if kind == LABEL_KIND:
        return None  # checked once the enum's own rename is known (rename_target)
    if source.get(before) is not None:
        return "it is still in the source (a rename's old name must be gone from it)"
    if target.get(after) is not None:
        return "the new name is taken in the target"
    if kind == "function":
        old, new = target.get(before), source.get(after)
        # argument types may name a renamed type: only their number must agree here
        if isinstance(old, Function) and isinstance(new, Function) \
                and len(_split_args(old.argument_types)) != len(_split_args(new.argument_types)):
            return "the arguments differ (a rename keeps them)"
    return None


def _split_args(text: str) -> list[str]:
    return [a for a in text.split(",") if a.strip()]


# --------------------------------------------------------------------------- the target after the renames


_NOT_REWRITTEN = frozenset({
    "kind", "name", "schema_name", "owner", "comment", "acl", "columns", "column_comments", "attribute_comments",
    "labels", "roles", "table_kind", "index_name", "cluster_index", "replica_identity_index", "tags",
    "operations", "options", "config", "settings", "database_settings", "fdw_options", "identity_sequence",
    "member_of", "admin_of", "routine_kind", "language", "event",
})
"""Fields that hold names of the object's own parts, or free text: never rewritten."""


_EXPRESSIONS = frozenset({"definition", "default", "using", "with_check", "partition_key"})
"""Fields holding SQL that may name a column or a table bare (a bare rewrite applies only there)."""


def rename_target(target: Snapshot, renames: Iterable[Rename], *, source: Snapshot | None = None) -> Renamed:
    """The target as it will be once ``renames`` ran (see the module docstring).

    Decisions that no longer fit (an object whose parent was not renamed to the new
    parent, a label not in its enum) are left out and reported in ``stale``.
    """
    by_pass: dict[int, list[Rename]] = defaultdict(list)
    for r in renames:
        by_pass[PASS[r.kind]].append(r)
    cur = target
    steps: list[RenameStep] = []
    applied: list[Rename] = []
    stale: list[str] = []
    key_map: dict[str, str] = {}
    for number in sorted(by_pass):
        cur, pass_steps, pass_applied, pass_stale, pass_map = _one_pass(cur, by_pass[number], key_map, source)
        steps += pass_steps
        applied += pass_applied
        stale += pass_stale
        current = set(key_map.values())
        for old, new in list(key_map.items()):
            key_map[old] = pass_map.get(new, new)
        for old, new in pass_map.items():
            if old not in current:
                key_map[old] = new
    final = {k: v for k, v in key_map.items() if k != v}
    return Renamed(target=cur, renames=tuple(applied), steps=tuple(steps), stale=tuple(stale), key_map=final)


def _one_pass(snap: Snapshot, renames: list[Rename], key_map: Mapping[str, str],
              source: Snapshot | None) -> tuple[Snapshot, list[RenameStep], list[Rename], list[str], dict[str, str]]:
    rw = NameRewriter()
    updates: dict[str, dict[str, Any]] = defaultdict(dict)
    steps: list[RenameStep] = []
    applied: list[Rename] = []
    stale: list[str] = []
    bare: dict[str, dict[str, str]] = defaultdict(dict)  # dependent key -> its bare-name map
    moved_tables: dict[tuple[str, str], tuple[str, str]] = {}
    new_schemas: list[DbObject] = []
    occupied = _LazyOccupied(snap)
    children = snap.children()
    dependents = snap.dependents
    for r in renames:
        before = _current_key(r, key_map)
        if r.kind == LABEL_KIND:
            problem = _label_step(snap, r, key_map, source, rw, updates, steps)
            if problem:
                stale.append(f"rename {r.option}: {problem}")
            else:
                applied.append(r)
            continue
        obj = snap.get(before)
        new = source.get(r.after) if source is not None else None
        if obj is None or new is None:
            stale.append(f"rename {r.option}: not found once the other renames ran")
            continue
        if r.kind in ("column", "constraint"):
            assert isinstance(obj, TableChild) and isinstance(new, TableChild)
            problem = _child_step(snap, r, obj, new, rw, updates, bare, steps)
            if problem:
                stale.append(f"rename {r.option}: {problem}")
            else:
                applied.append(r)
            continue
        # an object in a schema (or a schema)
        old_schema, new_schema = obj.schema_name, new.schema_name
        if r.kind == "schema":
            rw.schemas[obj.name] = new.name
            updates[before]["name"] = new.name
            steps.append(RenameStep("schema", obj, new_name=new.name, key=r.after,
                                    reason=f"renamed from {obj.display_name}",
                                    text_references=_text_references(snap, obj.name)))
            applied.append(r)
            continue
        if isinstance(obj, Index) and obj.parent_key != new.parent_key:
            stale.append(f"rename {r.option}: its table is not renamed to {new.parent_key.partition(':')[2]}")
            continue
        if (old_schema != new_schema and isinstance(obj, Index)):
            stale.append(f"rename {r.option}: an index moves with its table, not on its own")
            continue
        assert old_schema is not None and new_schema is not None
        schema_key = "schema:" + quote_ident(new_schema)
        if old_schema != new_schema and schema_key not in snap.by_key and all(s.key != schema_key for s in new_schemas):
            made = (source.get(schema_key) if source is not None else None) or Schema(name=new_schema)
            new_schemas.append(made)
            steps.append(RenameStep("schema", made, creates_schema=True, new_schema=new_schema, key=schema_key,
                                    reason=f"{new.display_name} moves there"))
        updates[before].update(name=new.name, schema_name=new_schema)
        if isinstance(obj, Function) and _has_overloads(snap, obj):
            # The name stands for several functions: rewriting it in every text would rename
            # the overloads that stay too. Only this function's own definition says the new
            # name; a text naming it elsewhere is left as it is (a miss re-creates that object).
            own = NameRewriter(qualified={(old_schema, obj.name): (new_schema, new.name)})
            updates[before]["definition"] = own.rewrite(obj.definition)
        else:
            rw.qualified[(old_schema, obj.name)] = (new_schema, new.name)
        if isinstance(obj, Index):
            updates[before]["definition"] = _index_definition(obj.definition, new.name)
            table = snap.get(obj.parent_key)
            if table is not None:
                for attr in ("cluster_index", "replica_identity_index"):
                    if getattr(table, attr, None) == obj.name:
                        updates[table.key][attr] = new.name
        text_refs = _text_references(snap, obj.name)
        steps += _object_steps(obj, new, occupied, r.after, text_refs)
        if r.kind in HOLDS_COLUMNS:
            moved_tables[(old_schema, obj.name)] = (new_schema, new.name)
            for d in _relation_dependents(snap, obj, children, dependents):
                bare[d][obj.name] = new.name
        applied.append(r)
    if not applied:
        return snap, steps, applied, stale, {}
    result, key_map_out = _rebuild(snap, rw, updates, bare, moved_tables, new_schemas)
    return result, steps, applied, stale, key_map_out


def _has_overloads(snap: Snapshot, fn: Function) -> bool:
    """Whether another function of ``fn``'s schema has its name."""
    return any(isinstance(o, Function) and o.name == fn.name and o.schema_name == fn.schema_name and o.key != fn.key
               for o in snap.of_kind(fn.kind))


def _child_step(snap: Snapshot, r: Rename, obj: TableChild, new: TableChild, rw: NameRewriter,
                updates: dict[str, dict[str, Any]], bare: dict[str, dict[str, str]], steps: list[RenameStep]) -> str | None:
    """A column's or a constraint's rename, on its table as it is now."""
    if obj.parent_key != new.parent_key:
        return f"its table is not renamed to {new.table_name} (rename the table too)"
    table = snap.get(obj.parent_key)
    assert table is not None
    updates[obj.key]["name"] = new.name
    refs = _text_references(snap, obj.name, also=table.name) if r.kind == "column" else ()
    steps.append(RenameStep(r.kind, table, new_name=new.name, old_child=obj.name, key=r.after,
                            reason=f"renamed from {obj.display_name}", text_references=refs))
    if r.kind == "column":
        rw.columns[(obj.schema_name or "", obj.table, obj.name)] = new.name
        for d in _column_dependents(snap, obj, snap.children(), snap.dependents):
            bare[d][obj.name] = new.name
    elif getattr(obj, "index_name", None) == obj.name:  # a key's index is renamed with it
        updates[obj.key]["index_name"] = new.name
    return None


def _current_key(r: Rename, key_map: Mapping[str, str]) -> str:
    if r.kind == LABEL_KIND:
        return r.before
    return key_map.get(r.before, r.before)


def _label_step(snap: Snapshot, r: Rename, key_map: Mapping[str, str], source: Snapshot | None,
                rw: NameRewriter, updates: dict[str, dict[str, Any]], steps: list[RenameStep]) -> str | None:
    """An enum label's rename: checked against its enum as it is now."""
    enum_key, old_label = label_parts(r.before)
    new_enum_key, new_label = label_parts(r.after)
    enum = snap.get(key_map.get(enum_key, enum_key))
    new_enum = source.get(new_enum_key) if source is not None else None
    if not isinstance(enum, EnumType) or not isinstance(new_enum, EnumType):
        return "its type is not an enum on both sides once the other renames ran"
    if enum.key != new_enum.key:
        return f"the enum {enum.display_name} is not renamed to {new_enum.display_name} (rename the type too)"
    if old_label not in enum.labels:
        return f"no label {old_label!r} in {enum.display_name}"
    if new_label in enum.labels:
        return f"the label {new_label!r} is already in the target's {enum.display_name}"
    if old_label in new_enum.labels:
        return f"the label {old_label!r} is still in the source's {new_enum.display_name}"
    current = updates[enum.key].get("labels", enum.labels)
    updates[enum.key]["labels"] = tuple(new_label if lbl == old_label else lbl for lbl in current)
    rw.labels.setdefault((enum.schema_name or "", enum.name), {})[old_label] = new_label
    steps.append(RenameStep(LABEL_KIND, enum, new_name=new_label, old_child=old_label,
                            key=label_key(enum.qualified_name, new_label),
                            reason=f"label renamed from {old_label!r}"))
    return None


def label_parts(key: str) -> tuple[str, str]:
    """``enum_label:s.e.lbl`` -> (``enum:s.e``, ``lbl``)."""
    parts = split_dotted(key.partition(":")[2])
    return "enum:" + qualified(parts[0], parts[1]), parts[2]


def _index_definition(definition: str, new_name: str) -> str:
    """``CREATE [UNIQUE] INDEX old ON ...`` with the new name."""
    toks_head = definition.split(" ON ", 1)
    if len(toks_head) != 2:
        return definition
    head, rest = toks_head
    words = head.split(" INDEX ", 1)
    if len(words) != 2:
        return definition
    return f"{words[0]} INDEX {quote_ident(new_name)} ON {rest}"


def _object_steps(obj: DbObject, new: DbObject, occupied: _LazyOccupied, final_key: str,
                  text_refs: tuple[str, ...]) -> list[RenameStep]:
    """RENAME and/or SET SCHEMA, in the order whose intermediate name is free."""
    reason = f"renamed from {obj.display_name}"
    assert obj.schema_name is not None and new.schema_name is not None
    if obj.name == new.name:
        return [RenameStep(obj.kind, obj, new_schema=new.schema_name, key=final_key, reason=f"moved from "
                           f"{obj.display_name}", text_references=text_refs)]
    if obj.schema_name == new.schema_name:
        return [RenameStep(obj.kind, obj, new_name=new.name, key=final_key, reason=reason, text_references=text_refs)]
    space = _namespace(obj.kind)
    renamed_first = (space, obj.schema_name, new.name) not in occupied
    first = obj.model_copy(update={"name": new.name}) if renamed_first else obj.model_copy(
        update={"schema_name": new.schema_name})
    if renamed_first:
        return [RenameStep(obj.kind, obj, new_name=new.name, key=final_key, reason=reason, text_references=text_refs),
                RenameStep(obj.kind, first, new_schema=new.schema_name, key=final_key, reason=reason)]
    return [RenameStep(obj.kind, obj, new_schema=new.schema_name, key=final_key, reason=reason,
                       text_references=text_refs),
            RenameStep(obj.kind, first, new_name=new.name, key=final_key, reason=reason)]


def _namespace(kind: str) -> str:
    k = kind_of(kind)
    if k.relation:
        return "relation"
    if k.type_name:
        return "type"
    return kind


class _LazyOccupied:
    """The names taken in a snapshot's namespaces, read only when a step both renames and moves
    (rare), and then only in the namespace that step asks about.

    One set of every object's name cost 0.6 s at 20,000 tables (bench/gen_schema.py's
    pair, where one function is both renamed and moved); the functions' namespace there
    holds 2,800 names, against 490,000 objects.
    """

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self._names: dict[str, set[tuple[str, str]]] = {}

    def __contains__(self, name: object) -> bool:
        assert isinstance(name, tuple)
        space, schema, obj_name = name
        names = self._names.get(space)
        if names is None:
            names = self._names[space] = _occupied(self.snap, space)
        return (schema, obj_name) in names


def _occupied(snap: Snapshot, space: str) -> set[tuple[str, str]]:
    """(schema, name) of every object whose name is taken in namespace ``space`` (see ``_namespace``)."""
    out: set[tuple[str, str]] = set()
    for kind, kind_space in _NAMESPACE_OF_KIND.items():
        if kind_space == space:
            out.update((obj.schema_name, obj.name) for obj in snap.of_kind(kind) if obj.schema_name is not None)
    return out


_NAMESPACE_OF_KIND = {
    **{kind: _namespace(kind) for kind in PASS if kind != "schema" and not kind_of(kind).table_child},
    "index": "relation",  # a table's child, named among the relations
}
"""The namespace of each kind whose names a schema holds: what renames move, and indexes."""


def _text_references(snap: Snapshot, name: str, *, also: str | None = None) -> tuple[str, ...]:
    """Functions whose body (a string the catalog does not follow) names ``name`` (and ``also``: a column's table)."""
    out = []
    for fn in snap.of_kind("function"):
        if not isinstance(fn, Function) or not fn.body_references_untracked:
            continue
        body = _body(fn.definition)
        if mentions(body, name) and (also is None or mentions(body, also)):
            out.append(fn.display_name)
    return tuple(sorted(out))


def _body(definition: str) -> str:
    """The part of a function's definition after its header (the body and what follows)."""
    at = definition.find("$")
    return definition[at:] if at >= 0 else definition


def _relation_dependents(snap: Snapshot, obj: DbObject, children: Mapping[str, Sequence[DbObject]],
                         dependents: Mapping[str, Sequence[str]]) -> set[str]:
    """What refers to a relation through the catalog: dependents of it and of its columns, not its own children."""
    own = {c.key for c in children.get(obj.key, ())}
    out = set(dependents.get(obj.key, ()))
    for c in children.get(obj.key, ()):
        if c.kind == "column":
            out.update(dependents.get(c.key, ()))
    return out - own - {obj.key}


def _column_dependents(snap: Snapshot, col: TableChild, children: Mapping[str, Sequence[DbObject]],
                       dependents: Mapping[str, Sequence[str]]) -> set[str]:
    """What may name a column bare: its dependents and everything else on its table."""
    out = set(dependents.get(col.key, ()))
    out.update(c.key for c in children.get(col.parent_key, ()) if c.key != col.key)
    return out


def _rebuild(snap: Snapshot, rw: NameRewriter, updates: dict[str, dict[str, Any]], bare: dict[str, dict[str, str]],
             moved_tables: dict[tuple[str, str], tuple[str, str]], new_schemas: list[DbObject]
             ) -> tuple[Snapshot, dict[str, str]]:
    """One sweep over the snapshot: every object renamed, moved or rewritten as the pass says."""
    moved_columns = {(s, t) for (s, t) in moved_tables}
    owned_moves: dict[str, str] = {}
    for seq in snap.of_kind("sequence"):
        owner = getattr(seq, "owned_by", None)
        if owner and moved_tables:
            try:
                s, t, _ = split_dotted(owner.partition(":")[2])
            except ValueError:
                continue
            moved = moved_tables.get((s, t))
            if moved is not None and moved[0] != s and seq.key not in updates:
                owned_moves[seq.key] = moved[0]  # ALTER TABLE ... SET SCHEMA takes its owned sequences along
                rw.qualified[(s, seq.name)] = (moved[0], seq.name)
    visit = _affected(snap, rw, updates, bare, moved_tables, owned_moves)
    words = set(rw.needles())
    for names in bare.values():
        words.update(names)
    needles = _Needles(words)
    replaced: dict[str, DbObject] = {}
    key_map: dict[str, str] = {}
    schema_moves: dict[str, tuple[str, str]] = {}  # new key -> (old schema key, new schema key)
    in_snap = snap.by_key
    visited = snap.objects if visit is None else [in_snap[k] for k in sorted(visit) if k in in_snap]
    for obj in visited:
        upd = dict(updates.get(obj.key, ()))
        schema = obj.schema_name
        if schema is not None and schema in rw.schemas and "schema_name" not in upd:
            upd["schema_name"] = rw.schemas[schema]
        if isinstance(obj, TableChild) and (schema or "", obj.table) in moved_columns:
            upd["schema_name"], upd["table"] = moved_tables[(schema or "", obj.table)]
        if obj.key in owned_moves:
            upd["schema_name"] = owned_moves[obj.key]
        _rewrite_fields(obj, rw, bare.get(obj.key), needles, upd)
        if upd:
            new = obj.model_copy(update=upd)
            if new.key != obj.key:
                key_map[obj.key] = new.key
            if new.schema_name != obj.schema_name and obj.schema_name is not None and new.schema_name is not None:
                schema_moves[new.key] = ("schema:" + quote_ident(obj.schema_name), "schema:" + quote_ident(new.schema_name))
            replaced[obj.key] = new
    deps = snap.dependencies
    if key_map:
        def renamed(edge: Dependency) -> Dependency:
            d, r = edge
            if d in key_map or r in key_map:
                d, r = key_map.get(d, d), key_map.get(r, r)
                moved = schema_moves.get(d)
                if moved is not None and r == moved[0]:  # a moved object now lives in its new schema
                    r = moved[1]
                edge = Dependency(d, r)
            return edge
        deps = tuple(map(renamed, deps))  # (no list beside the tuple: 2 MB at 20,000 tables)
    stats = {key_map.get(k, k): v for k, v in snap.table_stats.items()} if key_map else snap.table_stats
    return snap.revised(replaced, new_schemas, dependencies=deps, table_stats=stats), key_map


_REACH = 3
"""How far along the dependency edges a rename can show in text: a view on a column of a renamed type."""


def _affected(snap: Snapshot, rw: NameRewriter, updates: Mapping[str, Any], bare: Mapping[str, Any],
              moved_tables: Mapping[tuple[str, str], Any], owned_moves: Mapping[str, str]) -> set[str] | None:
    """The keys a pass may change (None: every object, for a renamed schema): the renamed objects,
    their children, what depends on them (a few steps along the edges), and moved owned sequences."""
    if rw.schemas:
        return None
    children = snap.children()
    start = set(updates) | set(bare) | set(owned_moves)
    for (schema, name), _ in moved_tables.items():
        for kind in ("table", "foreign_table", "view", "materialized_view"):
            start.update(c.key for c in children.get(f"{kind}:{qualified(schema, name)}", ()))
    for key in list(start):
        start.update(c.key for c in children.get(key, ()))
    seen = set(start)
    frontier = start
    dependents = snap.dependents
    for _ in range(_REACH):
        nxt = {d for k in frontier for d in dependents.get(k, ()) if d not in seen}
        if not nxt:
            break
        seen |= nxt
        frontier = nxt
    return seen


def _rewrite_fields(obj: DbObject, rw: NameRewriter, bare: Mapping[str, str] | None, needles: _Needles,
                    upd: dict[str, Any]) -> None:
    values = obj.__dict__
    child = isinstance(obj, TableChild)
    for name in type(obj).model_fields:
        if name in _NOT_REWRITTEN or name in upd or (child and name == "table"):
            continue
        value = values[name]
        if not value:
            continue
        query = name == "definition" and obj.kind in ("view", "materialized_view")
        new = _rewrite_value(value, rw, bare if name in _EXPRESSIONS else None, needles, query=query)
        if new is not value and new != value:
            upd[name] = new


class _Needles:
    """Whether a text may hold one of the renamed names: a set lookup per word of the text, so
    that ten thousand renames do not make every text be searched ten thousand times."""

    def __init__(self, names: Iterable[str]) -> None:
        names = set(names)
        self.words = frozenset(n for n in names if _WORD.fullmatch(n))
        # as written inside a quoted identifier or a string constant, the quote is doubled
        self.others = tuple({form for n in names if n not in self.words
                             for form in (n, n.replace('"', '""'), n.replace("'", "''"))})

    def __contains__(self, text: object) -> bool:
        assert isinstance(text, str)
        if self.others and any(n in text for n in self.others):
            return True
        return not self.words.isdisjoint(_WORD.findall(text))


_WORD = re.compile(r"[^\W\d][\w$]*")


def _rewrite_value(value: Any, rw: NameRewriter, bare: Mapping[str, str] | None, needles: _Needles, *,
                   query: bool = False) -> Any:
    if isinstance(value, str):
        if value not in needles:
            return value
        return rw.rewrite(value, bare, query=query)
    if isinstance(value, tuple):
        items = tuple(_rewrite_value(v, rw, bare, needles) for v in value)
        return items if items != value else value
    if isinstance(value, BaseModel):
        upd: dict[str, Any] = {}
        for name in type(value).model_fields:
            if name in ("name", "comment"):
                continue
            v = getattr(value, name)
            nv = _rewrite_value(v, rw, bare, needles) if v else v
            if nv != v:
                upd[name] = nv
        return value.model_copy(update=upd) if upd else value
    return value
