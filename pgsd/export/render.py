"""A change set and its plan as text: the SQL script, a human summary, or JSON for programs.

Pure functions: no I/O, no clock (the caller passes the time), no database, no UI, so
the CLI and the app export byte-identical files from the same inputs. Every comment line
of the SQL script is written by ``pgsd.model.names.sql_comment``: a line break in a
snapshot's ``origin``, a note or an object name inside a hazard message must never turn
a comment into a statement or a psql meta-command.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pgsd.ddl.plan import Hazard, Plan, Statement
from pgsd.diff.changes import Change, ChangeSet, Status
from pgsd.errors import one_line
from pgsd.model.fingerprint import side_fingerprint
from pgsd.model.names import sql_comment
from pgsd.model.snapshot import Snapshot

JSON_FORMAT_VERSION = 1
FORMATS = ("sql", "summary", "json", "markdown", "html")
SIDES = ("source", "target")



def render(
    fmt: str,
    changes: ChangeSet,
    plan: Plan,
    *,
    generated_at: str,
    pgsd_version: str,
    files: Mapping[str, str] | None = None,
    report_limit: int | None = None,
) -> str:
    """Dispatch on ``fmt`` (sql, summary, json, markdown or html).

    ``report_limit`` caps the Markdown report's length (GitHub's comment limit when None).
    """
    if fmt == "sql":
        return render_sql(changes, plan, generated_at=generated_at, pgsd_version=pgsd_version, files=files)
    if fmt == "summary":
        return render_summary(changes, plan, files=files)
    if fmt == "json":
        return render_json(changes, plan, generated_at=generated_at, pgsd_version=pgsd_version, files=files)
    if fmt == "markdown":  # the reports import the renderers (for definitions): only when asked
        from pgsd.export.markdown import GITHUB_COMMENT_LIMIT, render_markdown

        return render_markdown(changes, plan, generated_at=generated_at, pgsd_version=pgsd_version, files=files,
                               limit=report_limit or GITHUB_COMMENT_LIMIT)
    if fmt == "html":
        from pgsd.export.html import render_html

        return render_html(changes, plan, generated_at=generated_at, pgsd_version=pgsd_version, files=files)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- shared facts




def describe_side(snapshot: Snapshot, file: str | None = None) -> str:
    """``postgresql://app@db:5432/shop (PostgreSQL 16.2)``, naming the snapshot file if any."""
    origin = snapshot.origin or "unknown database"
    version = f" (PostgreSQL {snapshot.server.version})" if snapshot.server else ""
    if file:
        taken = f", taken {snapshot.taken_at}" if snapshot.taken_at else ""
        return one_line(f"snapshot {file} of {origin}{version}{taken}")
    return one_line(f"{origin}{version}")


def plural(n: int, word: str) -> str:
    word = word.replace("_", " ")
    if n == 1 or (word.endswith("s") and not word.endswith("ss")):
        return f"{n} {word}"
    if word.endswith(("ss", "ch", "sh", "x")):
        return f"{n} {word}es"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}s"


def coverage_line(snapshot: Snapshot) -> str | None:
    """``not compared: 2 access methods, 1 large object`` for kinds pgsd found but does not model."""
    found = {k: n for k, n in sorted(snapshot.not_compared.items()) if n}
    if not found:
        return None
    return "not compared: " + ", ".join(plural(n, k) for k, n in found.items())


def difference_counts(changes: ChangeSet) -> dict[str, Counter[str]]:
    """kind -> Counter(added/removed/changed), leaving out changes that are textual only."""
    out: dict[str, Counter[str]] = {}
    for c in changes.changes:
        if not c.same_meaning:
            out.setdefault(c.kind, Counter())[c.status.value] += 1
    return dict(sorted(out.items()))


def totals_line(changes: ChangeSet) -> str:
    total: Counter[str] = Counter()
    for counter in difference_counts(changes).values():
        total.update(counter)
    if not total:
        return f"no differences; {changes.identical} identical"
    parts = [f"{total[s.value]} {s.value}" for s in Status]
    return ", ".join(parts) + f"; {changes.identical} identical"


def rename_lines(changes: ChangeSet) -> list[str]:
    """``table s.customer -> s.client``: each decided rename, in the order the plan runs them."""
    return [one_line(f"{r.label} {r.before_name} -> {r.after_name}") for r in changes.renames]


def candidate_lines(changes: ChangeSet) -> list[str]:
    """``table s.audit_log -> s.audit: 2 of 3 columns alike``: each rename not taken, its reason, whether exact."""
    return [one_line(c.describe() + (" (exact)" if c.exact else "")) for c in changes.rename_candidates]


def _side_notes(changes: ChangeSet, *, count_warnings: bool = False) -> list[str]:
    """Coverage and permission warnings of both sides, one line each; or, with ``count_warnings``
    (the summary, printed where `pgsd diff` has already said each warning on stderr), their number."""
    lines: list[str] = []
    for side, snap in (("source", changes.source), ("target", changes.target)):
        cov = coverage_line(snap)
        if cov:
            lines.append(f"{side}: {cov}")
        if count_warnings and snap.warnings:
            lines.append(f"{side}: {plural(len(snap.warnings), 'warning')} (each said once on stderr)")
        elif not count_warnings:
            lines.extend(one_line(f"{side}: warning: {w}") for w in snap.warnings)
    return lines


def _same_meaning_count(changes: ChangeSet) -> int:
    return sum(1 for c in changes.changes if c.same_meaning)


def _statement_count(plan: Plan) -> str:
    hazards = plan.hazard_summary()
    return f"{plural(len(plan.statements), 'statement')} ({hazards})"


# --------------------------------------------------------------------------- sql


def render_sql(
    changes: ChangeSet,
    plan: Plan,
    *,
    generated_at: str,
    pgsd_version: str,
    files: Mapping[str, str] | None = None,
) -> str:
    """The plan as a script to run on the target, behind a header of comments."""
    files = files or {}
    header = [
        f"pgsd {pgsd_version}: DDL that makes the target match the source",
        f"generated:  {generated_at}",
        f"source:     {describe_side(changes.source, files.get('source'))}",
        f"target:     {describe_side(changes.target, files.get('target'))}",
        "run on:     the target",
        f"changes:    {totals_line(changes)}",
        f"statements: {len(plan.statements)} ({plan.hazard_summary()})",
    ]
    if plan.left_out or plan.withheld:
        parts = []
        if plan.left_out:
            parts.append(f"{plural(len(plan.left_out), 'change')} not selected")
        if plan.withheld:
            parts.append(f"{plural(len(plan.withheld), 'statement')} withheld (listed below)")
        header.append(f"partial:    this script does not make the target match: {', '.join(parts)}")
        header.extend(f"  left out: {key}" for key in plan.left_out)
    header.extend(f"renamed:    {line}" for line in rename_lines(changes))
    candidates = candidate_lines(changes)
    if candidates:
        header.append(f"not renamed: {plural(len(candidates), 'rename candidate')}, each planned below as a "
                      "removal and an addition (decide with --rename or --renames auto):")
        header.extend(f"  {line}" for line in candidates)
    textual = _same_meaning_count(changes)
    if textual:
        header.append(
            f"textual:    {plural(textual, 'definition')} differ only in spelling (same meaning): no statement"
        )
    header.extend(_side_notes(changes))
    splits = plan.split_reasons()
    if splits:
        header.append(f"transactions: not one: {plural(len(splits), 'statement')} cannot run in a transaction"
                      + ("; statements that lose data may commit before them (chosen)"
                         if plan.commit_data_loss_early else ""))
        header.extend(f"  outside: {line}" for line in splits)
    header.extend(f"note: {n}" for n in plan.notes)
    out = [_comment(line) for line in header]
    if plan.withheld:
        out.append(sql_comment(""))
        withheld = plural(len(plan.withheld), "statement")
        out.append(sql_comment(f"withheld by --safe: they would lose data, or need one that would ({withheld}):"))
        for s in plan.withheld:
            if s.reason.startswith("needs the withheld"):
                out.append(sql_comment(f"  ({s.reason})"))
            out.extend(_commented_statement(s))
    out.append("")
    if plan.is_empty:
        out.append(sql_comment("no differences: nothing to run" if changes.is_empty else "no statement to run"))
        return "\n".join(out) + "\n"
    return "\n".join(out) + "\n" + plan.to_sql()


def _comment(line: str) -> str:
    return sql_comment(line)


def _commented_statement(s: Statement) -> list[str]:
    """A withheld statement as comments, one per line psql would read (split at ``\\n``)."""
    text = s.sql.rstrip().rstrip(";") + ";"
    lines = [sql_comment(line, "--   ") for line in text.split("\n")]
    for h in s.hazards:
        lines.append(sql_comment(f"hazard {h.type.label}: {h.message}", "--     "))
    return lines


# --------------------------------------------------------------------------- summary


def render_summary(changes: ChangeSet, plan: Plan, *, files: Mapping[str, str] | None = None) -> str:
    """Counts per kind, the plan's size and hazards, and what was not compared."""
    files = files or {}
    lines = [
        f"source: {describe_side(changes.source, files.get('source'))}",
        f"target: {describe_side(changes.target, files.get('target'))}",
    ]
    counts = difference_counts(changes)
    if counts:
        lines.append(f"differences: {totals_line(changes)}")
        width = max(len("kind"), *(len(k.replace("_", " ")) for k in counts))
        lines.append(f"  {'kind':<{width}}  added  removed  changed")
        for kind, c in counts.items():
            lines.append(
                f"  {kind.replace('_', ' '):<{width}}  {c['added']:>5}  {c['removed']:>7}  {c['changed']:>7}"
            )
    else:
        lines.append(f"no differences ({changes.identical} identical)")
    lines.extend(f"renamed: {line}" for line in rename_lines(changes))
    lines.extend(f"not renamed (removed and added): {line}" for line in candidate_lines(changes))
    textual = _same_meaning_count(changes)
    if textual:
        lines.append(f"textual only: {plural(textual, 'definition')} spelled differently, same meaning (no statement)")
    if counts or plan.statements:
        lines.append(f"plan: {_statement_count(plan)}")
    lines.extend(f"  {h.type.label}: {one_line(h.message)}" for s in plan.statements for h in s.hazards
                 if h.table is not None)
    if plan.withheld:
        lines.append(f"withheld: {plural(len(plan.withheld), 'statement')} (--safe: they would lose data)")
    lines.extend(f"note: {n}" for n in plan.notes)
    lines.extend(_side_notes(changes, count_warnings=True))
    return "\n".join(one_line(line) if not line.startswith("  ") else line for line in lines) + "\n"


# --------------------------------------------------------------------------- json


def render_json(
    changes: ChangeSet,
    plan: Plan,
    *,
    generated_at: str,
    pgsd_version: str,
    files: Mapping[str, str] | None = None,
) -> str:
    """The change set and plan for other programs; ``format_version`` changes on breaking edits."""
    files = files or {}
    doc: dict[str, Any] = {
        "format_version": JSON_FORMAT_VERSION,
        "pgsd_version": pgsd_version,
        "generated_at": generated_at,
        "source": _side_json(changes.source, files.get("source")),
        "target": _side_json(changes.read_target, files.get("target")),
        "differences": not changes.is_empty,
        "identical": changes.identical,
        "counts": {k: {s.value: c[s.value] for s in Status} for k, c in difference_counts(changes).items()},
        "options": changes.options.model_dump(mode="json"),
        "changes": [
            {
                "key": c.key,
                "kind": c.kind,
                "status": c.status.value,
                "textual_only": c.same_meaning,  # the JSON name predates the attribute's: kept stable
                "fields": [f.model_dump(mode="json") for f in c.fields],
                **_expected_json(changes, c),
                **({"renamed_from": c.renamed_from} if c.renamed_from is not None else {}),
                **({"renamed_labels": [list(p) for p in c.renamed_labels]} if c.renamed_labels else {}),
            }
            for c in changes.changes
        ],
        "renames": [{"kind": r.kind, "old": r.before_name, "new": r.after_name, "before": r.before,
                     "after": r.after} for r in changes.renames],
        "rename_candidates": [{"kind": c.kind, "old": c.before_name, "new": c.after_name, "before": c.before,
                               "after": c.after, "score": c.score, "exact": c.exact, "reason": c.reason}
                              for c in changes.rename_candidates],
        "stale_decisions": list(changes.stale_decisions),
        "plan": {
            "transaction": plan.transaction,
            "lock_timeout": plan.lock_timeout,
            "hazards": {t.value: n for t, n in sorted(plan.hazard_counts().items(), key=lambda kv: kv[0].value)},
            "statements": [_statement_json(s) for s in plan.statements],
            "withheld": [_statement_json(s) for s in plan.withheld],
            "left_out": list(plan.left_out),
            "notes": list(plan.notes),
            "sql": plan.to_sql(),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _expected_json(changes: ChangeSet, change: Change) -> dict[str, Any]:
    """An added or changed object as the source has it (``source_object``): with it, ``pgsd apply --plan``
    checks that the target converged without reading the source again (``workflow.converged``)."""
    if change.status is Status.REMOVED:
        return {}
    obj = changes.source.by_key.get(change.key)
    return {} if obj is None else {"source_object": obj.model_dump(mode="json")}


def _side_json(snapshot: Snapshot, file: str | None) -> dict[str, Any]:
    server = snapshot.server
    return {
        "origin": snapshot.origin,
        "file": file,
        "taken_at": snapshot.taken_at,
        "server_version": server.version if server else None,
        "server_version_num": server.version_num if server else None,
        "filters": snapshot.filters.model_dump(mode="json"),
        "not_compared": dict(sorted(snapshot.not_compared.items())),
        "warnings": list(snapshot.warnings),
        "fingerprint": side_fingerprint(snapshot),
    }



def _statement_json(s: Statement) -> dict[str, Any]:
    return {
        "sql": s.sql,
        "key": s.key,
        "action": s.action,
        "reason": s.reason,
        "transactional": s.transactional,
        "hazards": [_hazard_json(h) for h in s.hazards],
        "creates": list(s.creates),
        "drops": list(s.drops),
    }


def _hazard_json(h: Hazard) -> dict[str, Any]:
    """The hazard, with the target table's size when it concerns one (``table`` is its key)."""
    out: dict[str, Any] = {"type": h.type.value, "message": h.message}
    if h.table is not None:
        out.update(table=h.table, rows=h.rows, bytes=h.bytes)
    return out
