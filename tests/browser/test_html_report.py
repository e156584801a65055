"""The HTML report of the demo comparison in a real browser (Debian's headless chromium):
the DOM it builds is the one we wrote (hostile names stay text, our script runs, the
filter works), it prints, and it renders to a picture. Skipped, with the reason, when
/usr/bin/chromium is not installed (``apt-get install chromium``)."""

from __future__ import annotations

import os
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pgsd import workflow
from pgsd.catalog.inspect import inspect_database
from pgsd.connect import ConnectionSpec, SidePool
from pgsd.export import render
from pgsd.model.snapshot import Snapshot

CHROMIUM = Path(os.environ.get("PGSD_CHROMIUM", "/usr/bin/chromium"))
DEMO_SQL = Path(__file__).resolve().parents[2] / "pgsd" / "demo" / "sql"
HOSTILE = "</details><script>document.title='owned'</script>"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium): no browser check"
)


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def snap(dsn: str) -> Snapshot:
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        return inspect_database(pool)


@pytest.fixture
def demo_report(pg_server, new_db, tmp_path) -> tuple[Path, int]:
    """The demo's HTML report (shop_v2 wanted, shop_v1 changed) and its number of objects."""
    source, target = new_db(), new_db()
    pg_server.execute(source, (DEMO_SQL / "shop_v2.sql").read_text())
    pg_server.execute(source, f'CREATE TABLE shop."{HOSTILE.replace(chr(34), chr(34) * 2)}" (id int)')
    pg_server.execute(target, (DEMO_SQL / "shop_v1.sql").read_text())
    pg_server.execute(target, "ANALYZE")
    changes = workflow.compare(snap(source), snap(target))
    plan = workflow.plan(changes)
    path = tmp_path / "report.html"
    path.write_text(render("html", changes, plan, generated_at="2026-01-02T03:04:05+00:00", pgsd_version="t"))
    return path, sum(1 for c in changes.changes if not c.same_meaning)


class _Dom(HTMLParser):
    """What the browser serialised: the title, the objects and which are hidden, the counter."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.objects: list[dict[str, str | None]] = []
        self.scripts = 0
        self.shown = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "details" and "object" in (a.get("class") or ""):
            self.objects.append(a)
        if tag == "script":
            self.scripts += 1
        if tag == "title" or a.get("id") == "shown":
            self._in = "title" if tag == "title" else "shown"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "shown":
            self.shown += data


def dump(profile: Path, url: str) -> _Dom:
    done = chromium(profile, "--virtual-time-budget=2000", "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Dom()
    dom.feed(done.stdout)
    return dom


def test_demo_report_in_headless_chromium(demo_report, tmp_path):
    path, objects = demo_report
    profile = tmp_path / "profile"
    dom = dump(profile, path.as_uri())
    assert dom.title.startswith("pgsd schema review") and "owned" not in dom.title  # the name stayed text
    assert dom.scripts == 1
    assert len(dom.objects) == objects > 40
    assert dom.shown == f"{objects} of {objects} shown"  # our script ran
    assert not any("hidden" in o for o in dom.objects)
    # the filter box, given by the link: only the removed objects stay visible
    filtered = dump(profile, path.as_uri() + "#filter=removed")
    visible = [o for o in filtered.objects if "hidden" not in o]
    assert visible and all("removed" in (o.get("data-search") or "") for o in visible)
    assert filtered.shown == f"{len(visible)} of {objects} shown" and len(visible) < objects
    # it prints (objects opened before printing) and renders to a picture
    pdf = tmp_path / "report.pdf"
    printed = chromium(profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    assert printed.returncode == 0 and pdf.read_bytes().startswith(b"%PDF"), printed.stderr[-2000:]
    png = tmp_path / "report.png"
    shot = chromium(profile, "--window-size=1200,1500", f"--screenshot={png}", path.as_uri())
    data = png.read_bytes()
    assert shot.returncode == 0 and data.startswith(b"\x89PNG"), shot.stderr[-2000:]
    assert struct.unpack(">II", data[16:24]) == (1200, 1500)


def test_renamed_objects_in_headless_chromium(tmp_path):
    """Renames (one from a hostile name) as the browser builds them: the name stays text, and
    ``#filter=renamed`` keeps exactly the objects the plan renames."""
    from tests.unit.test_reports_renames import _render_all  # noqa: PLC0415 - the same report as the unit test's

    path = tmp_path / "renames.html"
    path.write_text(_render_all()["html"])
    profile = tmp_path / "profile"
    dom = dump(profile, path.as_uri())
    assert dom.scripts == 1 and dom.title.startswith("pgsd schema review")
    renamed = dump(profile, path.as_uri() + "#filter=renamed")
    visible = [o.get("data-search") or "" for o in renamed.objects if "hidden" not in o]
    assert sorted(v.split(" ", 2)[1] for v in visible) == ["s.client", "s.mood"], visible
    assert renamed.shown == f"2 of {len(dom.objects)} shown"
