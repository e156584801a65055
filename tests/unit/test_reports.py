"""The Markdown and HTML review reports, without a database: their content, their size limit,
and hostile object names (backticks, pipes, ``<script>``, newlines) staying text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pgsd.ddl.planner import build_plan
from pgsd.ddl.sizes import size_hazards
from pgsd.diff.changes import diff_snapshots
from pgsd.export import render
from pgsd.export.html import highlight_sql
from pgsd.export.markdown import fenced, md_text
from pgsd.model.objects import Column, Schema, Table
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot, TableStats

NOW = "2026-01-02T03:04:05+00:00"
EVIL = "x`y|z</details><script>alert(1)</script>\n@team"


def _snapshot(objects, origin, **kw) -> Snapshot:
    server = ServerInfo(version="16.2", version_num=160002, current_user="u", current_database="d",
                        is_superuser=True, in_recovery=False, encoding="UTF8", can_create_in_database=True)
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), origin=origin, server=server, **kw)


def _pair(tables: int = 0):
    shop = Schema(name="shop")
    evil = Table(schema_name="shop", name=EVIL)
    evil_cols = [Column(schema_name="shop", table=EVIL, name="a|b", type="integer", position=1)]
    events = Table(schema_name="shop", name="events")
    amount_old = Column(schema_name="shop", table="events", name="amount", type="integer", position=1)
    amount_new = amount_old.model_copy(update={"type": "bigint"})
    extra = [Table(schema_name="shop", name=f"t{i:03}") for i in range(tables)]
    extra_cols = [Column(schema_name="shop", table=f"t{i:03}", name=f"c{j}", type="text", position=j + 1)
                  for i in range(tables) for j in range(8)]
    source = _snapshot([shop, evil, *evil_cols, events, amount_new, *extra, *extra_cols],
                       "postgresql://app@src:5432/shop", not_compared={"operator": 2})
    target = _snapshot([shop, events, amount_old], "postgresql://app@tgt:5432/shop",
                       table_stats={"table:shop.events": TableStats(rows=48_000_000, bytes=31 * 1024**3)})
    return source, target


def _render(fmt: str, tables: int = 0, **kw) -> str:
    source, target = _pair(tables)
    changes = diff_snapshots(source=source, target=target)
    plan = size_hazards(build_plan(changes), target=target, source=source)
    return render(fmt, changes, plan, generated_at=NOW, pgsd_version="9.9.9", **kw)


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_report_content():
    text = _render("markdown")
    assert text.startswith("## pgsd schema review")
    assert "| column | 1 | 0 | 1 |" in text and "| table | 1 | 0 | 0 |" in text
    [row] = [line for line in text.splitlines() if line.startswith("| <code>ALTER TABLE shop.events")]
    assert "table\\-rewrite" in row or "table-rewrite" in row
    assert "~48M rows" in row.replace("\\~", "~") and "31 GB" in row
    assert "not compared: 2 operators" in text
    prose = _outside_code_fences(text)
    assert prose.count("<details>") == prose.count("</details>") == 4  # 3 objects + the script
    assert "```diff\n--- target\n+++ source" in text
    assert _render("markdown") == text  # same inputs, same bytes


def _outside_code_fences(text: str) -> str:
    return re.sub(r"^(`{3,})[a-z]*\n.*?^\1$", "", text, flags=re.S | re.M)


def test_markdown_keeps_hostile_names_as_text():
    text = _render("markdown")
    prose = _outside_code_fences(text)
    assert "```" not in prose  # every fence closed where it should be
    assert "<script>" not in prose and "</details><" not in prose
    assert "&lt;script&gt;" in prose
    rows = [line for line in prose.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + 2 + 2 + 1  # counts: header, rule, 2 kinds; hazards: header, rule, 1
    for line in rows:  # no cell split by a name: 4 columns (counts) or 6 (hazards)
        six = line.count("---") == 6 or "hazard" in line or "<code>" in line
        assert _unescaped_pipes(line) == (7 if six else 5), line
    # the name never ends its line early: no raw newline from a name inside a summary
    assert all(line.count("<summary>") == line.count("</summary>") for line in text.splitlines())
    assert "@team" not in prose  # no mention from a name


def test_markdown_escaping_helpers():
    assert md_text("a|b`c*d_e[f]\ng<h>") == "a\\|b\\`c\\*d\\_e\\[f\\] g&lt;h&gt;"
    assert fenced("x ```` y").startswith("`````\n")


def test_markdown_size_limit_shortens_the_objects_and_says_so():
    full = _render("markdown", tables=200)
    assert len(full) <= 65536 and "Shortened" in full  # 200 tables x 9 objects do not fit a comment
    short = _render("markdown", tables=200, report_limit=8000)
    assert len(short) <= 8000
    assert "Shortened:" in short and "objects are not shown" in short
    small = _render("markdown", tables=2)
    assert "Shortened" not in small


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("#", "data:")):
                self.external.append(value)

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_and_escapes_names():
    text = _render("html")
    parser = _Tags()
    parser.feed(text)
    assert parser.tags.count("script") == 1 and parser.tags.count("style") == 1
    assert "link" not in parser.tags and "img" not in parser.tags and parser.external == []
    assert parser.tags.count("details") == 3
    joined = "".join(parser.text)
    assert "x`y|z</details><script>alert(1)</script> @team" in joined  # shown as text, one line
    assert "~48M rows" in joined and "31 GB" in joined
    assert "@media print" in text and 'id="filter"' in text


def test_sql_highlighter_escapes_and_marks_tokens():
    out = highlight_sql("ALTER TABLE \"a<b\" ADD c text DEFAULT '</pre>' -- <x>\n")
    assert '<span class="k">ALTER</span>' in out
    assert '<span class="q">&quot;a&lt;b&quot;</span>' in out
    assert '<span class="s">&#x27;&lt;/pre&gt;&#x27;</span>' in out
    assert '<span class="c">-- &lt;x&gt;</span>' in out


def test_a_partial_plan_says_what_it_left_out():
    """A selection that leaves out the new table (and its column): both reports say so, in the
    summary and on the object, and the object shows no DDL."""
    source, target = _pair()
    changes = diff_snapshots(source=source, target=target)
    evil_keys = {c.key for c in changes.changes if EVIL in c.key}
    plan = build_plan(changes, selected={c.key for c in changes.changes} - evil_keys)
    assert set(plan.left_out) == evil_keys and len(evil_keys) == 2
    markdown = render("markdown", changes, plan, generated_at=NOW, pgsd_version="9.9.9")
    assert "**Left out** (not selected): 2 changes; the script does not make them" in markdown
    assert markdown.count(", left out of the plan)") == 2
    assert markdown.count("_Left out of this plan (not selected): no statement._") == 2
    assert "CREATE TABLE shop.events" not in markdown and "ALTER TABLE shop.events" in markdown
    page = render("html", changes, plan, generated_at=NOW, pgsd_version="9.9.9")
    assert "<dt>Left out</dt><dd>2 changes not selected: the script does not make them</dd>" in page
    assert page.count('<span class="renamed">left out of the plan</span>') == 2
    whole = render("markdown", changes, build_plan(changes), generated_at=NOW, pgsd_version="9.9.9")
    assert "Left out" not in whole and "left out of the plan" not in whole
