"""Renames in every human format: the SQL header, the summary, Markdown and HTML say what the plan
renames (and from what), and which renames it did not take, with hostile names kept as text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from pgsd.ddl.planner import build_plan
from pgsd.export import render
from pgsd.model.objects import Column, Constraint, EnumType, Schema, Table
from pgsd.model.snapshot import Snapshot
from pgsd.workflow.decisions import RenameDecision, compare_with_decisions
from pgsd.workflow.options import ComparisonRequest
from tests.unit.test_reports import _outside_code_fences

NOW = "2026-01-02T03:04:05+00:00"
OLD = "cust`omer</code><script>alert(1)</script>\n\\! rm -rf / @team"
"""A table's name in the target: backticks, HTML, a newline with a psql meta-command, a mention."""


def _table(name: str, *columns: tuple[str, str]) -> list:
    out: list = [Table(schema_name="s", name=name)]
    out += [Column(schema_name="s", table=name, name=c, type=t, position=i, not_null=c == "id")
            for i, (c, t) in enumerate(columns, 1)]
    out.append(Constraint(schema_name="s", table=name, name=f"{name}_pkey", type="p",
                          definition="PRIMARY KEY (id)", index_name=f"{name}_pkey"))
    return out


def _snap(*objects) -> Snapshot:
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), origin="postgresql://app@db/shop")


def _render_all() -> dict[str, str]:
    """The target holds OLD (renamed to ``client`` by decision), an enum whose label ``ok`` became
    ``fine`` (decided), and ``audit_log``, only alike to the source's ``audit``: a candidate not taken."""
    target = _snap(Schema(name="s"), *_table(OLD, ("id", "integer"), ("name", "text")),
                   *_table("audit_log", ("id", "integer"), ("msg", "text"), ("x", "text")),
                   EnumType(schema_name="s", name="mood", labels=("sad", "ok")))
    source = _snap(Schema(name="s"), *_table("client", ("id", "integer"), ("name", "text")),
                   *_table("audit", ("id", "integer"), ("msg", "text"), ("y", "integer")),
                   EnumType(schema_name="s", name="mood", labels=("sad", "fine")))
    request = ComparisonRequest(renames=(RenameDecision(f's."{OLD}"', "s.client"),
                                         RenameDecision("s.mood.ok", "s.mood.fine")))
    replayed = compare_with_decisions(source=source, target=target, request=request)
    changes = replayed.changes
    assert not changes.stale_decisions, changes.stale_decisions
    # not taken: audit_log (alike only), and the renamed table's primary key (its own candidate)
    assert sorted(c.kind for c in changes.rename_candidates) == ["constraint", "table"]
    plan = build_plan(changes)
    return {fmt: render(fmt, changes, plan, generated_at=NOW, pgsd_version="9.9.9")
            for fmt in ("sql", "summary", "markdown", "html")}


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return _render_all()


def test_sql_header_lists_renames_and_the_candidates_it_did_not_take(outputs):
    sql = outputs["sql"]
    header = sql.split("\n\n", 1)[0].splitlines()
    assert all(line.startswith("--") for line in header), header
    assert "-- renamed:    enum label s.mood.ok -> s.mood.fine" in header
    renamed_table = [line for line in header if line.startswith("-- renamed:    table ")]
    assert len(renamed_table) == 1 and renamed_table[0].endswith(" -> s.client")
    assert "\\! rm" in renamed_table[0]  # the name is there, inside the comment, on its one line
    assert any(line.startswith("-- not renamed: 2 rename candidates,") for line in header)
    assert any(line.startswith("--   table s.audit_log -> s.audit: ") for line in header)
    # the name's line break stays inside its quoted identifier in the statements, where psql reads
    # no meta-command; in the header it is one comment line
    assert sum("\\! rm" in line for line in header) == 2  # the renamed table, its key's candidate


def test_summary_says_renamed_and_not_renamed(outputs):
    lines = outputs["summary"].splitlines()
    assert "renamed: enum label s.mood.ok -> s.mood.fine" in lines
    assert any(line.startswith("renamed: table ") and line.endswith("-> s.client") for line in lines)
    assert any(line.startswith("not renamed (removed and added): table s.audit_log -> s.audit: ")
               for line in lines)
    assert not any(line.startswith("\\") for line in lines)


def test_markdown_shows_renames_candidates_and_renamed_from_on_the_object(outputs):
    md = outputs["markdown"]
    assert "### Renamed by the plan (2)" in md  # the table and the enum label
    assert "### Possible renames, not taken (2)" in md  # audit_log, and the renamed table's primary key
    assert "- table s.audit\\_log -&gt; s.audit: " in md
    summary = next(line for line in md.splitlines() if line.startswith("<summary>") and "s.client" in line
                   and "table" in line and "renamed from" in line)
    assert "<script>" not in summary and "&lt;script&gt;" in summary and "&#64;team" in summary
    assert "<summary><code>~</code> enum <code>s.mood</code> (changed, labels renamed: ok -&gt; fine)" in md
    # the enum's section holds the statement that renames its label
    enum_section = md.split("enum <code>s.mood</code>", 1)[1].split("</details>", 1)[0]
    assert "ALTER TYPE s.mood RENAME VALUE 'ok' TO 'fine';" in enum_section
    prose = _outside_code_fences(md)
    assert "<script>" not in prose and "@team" not in prose


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)


def test_html_has_rename_sections_and_keeps_names_as_text(outputs):
    page = outputs["html"]
    parser = _Text()
    parser.feed(page)
    assert parser.tags.count("script") == 1  # the report's own, never one from a name
    text = "".join(parser.text)
    assert "Renamed by the plan (2)" in text and "Possible renames, not taken (2)" in text
    assert "enum label s.mood.ok -> s.mood.fine" in text
    assert f'renamed from s."{OLD.replace(chr(10), " ")}"' in text  # one line, every character shown as text
    assert 'id="renames"' in page and 'id="rename-candidates"' in page
    assert "labels renamed: ok -&gt; fine" in page
    # the filter finds renamed objects by the word and by their old name
    assert 'data-search="table s.client changed renamed' in page


def test_no_rename_sections_without_renames():
    target = _snap(Schema(name="s"), *_table("a", ("id", "integer")))
    source = _snap(Schema(name="s"), *_table("a", ("id", "bigint")))
    changes = compare_with_decisions(source=source, target=target, request=ComparisonRequest()).changes
    plan = build_plan(changes)
    for fmt in ("sql", "summary", "markdown"):
        text = render(fmt, changes, plan, generated_at=NOW, pgsd_version="9.9.9")
        assert "renamed" not in text.lower(), fmt
        assert "Possible renames" not in text
    page = render("html", changes, plan, generated_at=NOW, pgsd_version="9.9.9")
    assert 'id="renames"' not in page and 'id="rename-candidates"' not in page
    assert '<span class="renamed">' not in page
