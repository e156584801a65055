"""Decisions a person makes while reviewing, as data: renames, left-out changes, USING expressions.

``pgsd diff`` and ``pgsd apply`` replay them (``--decisions FILE``, ``--rename``,
``--using``); the app saves them (``decisions_toml``). A decision that no longer matches
anything is *stale*: it is reported (one line each, on stderr and in the JSON output),
never silently ignored, and never applied to something else.

The file is TOML::

    # pgsd decisions
    version = 1

    [[rename]]
    old = "shop.customer"          # as the target names it
    new = "shop.client"            # as the source names it
    # kind = "constraint"          # only when a name fits a column and a constraint

    [[leave_out]]
    key = "table:shop.audit_log"   # a change's key, as pgsd diff --format json lists it

    [[using]]
    column = "shop.orders.total"   # SCHEMA.TABLE.COLUMN
    expression = "total::numeric(12,2)"

``compare_with_decisions`` is the one comparison the CLI and the app run for a request:
decided renames applied, candidates found (``--renames suggest``) or the exact ones taken
(``auto``), and stale decisions listed on the change set.

For the app: show ``changes.rename_candidates`` (``RenameCandidate``: kind, keys, score,
exact, reason) beside the ``-``/``+`` rows; a pairing of a removed row and an added one
is ``decision_for(before_key, after_key, ...)`` (accepting a candidate is
``RenameDecision(*candidate.decision)``); compare again with
``request.with_renames(...)``: the pair is then one change whose ``renamed_from`` is the
target's key (``changes.target`` is the target as the renames leave it, so the
definition pane compares ``changes.target.get(key)`` with ``changes.source.get(key)``).
Plan with ``workflow.plan(changes, request.plan_options(), replayed.selected)``; save with
``decisions_toml(Decisions(...))`` written by ``pgsd.export.write_atomic``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgsd.ddl.context import using_key
from pgsd.diff.changes import ChangeSet, Status, diff_snapshots
from pgsd.diff.rename_candidates import RenameCandidate, dotted, find_rename_candidates, label_names, name_of
from pgsd.diff.renames import LABEL_KIND, RENAMEABLE, resolve_renames, split_decision
from pgsd.errors import PgsdError
from pgsd.model.names import quote_literal
from pgsd.model.snapshot import Snapshot

DECISIONS_VERSION = 1
MAX_DECISIONS_BYTES = 16 * 1024 * 1024
RENAME_MODES = ("off", "suggest", "auto")


class DecisionsFileError(PgsdError):
    """A decisions file that cannot be read or is not one (exit 2, one line)."""


@dataclass(frozen=True)
class RenameDecision:
    old: str
    new: str
    kind: str | None = None

    def as_pair(self) -> tuple[str, str] | tuple[str, str, str]:
        return (self.old, self.new) if self.kind is None else (self.old, self.new, self.kind)


@dataclass(frozen=True)
class Decisions:
    renames: tuple[RenameDecision, ...] = ()
    left_out: tuple[str, ...] = ()
    """Keys of changes left out of the plan."""
    using: tuple[tuple[str, str], ...] = ()
    """(SCHEMA.TABLE.COLUMN as written, expression)."""

    def is_empty(self) -> bool:
        return not (self.renames or self.left_out or self.using)

    def merged(self, other: Decisions) -> Decisions:
        """These decisions with ``other``'s on top (the command line's over the file's)."""
        olds = {r.old for r in other.renames}
        columns = {c for c, _ in other.using}
        return Decisions(
            renames=tuple(r for r in self.renames if r.old not in olds) + other.renames,
            left_out=tuple(dict.fromkeys(self.left_out + other.left_out)),
            using=tuple(u for u in self.using if u[0] not in columns) + other.using,
        )

    def using_keys(self) -> dict[str, str]:
        """Column key -> expression (names that are not SCHEMA.TABLE.COLUMN are left out: stale)."""
        out: dict[str, str] = {}
        for column, expression in self.using:
            try:
                out[using_key(column)] = expression
            except ValueError:
                continue
        return out


# --------------------------------------------------------------------------- the file


def read_decisions(path: str | Path) -> Decisions:
    """Read a decisions file; anything wrong with it is one DecisionsFileError line."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_DECISIONS_BYTES:
            raise DecisionsFileError(f"decisions file {path} is larger than {MAX_DECISIONS_BYTES // 2**20} MB")
        data = p.read_bytes()
    except OSError as e:
        raise DecisionsFileError(f"cannot read decisions file {path}: {e.strerror or e}") from None
    return parse_decisions(data, name=f"decisions file {path}")


def parse_decisions(data: bytes | str, *, name: str = "decisions") -> Decisions:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as e:
        raise DecisionsFileError(f"{name} is not UTF-8 text (byte offset {e.start})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DecisionsFileError(f"{name} is not valid TOML: {str(e).splitlines()[0]}") from None
    except RecursionError:
        raise DecisionsFileError(f"{name} is nested too deeply") from None
    unknown = set(doc) - {"version", "rename", "leave_out", "using"}
    if unknown:
        raise DecisionsFileError(f"{name}: unknown key {sorted(unknown)[0]!r} (rename, leave_out, using)")
    version = doc.get("version", DECISIONS_VERSION)
    if version != DECISIONS_VERSION:
        raise DecisionsFileError(f"{name} has version {version!r}; this pgsd reads version {DECISIONS_VERSION}")
    renames = tuple(RenameDecision(_text(t, "old", name, "rename"), _text(t, "new", name, "rename"),
                                   _kind(t, name)) for t in _tables(doc, "rename", name, {"old", "new", "kind"}))
    left_out = tuple(_text(t, "key", name, "leave_out") for t in _tables(doc, "leave_out", name, {"key"}))
    using = tuple((_text(t, "column", name, "using"), _text(t, "expression", name, "using"))
                  for t in _tables(doc, "using", name, {"column", "expression"}))
    return Decisions(renames=renames, left_out=left_out, using=using)


def _tables(doc: dict[str, Any], key: str, name: str, allowed: set[str]) -> list[dict[str, Any]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise DecisionsFileError(f"{name}: {key} must be a list of tables ([[{key}]])")
    for i, t in enumerate(value, 1):
        extra = set(t) - allowed
        if extra:
            raise DecisionsFileError(f"{name}: [[{key}]] number {i} has an unknown key {sorted(extra)[0]!r}")
    return value


def _text(table: dict[str, Any], key: str, name: str, section: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise DecisionsFileError(f"{name}: every [[{section}]] needs {key} = \"...\" (a non-empty string)")
    return value


def _kind(table: dict[str, Any], name: str) -> str | None:
    kind = table.get("kind")
    if kind is None:
        return None
    if kind not in RENAMEABLE:
        raise DecisionsFileError(f"{name}: [[rename]] kind {kind!r} is not one of {', '.join(RENAMEABLE)}")
    return str(kind)


def decisions_toml(decisions: Decisions) -> str:
    """The decisions as a file ``read_decisions`` reads back (every string a TOML basic string)."""
    lines = ["# pgsd decisions: replayed by pgsd diff/apply --decisions FILE", f"version = {DECISIONS_VERSION}"]
    for r in decisions.renames:
        lines += ["", "[[rename]]", f"old = {toml_string(r.old)}", f"new = {toml_string(r.new)}"]
        if r.kind is not None:
            lines.append(f"kind = {toml_string(r.kind)}")
    for key in decisions.left_out:
        lines += ["", "[[leave_out]]", f"key = {toml_string(key)}"]
    for column, expression in decisions.using:
        lines += ["", "[[using]]", f"column = {toml_string(column)}", f"expression = {toml_string(expression)}"]
    return "\n".join(lines) + "\n"


def toml_string(value: str) -> str:
    """A TOML basic string: ``"`` and ``\\`` escaped, every character that does not print (controls,
    line separators, bidirectional marks) as ``\\uXXXX``: the file shows what it holds, on one line."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def rename_arg(text: str) -> RenameDecision:
    """``--rename OLD=NEW`` -> a decision (ValueError with a one-line reason)."""
    old, new = split_decision(text)
    return RenameDecision(old, new)


# --------------------------------------------------------------------------- replaying


@dataclass(frozen=True)
class Replayed:
    """What a comparison with decisions gives: the change set, and the left-out keys for the planner."""

    changes: ChangeSet
    selected: set[str] | None = field(default=None)
    """Change keys to plan (None: all): every change but the left-out ones."""


def compare_with_decisions(*, source: Snapshot, target: Snapshot, request: Any) -> Replayed:
    """Compare as ``request`` (a ComparisonRequest) asks, with its decisions and rename mode.

    The change set carries the renames applied, the candidates not taken, and one line
    for every stale decision.
    """
    options = request.diff_options()
    decisions: Decisions = request.all_decisions()
    mode = request.rename_mode
    pairs = [r.as_pair() for r in decisions.renames]
    decided, stale = resolve_renames(pairs, source=source, target=target) if pairs else ([], [])
    candidates: tuple[RenameCandidate, ...] = ()
    cs = diff_snapshots(source=source, target=target, options=options, renames=decided)
    statuses = {c.status for c in cs.changes}
    if mode != "off" and Status.ADDED in statuses and Status.REMOVED in statuses:  # else nothing to pair
        candidates = find_rename_candidates(source=source, target=target, options=options, renames=decided)
        if mode == "auto" and any(c.exact for c in candidates):
            decided = decided + [c.as_rename() for c in candidates if c.exact]
            candidates = tuple(c for c in candidates if not c.exact)
            cs = diff_snapshots(source=source, target=target, options=options, renames=decided)
    stale = [f"stale decision: {line}" for line in [*stale, *cs.stale_decisions]]
    keys = {c.key for c in cs.changes}
    left_out = [k for k in decisions.left_out if k in keys]
    stale += [f"stale decision: leave out {k}: no such change" for k in decisions.left_out if k not in keys]
    stale += _stale_using(decisions, cs)
    cs = cs.model_copy(update={"rename_candidates": candidates, "stale_decisions": tuple(stale)})
    selected = None
    if left_out:  # a left-out object's children (a new table's columns) go with it
        out = set(left_out)
        selected = set()
        for c in cs.changes:
            obj = cs.source.get(c.key) or cs.target.get(c.key)
            if c.key not in out and (obj is None or obj.parent_key not in out):
                selected.add(c.key)
    return Replayed(changes=cs, selected=selected)


def decision_for(before: str, after: str, *, source: Snapshot, target: Snapshot) -> RenameDecision:
    """The decision that pairs a removed object (its key in the target) with an added one (its key
    in the source), named as ``--rename`` and a decisions file name them: what the app saves when
    the user pairs two rows. Raises ValueError when a key names nothing."""
    if before.startswith(LABEL_KIND + ":") and after.startswith(LABEL_KIND + ":"):
        return RenameDecision(dotted(label_names(before)), dotted(label_names(after)))
    old, new = target.get(before), source.get(after)
    if old is None or new is None:
        raise ValueError(f"{before if old is None else after} is not an object of the "
                         f"{'target' if old is None else 'source'}")
    kind = old.kind if old.kind in ("column", "constraint") and old.kind == new.kind else None
    return RenameDecision(name_of(old), name_of(new), kind)


def _stale_using(decisions: Decisions, cs: ChangeSet) -> list[str]:
    out: list[str] = []
    for column, expression in decisions.using:
        try:
            key = using_key(column)
        except ValueError as e:
            out.append(f"stale decision: using {column}: {e}")
            continue
        c = cs.by_key.get(key)
        if c is None or c.status is not Status.CHANGED or "type" not in c.changed_fields:
            out.append(f"stale decision: using {column}={quote_literal(expression)}: the column's type does not change")
    return out
