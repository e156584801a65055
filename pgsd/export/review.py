"""What a review report says, once, for the Markdown and the HTML renderers.

A report is read by people who do not run pgsd (in a pull request, a ticket, an email):
both sides, the counts per kind and status, the hazards with the sizes of the target's
tables, and per changed object the unified diff of its definition and the DDL the plan
runs for it. This module gathers those facts as plain data; ``markdown`` and ``html``
only lay them out (and escape everything that came from a database: object names are
hostile input).
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Plan, Statement
from pgsd.ddl.render import renderers
from pgsd.ddl.sizes import format_bytes, format_rows
from pgsd.diff.changes import Change, ChangeSet, Status
from pgsd.diff.renames import LABEL_KIND, label_parts
from pgsd.export.render import (
    candidate_lines,
    coverage_line,
    describe_side,
    difference_counts,
    one_line,
    plural,
    rename_lines,
    totals_line,
)
from pgsd.model.objects import DbObject
from pgsd.model.snapshot import Snapshot

LABEL_PREFIX = LABEL_KIND + ":"


@dataclass(frozen=True)
class HazardRow:
    statement: str
    """The statement's first line (the whole statement is in the object's DDL)."""
    hazard: str
    """The hazard's label (``table-rewrite``)."""
    message: str
    table: str
    """The table it concerns (qualified name) or ''."""
    rows: str
    """``~48M rows`` or '' when the hazard is not sized."""
    size: str
    """``31 GB`` or ''."""


@dataclass(frozen=True)
class ObjectSection:
    key: str
    kind: str
    name: str
    status: str
    hazards: tuple[str, ...]
    """Labels of the hazards of its statements."""
    diff: str
    """Unified diff of its definition, target (---) to source (+++)."""
    ddl: str
    renamed_from: str = ""
    """The name it has in the target when the plan renames it (``s.customer``), else ''."""
    labels_renamed: str = ""
    """An enum's renamed labels (``ok -> fine, sad -> down``), else ''."""
    left_out: bool = False
    """The change was left out of the plan (not selected): the script does not make it."""

    @property
    def search_text(self) -> str:
        """What the HTML filter box matches against."""
        renamed = ("renamed", self.renamed_from, self.labels_renamed) if self.renamed_from or self.labels_renamed \
            else ()
        left_out = ("left out",) if self.left_out else ()
        return " ".join((self.kind, self.name, self.status, *renamed, *left_out, *self.hazards)).lower()


@dataclass(frozen=True)
class Review:
    source: str
    target: str
    totals: str
    counts: dict[str, dict[str, int]]
    """kind -> {added, removed, changed}."""
    statements: str
    """``12 statements (2 table-rewrite, ...)``."""
    hazards: tuple[HazardRow, ...]
    objects: tuple[ObjectSection, ...]
    notes: tuple[str, ...]
    """Coverage ("not compared: ..."), warnings and planner notes, one line each."""
    script: str
    withheld: int = 0
    left_out: int = 0
    """Changes left out of the plan (not selected; a decisions file's ``leave_out``)."""
    same_meaning: int = 0
    renames: tuple[str, ...] = ()
    """``table s.customer -> s.client``: the renames the plan makes, in its order."""
    rename_candidates: tuple[str, ...] = ()
    """Renames not taken, with their reasons: the plan removes and adds those objects."""


def build_review(changes: ChangeSet, plan: Plan, *, files: Mapping[str, str] | None = None) -> Review:
    files = files or {}
    counts = {k: {s.value: c[s.value] for s in Status} for k, c in difference_counts(changes).items()}
    notes: list[str] = []
    for side, snap in (("source", changes.source), ("target", changes.target)):
        cov = coverage_line(snap)
        notes.append(f"{side}: {cov}" if cov else f"{side}: every kind it holds was compared")
        notes.extend(one_line(f"{side}: warning: {w}") for w in snap.warnings)
    notes.extend(one_line(f"note: {n}") for n in plan.notes)
    hazards = plan.hazard_summary()
    return Review(
        source=describe_side(changes.source, files.get("source")),
        target=describe_side(changes.target, files.get("target")),
        totals=totals_line(changes),
        counts=counts,
        statements=f"{plural(len(plan.statements), 'statement')} ({hazards})",
        hazards=tuple(_hazard_rows(plan, changes.target)),
        objects=tuple(_sections(changes, plan)),
        notes=tuple(notes),
        script=plan.to_sql(),
        withheld=len(plan.withheld),
        left_out=len(plan.left_out),
        same_meaning=sum(1 for c in changes.changes if c.same_meaning),
        renames=tuple(rename_lines(changes)),
        rename_candidates=tuple(candidate_lines(changes)),
    )


def first_line(sql: str, width: int = 100) -> str:
    line = one_line(sql.strip().splitlines()[0] if sql.strip() else "")
    return line if len(line) <= width and "\n" not in sql.strip() else line[: width - 1].rstrip() + "…"


def _hazard_rows(plan: Plan, target: Snapshot) -> list[HazardRow]:
    out: list[HazardRow] = []
    for s in plan.statements:
        for h in s.hazards:
            table = target.get(h.table) if h.table else None
            out.append(HazardRow(
                statement=first_line(s.sql),
                hazard=h.type.label,
                message=one_line(h.message),
                table=table.qualified_name if table is not None else "",
                rows=format_rows(h.rows) if h.table else "",
                size=format_bytes(h.bytes) if h.table else "",
            ))
    return out


def _sections(changes: ChangeSet, plan: Plan) -> list[ObjectSection]:
    by_key: dict[str, list[Statement]] = defaultdict(list)
    for s in plan.statements:
        # a renamed enum label's statement is keyed by the label; its change is the enum's
        by_key[label_parts(s.key)[0] if s.key.startswith(LABEL_PREFIX) else s.key].append(s)
    rend = renderers()
    target_ctx = RenderContext(source=changes.target, target=changes.target)
    source_ctx = RenderContext(source=changes.source, target=changes.source)
    old_names = {r.after: r.before_name for r in changes.renames}
    left_out = set(plan.left_out)
    out: list[ObjectSection] = []
    for c in changes.changes:
        if c.same_meaning:
            continue
        before = changes.target.get(c.key)
        after = changes.source.get(c.key)
        obj = after or before
        statements = by_key.get(c.key, [])
        out.append(ObjectSection(
            key=c.key,
            kind=c.kind,
            name=one_line(obj.display_name if obj is not None else c.key),
            status=c.status.value,
            hazards=tuple(sorted({h.type.label for s in statements for h in s.hazards})),
            diff=_definition_diff(c, before, after, rend, target_ctx, source_ctx),
            ddl="\n".join(s.sql.rstrip().rstrip(";") + ";" for s in statements),
            renamed_from=one_line(old_names.get(c.key, c.renamed_from or "")) if c.renamed_from is not None else "",
            labels_renamed=one_line(", ".join(f"{old} -> {new}" for old, new in c.renamed_labels)),
            left_out=c.key in left_out,
        ))
    return out


def _definition_diff(c: Change, before: DbObject | None, after: DbObject | None, rend: Mapping[str, Any],
                     target_ctx: RenderContext, source_ctx: RenderContext) -> str:
    old = definition(before, rend, target_ctx) if before is not None else ""
    new = definition(after, rend, source_ctx) if after is not None else ""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "target", "source", lineterm="", n=3)
    text = "\n".join(lines)
    if not text and c.fields:  # same SQL text, different fields (e.g. an owner): list them
        text = "\n".join(f"{f.name}: {_value(f.old)} -> {_value(f.new)}" for f in c.fields)
    return text


def definition(obj: DbObject, rend: Mapping[str, Any], ctx: RenderContext) -> str:
    """The object as the SQL that creates it (as the plan writes it), else its fields."""
    r = rend.get(obj.kind)
    if r is not None:
        try:
            statements = r.create(obj, ctx)
        except Exception:  # noqa: BLE001 - some objects cannot be rendered alone; fields then
            statements = []
        if statements:
            return "\n".join(s.sql.rstrip().rstrip(";") + ";" for s in statements)
    dump = obj.model_dump(mode="json", exclude={"kind", "schema_name", "name"})
    return "\n".join(f"{k}: {_value(v)}" for k, v in dump.items() if v not in (None, [], (), "", {}, False))


def _value(v: Any) -> str:
    return one_line(json.dumps(v, ensure_ascii=False, default=str)) if not isinstance(v, str) else one_line(v)
