"""The review report as one self-contained HTML file.

No network, no external asset: the CSS and the little JavaScript (a filter box, expand
and collapse all, open everything before printing) are inline, and the SQL is
highlighted here by a small tokenizer (comments, strings, quoted names, numbers,
keywords) rather than by a library, so the file looks the same wherever it is opened and
the export layer needs no dependency. Every text from a database goes through
``html.escape``: names such as ``</details><script>`` stay text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from pgsd.ddl.plan import Plan
from pgsd.diff.changes import ChangeSet
from pgsd.export.review import ObjectSection, Review, build_review

_KEYWORD_TEXT = """
add after all alter always and as asc attach before begin by cascade check cluster collate column comment commit
concurrently constraint create data default deferrable deferred delete desc detach disable domain drop each else
enable end enum exists expression extension false for force foreign from function generated grant identity if
immediate in index inherit initially insert into is key language like materialized not null of on only option or
owned owner partition policy primary procedure publication references rename replace replica restrict returns
revoke role row rule schema security select sequence set statistics storage subscription table tablespace then
to trigger true type unique unlogged update using valid validate values view when where with without
"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())

_TOKEN = re.compile(r"""
    (?P<comment>--[^\n]*)
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<ident>"(?:[^"]|"")*"?)
  | (?P<number>\b\d+(?:\.\d+)?\b)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
""", re.VERBOSE)


def highlight_sql(sql: str) -> str:
    """SQL as escaped HTML with ``<span class="k|s|c|n|q">`` around its tokens."""
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(sql):
        out.append(html.escape(sql[pos:m.start()]))
        text = m.group(0)
        kind = m.lastgroup
        cls = {"comment": "c", "string": "s", "ident": "q", "number": "n"}.get(kind or "")
        if kind == "word":
            cls = "k" if text.lower() in _KEYWORDS else None
        out.append(f'<span class="{cls}">{html.escape(text)}</span>' if cls else html.escape(text))
        pos = m.end()
    out.append(html.escape(sql[pos:]))
    return "".join(out)


def highlight_diff(diff: str) -> str:
    lines = []
    for i, line in enumerate(diff.splitlines()):
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
        if line.startswith("@@") or (i < 2 and line.startswith(("--- ", "+++ "))):
            cls = "hunk"  # the file header and the hunk lines
        text = html.escape(line)
        lines.append(f'<span class="{cls}">{text}</span>' if cls else text)
    return "\n".join(lines)


def render_html(
    changes: ChangeSet,
    plan: Plan,
    *,
    generated_at: str,
    pgsd_version: str,
    files: Mapping[str, str] | None = None,
) -> str:
    review = build_review(changes, plan, files=files)
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # nothing may load from anywhere: the report is read offline and from mail
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>pgsd schema review: {e(review.target)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>pgsd schema review</h1>",
        '<dl class="sides">',
        f"<dt>Source (wanted)</dt><dd>{e(review.source)}</dd>",
        f"<dt>Target (changed by the plan)</dt><dd>{e(review.target)}</dd>",
        f"<dt>Changes</dt><dd>{e(review.totals)}</dd>",
        f"<dt>Plan</dt><dd>{e(review.statements)}</dd>",
    ]
    if review.withheld:
        parts.append(f"<dt>Withheld</dt><dd>{review.withheld} statements (--safe: they would lose data)</dd>")
    if review.left_out:
        parts.append(f"<dt>Left out</dt><dd>{review.left_out} changes not selected: the script does not make them</dd>")
    if review.same_meaning:
        parts.append(f"<dt>Textual only</dt><dd>{review.same_meaning} definitions spelled differently</dd>")
    parts.append("</dl></header><main>")
    parts.extend(_counts(review))
    parts.extend(_renames(review))
    parts.extend(_hazards(review))
    parts.append('<section id="coverage"><h2>Coverage</h2><ul>')
    parts.extend(f"<li>{e(n)}</li>" for n in review.notes)
    parts.append("</ul></section>")
    parts.extend(_objects(review))
    parts.append('<section id="script"><h2>The whole script</h2><p>Run on the target.</p>')
    parts.append(f'<pre class="sql">{highlight_sql(review.script or "-- nothing to run")}</pre></section>')
    parts.append(f"</main><footer>pgsd {e(pgsd_version)}, {e(generated_at)}</footer>")
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _counts(review: Review) -> list[str]:
    if not review.counts:
        return ['<section id="counts"><h2>Differences</h2><p>No differences.</p></section>']
    rows = [
        f"<tr><td>{html.escape(kind.replace('_', ' '))}</td><td>{c['added']}</td>"
        f"<td>{c['removed']}</td><td>{c['changed']}</td></tr>"
        for kind, c in review.counts.items()
    ]
    return ['<section id="counts"><h2>Differences</h2><table class="counts">',
            "<thead><tr><th>kind</th><th>added</th><th>removed</th><th>changed</th></tr></thead><tbody>",
            *rows, "</tbody></table></section>"]


def _renames(review: Review) -> list[str]:
    out: list[str] = []
    if review.renames:
        out += [f'<section id="renames"><h2>Renamed by the plan ({len(review.renames)})</h2><ul>',
                *(f"<li>{html.escape(line)}</li>" for line in review.renames), "</ul></section>"]
    if review.rename_candidates:
        out += [f'<section id="rename-candidates"><h2>Possible renames, not taken ({len(review.rename_candidates)})'
                "</h2><p>The plan removes and adds these objects. Decide with <code>--rename OLD=NEW</code>, or "
                "<code>--renames auto</code> for the exact ones.</p><ul>",
                *(f"<li>{html.escape(line)}</li>" for line in review.rename_candidates), "</ul></section>"]
    return out


def _hazards(review: Review) -> list[str]:
    if not review.hazards:
        return ['<section id="hazards"><h2>Hazards</h2><p>No hazards.</p></section>']
    e = html.escape
    rows = [
        f'<tr class="hz-{e(h.hazard)}"><td><code>{e(h.statement)}</code></td><td>{e(h.hazard)}</td>'
        f"<td><code>{e(h.table)}</code></td><td class=\"num\">{e(h.rows)}</td><td class=\"num\">{e(h.size)}</td>"
        f"<td>{e(h.message)}</td></tr>"
        for h in review.hazards
    ]
    return [f'<section id="hazards"><h2>Hazards ({len(review.hazards)})</h2><table class="hazards">',
            "<thead><tr><th>statement</th><th>hazard</th><th>table</th><th>rows</th><th>size</th><th>why</th>"
            "</tr></thead><tbody>", *rows, "</tbody></table></section>"]


def _objects(review: Review) -> list[str]:
    if not review.objects:
        return []
    out = [f'<section id="objects"><h2>Changed objects ({len(review.objects)})</h2>',
           '<div class="controls"><input id="filter" type="search" placeholder="filter: kind, name, status, hazard" '
           'aria-label="filter objects"> <button type="button" id="expand">expand all</button> '
           '<button type="button" id="collapse">collapse all</button> <span id="shown"></span></div>']
    out.extend(_object(o) for o in review.objects)
    out.append("</section>")
    return out


def _object(o: ObjectSection) -> str:
    e = html.escape
    hazards = "".join(f' <span class="hz">{e(h)}</span>' for h in o.hazards)
    body = []
    if o.diff:
        body.append(f'<h4>Definition (target → source)</h4><pre class="diff">{highlight_diff(o.diff)}</pre>')
    if o.ddl:
        body.append(f'<h4>DDL</h4><pre class="sql">{highlight_sql(o.ddl)}</pre>')
    elif o.left_out:
        body.append("<p><em>Left out of this plan (not selected): no statement.</em></p>")
    elif o.status == "changed":
        body.append("<p><em>No statement of its own (planned with another object).</em></p>")
    renamed = f' <span class="renamed">renamed from <code>{e(o.renamed_from)}</code></span>' if o.renamed_from else ""
    if o.labels_renamed:
        renamed += f' <span class="renamed">labels renamed: {e(o.labels_renamed)}</span>'
    if o.left_out:
        renamed += ' <span class="renamed">left out of the plan</span>'
    return (f'<details class="object {e(o.status)}" data-search="{e(o.search_text)}">'
            f'<summary><span class="status">{e(o.status)}</span> <span class="kind">{e(o.kind.replace("_", " "))}'
            f"</span> <code>{e(o.name)}</code>{renamed}{hazards}</summary>{''.join(body)}</details>")


_CSS = """
:root { --fg:#1f2328; --muted:#59636e; --bg:#fff; --line:#d1d9e0; --code:#f6f8fa; --add:#dafbe1; --del:#ffebe9;
  --warn:#9a6700; --bad:#cf222e; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; max-width: 1100px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line);
  padding-bottom: .2rem; margin-top: 1.8rem; } h4 { margin: .8rem 0 .3rem; font-size: .9rem; color: var(--muted); }
dl.sides { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.sides dt { font-weight: 600; } dl.sides dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--code); } td.num { text-align: right; white-space: nowrap; }
table.counts { width: auto; } table.counts td + td { text-align: right; }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
td code { overflow-wrap: break-word; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .7rem; overflow-x: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.k { color: #cf222e; font-weight: 600; } .s { color: #0a3069; } .q { color: #8250df; } .n { color: #0550ae; }
.c { color: var(--muted); font-style: italic; }
.diff .add { background: var(--add); display: inline-block; width: 100%; }
.diff .del { background: var(--del); display: inline-block; width: 100%; } .diff .hunk { color: var(--muted); }
details.object { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
details.object > summary { cursor: pointer; }
.status { display: inline-block; min-width: 4.5rem; font-weight: 600; }
.added .status { color: #1a7f37; } .removed .status { color: var(--bad); } .changed .status { color: var(--warn); }
.kind { color: var(--muted); } .renamed { color: var(--muted); font-size: .9rem; }
.hz { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 1rem; padding: 0 .4rem; font-size: .8rem; }
tr.hz-data-loss td:nth-child(2), tr.hz-fails-if-rows td:nth-child(2) { color: var(--bad); font-weight: 600; }
tr.hz-table-rewrite td:nth-child(2) { color: var(--warn); font-weight: 600; }
.controls { margin: .5rem 0; } #filter { width: 24rem; max-width: 100%; padding: .3rem .5rem; font: inherit; }
#shown { color: var(--muted); font-size: .9rem; }
.only-objects header, .only-objects main > section:not(#objects), .only-objects footer { display: none; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .controls { display: none; }
  details.object { break-inside: avoid; border-color: #999; }
  pre { white-space: pre-wrap; border-color: #999; }
  a { color: inherit; }
}
"""

_JS = """
(function () {
  var objects = Array.prototype.slice.call(document.querySelectorAll('details.object'));
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  function apply() {
    if (!filter) return;
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var n = 0;
    objects.forEach(function (d) {
      var text = d.getAttribute('data-search') || '';
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      d.hidden = !ok;
      if (ok) n++;
    });
    if (shown) shown.textContent = n + ' of ' + objects.length + ' shown';
  }
  if (filter) {
    // report.html#filter=words opens the report filtered (a link can point at a part of it)
    var linked = /[#&]filter=([^&]*)/.exec(window.location.hash);
    if (linked) filter.value = decodeURIComponent(linked[1]);
    filter.addEventListener('input', apply);
  }
  function setAll(open) { objects.forEach(function (d) { if (!d.hidden) d.open = open; }); }
  var expand = document.getElementById('expand'), collapse = document.getElementById('collapse');
  if (expand) expand.addEventListener('click', function () { setAll(true); });
  if (collapse) collapse.addEventListener('click', function () { setAll(false); });
  window.addEventListener('beforeprint', function () { objects.forEach(function (d) { d.open = true; }); });
  apply();
  // report.html#filter=x&open&only: those objects opened, and nothing but the objects
  if (/[#&]open(&|$)/.test(window.location.hash)) setAll(true);
  if (/[#&]only(&|$)/.test(window.location.hash)) document.body.classList.add('only-objects');
})();
"""
