"""The review report as GitHub-flavoured Markdown, sized for a pull-request comment.

Summary of both sides, counts per kind and status, the hazards with the target's table
sizes, the coverage note, then one collapsible ``<details>`` per changed object with the
unified diff of its definition and its DDL. GitHub refuses comments above 65,536
characters: above ``limit`` the per-object part is cut (and says so) so the rest fits.

Object names are hostile input: every text from a database is made one line,
HTML-escaped and stripped of Markdown meaning before it goes into a table cell or a
summary; definitions and DDL go into code fences longer than any backtick run in them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from pgsd.ddl.plan import Plan
from pgsd.diff.changes import ChangeSet, Status
from pgsd.export.render import one_line
from pgsd.export.review import ObjectSection, Review, build_review

GITHUB_COMMENT_LIMIT = 65536
"""The longest body GitHub accepts for an issue or pull-request comment."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
"""Inline Markdown syntax; line-start syntax (#, -, +, >) cannot occur: text never starts a line."""
_MARK = {"added": "+", "removed": "-", "changed": "~"}


def md_text(text: str) -> str:
    """Text safe in a Markdown table cell or paragraph: one line, no HTML, no Markdown syntax.

    ``@`` is written as an entity so a name such as ``@org/team`` never notifies anyone.
    """
    escaped = html.escape(one_line(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("@", "&#64;")


def html_text(text: str) -> str:
    """Text inside raw HTML (a ``<summary>``): one line, escaped, no ``@`` mention."""
    return html.escape(one_line(text), quote=False).replace("@", "&#64;")


def md_code(text: str) -> str:
    """A name shown as code: ``<code>`` (no mention or link parsing inside), escaped as text."""
    return f"<code>{md_text(text)}</code>" if text else ""


def fenced(text: str, lang: str = "") -> str:
    """A code block whose fence is longer than any run of backticks inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def render_markdown(
    changes: ChangeSet,
    plan: Plan,
    *,
    generated_at: str,
    pgsd_version: str,
    files: Mapping[str, str] | None = None,
    limit: int = GITHUB_COMMENT_LIMIT,
) -> str:
    review = build_review(changes, plan, files=files)
    head = "\n".join(_head(review, generated_at=generated_at, pgsd_version=pgsd_version)) + "\n"
    tail = "\n" + _details("The whole script (run on the target)", fenced(review.script or "-- nothing to run", "sql"))
    sections = [_object(o) for o in review.objects]
    budget = limit - len(head) - len(tail) - 400  # room for the heading and the shortening note
    kept: list[str] = []
    used = 0
    for text in sections:
        if used + len(text) + 1 > budget:
            break
        kept.append(text)
        used += len(text) + 1
    body = [f"### Changed objects ({len(review.objects)})", ""] if review.objects else []
    body.extend(kept)
    if len(kept) < len(sections):
        left = review.objects[len(kept):]
        body.append(
            f"\n**Shortened:** {len(left)} of {len(sections)} objects are not shown here to keep this report under "
            f"{limit:,} characters; run `pgsd diff --format html` (or raise `--report-limit`) for all of them."
        )
    out = head + "\n".join(body) + tail
    if len(out) > limit:  # the script alone is too long: cut it too, and say so
        note = "\n\n**Shortened:** the script is cut here; see `pgsd diff --format sql` for all of it.\n"
        fence = "\n" + "`" * 10
        out = out[: max(0, limit - len(note) - len(fence))].rstrip() + fence + note
    return out


def _head(review: Review, *, generated_at: str, pgsd_version: str) -> list[str]:
    lines = [
        "## pgsd schema review",
        "",
        f"**Source** (wanted): {md_text(review.source)}  ",
        f"**Target** (changed by the plan): {md_text(review.target)}  ",
        f"**Changes:** {md_text(review.totals)}  ",
        f"**Plan:** {md_text(review.statements)}",
    ]
    if review.withheld:
        lines[-1] += "  "
        lines.append(f"**Withheld** (`--safe`, they would lose data): {review.withheld} statements")
    if review.left_out:
        lines[-1] += "  "
        lines.append(f"**Left out** (not selected): {review.left_out} changes; the script does not make them")
    if review.same_meaning:
        lines[-1] += "  "
        lines.append(f"**Textual only:** {review.same_meaning} definitions spelled differently, same meaning")
    lines.append("")
    if review.counts:
        lines += ["| kind | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
        for kind, c in review.counts.items():
            lines.append(f"| {md_text(kind.replace('_', ' '))} | {c['added']} | {c['removed']} | {c['changed']} |")
        lines.append("")
    if review.renames:
        lines += [f"### Renamed by the plan ({len(review.renames)})", ""]
        lines += [f"- {md_text(line)}" for line in review.renames]
        lines.append("")
    if review.rename_candidates:
        lines += [f"### Possible renames, not taken ({len(review.rename_candidates)})", "",
                  "The plan removes and adds these objects. Decide with `--rename OLD=NEW`, or `--renames auto` "
                  "for the exact ones.", ""]
        lines += [f"- {md_text(line)}" for line in review.rename_candidates]
        lines.append("")
    if review.hazards:
        lines += [f"### Hazards ({len(review.hazards)})", "",
                  "| statement | hazard | table | rows | size | why |", "| --- | --- | --- | ---: | ---: | --- |"]
        for h in review.hazards:
            lines.append(f"| {md_code(h.statement)} | {md_text(h.hazard)} | {md_code(h.table)} | {md_text(h.rows)} "
                         f"| {md_text(h.size)} | {md_text(h.message)} |")
        lines.append("")
    else:
        lines += ["No hazards.", ""]
    lines.append("**Coverage:** " + "; ".join(md_text(n) for n in review.notes))
    lines += ["", f"<sub>pgsd {md_text(pgsd_version)}, {md_text(generated_at)}</sub>", ""]
    return lines


def _object(o: ObjectSection) -> str:
    mark = _MARK.get(o.status, "")
    hazards = f" — {html_text(', '.join(o.hazards))}" if o.hazards else ""
    status = html_text(o.status)
    if o.renamed_from:
        status += f", renamed from <code>{html_text(o.renamed_from)}</code>"
    if o.labels_renamed:
        status += f", labels renamed: {html_text(o.labels_renamed)}"
    if o.left_out:
        status += ", left out of the plan"
    summary = (f"<summary><code>{mark}</code> {html_text(o.kind.replace('_', ' '))} "
               f"<code>{html_text(o.name)}</code> ({status}){hazards}</summary>")
    parts = []
    if o.diff:
        parts.append(fenced(o.diff, "diff"))
    if o.ddl:
        parts.append(fenced(o.ddl, "sql"))
    elif o.left_out:
        parts.append("_Left out of this plan (not selected): no statement._")
    elif o.status == Status.CHANGED.value:
        parts.append("_No statement of its own (planned with another object)._")
    return _details(summary, "\n\n".join(parts), raw_summary=True)


def _details(summary: str, body: str, *, raw_summary: bool = False) -> str:
    head = summary if raw_summary else f"<summary>{html_text(summary)}</summary>"
    return f"<details>\n{head}\n\n{body}\n\n</details>\n"
