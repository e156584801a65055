#!/usr/bin/env python3
"""Plans for a fixed corpus of snapshot pairs, written to files, to prove a planner change changes nothing.

Two steps, so that the slow one runs once:

    python scripts/plan_corpus.py snapshots DIR   # needs PostgreSQL: reads every pair into DIR
    python scripts/plan_corpus.py plans DIR OUT   # pure: plans every pair of DIR into OUT
    diff -r OUT_BEFORE OUT_AFTER                  # identical output is the bar

The pairs: every acceptance case (tests/acceptance/cases), every case of the peer corpus
(``--peer``, default ../shared/peer-fixtures/migra), a fixed-seed sample of the property
test's generated schemas (``--property N``) and, with ``--bench N``, bench/gen_schema.py's
N-table base and variant. ``plans`` plans each pair in both directions, with the default
options and with each of safe, concurrently, not_valid, owners and all of them at once,
writes one file per plan (the script, each statement's key, action and reason, what was
withheld, the notes) and prints the planner's time on the largest pair.

``snapshots`` starts the embedded PostgreSQL 18 of the tests, or uses PGSD_TEST_DSN.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = ROOT / "tests" / "acceptance" / "cases"
PEER = ROOT.parent / "shared" / "peer-fixtures" / "migra"
PEER_ROLES = ("postgres", "schemainspect_test_role")
# scope per peer case, as tests/acceptance/test_peer_fixtures.py encodes it
PEER_NO_PRIVILEGES = {"singleschema", "excludeschema", "singleschema_ext", "extversions"}
PEER_EXTENSION_VERSIONS = {"extversions"}
PEER_FILTERS = {
    "singleschema": {"include_schemas": ["goodschema"]},
    "excludeschema": {"exclude_schemas": ["excludedschema"]},
}

VARIANTS = {
    "default": {},
    "safe": {"safe": True},
    "concurrently": {"concurrently": True},
    "not_valid": {"not_valid": True},
    "owners": {"owners": True},
    "all": {"safe": True, "concurrently": True, "not_valid": True, "owners": True},
}


# ---------------------------------------------------------------------------- snapshots


def _pairs(args) -> list[tuple[str, str, str, dict]]:
    """(name, a_sql, b_sql, meta): a is planned as target, b as source (and the reverse)."""
    out = []
    for case in sorted(p.name for p in CASES.iterdir() if p.is_dir()):
        folder = CASES / case
        out.append((f"case-{case}", (folder / "target.sql").read_text(), (folder / "source.sql").read_text(), {}))
    peer = Path(args.peer)
    if peer.is_dir():
        for case in sorted(p.name for p in peer.iterdir() if p.is_dir()):
            def read(name: str, case=case) -> str:
                path = peer / case / name
                return path.read_text(encoding="utf-8") if path.exists() else ""
            meta = {
                "privileges": case not in PEER_NO_PRIVILEGES,
                "extension_versions": case in PEER_EXTENSION_VERSIONS,
                "filters": PEER_FILTERS.get(case, {}),
                "additions": read("additions.sql"),
            }
            out.append((f"peer-{case}", read("a.sql"), read("b.sql"), meta))
    else:
        print(f"no peer corpus at {peer}", file=sys.stderr)
    for i, (a, b) in enumerate(_property_sample(args.property)):
        out.append((f"prop-{i:03d}", a, b, {}))
    if args.bench:
        gen = ROOT / "bench" / "gen_schema.py"
        base = subprocess.run([sys.executable, gen, "--tables", str(args.bench)],
                              capture_output=True, text=True, check=True).stdout
        variant = subprocess.run([sys.executable, gen, "--tables", str(args.bench), "--variant"],
                                 capture_output=True, text=True, check=True).stdout
        out.append((f"bench-{args.bench}", base, variant, {}))
    return out


def _property_sample(n: int) -> list[tuple[str, str]]:
    """The first ``n`` distinct pairs the property test's strategy draws under a fixed seed."""
    if n <= 0:
        return []
    from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: PLC0415

    from tests.acceptance.test_property import schemas  # noqa: PLC0415

    found: list[tuple[str, str]] = []

    @seed(20261202)
    @settings(max_examples=n * 3, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(source_sql=schemas(), target_sql=schemas())
    def collect(source_sql: str, target_sql: str) -> None:
        pair = (target_sql, source_sql)
        if pair not in found and len(found) < n:
            found.append(pair)

    collect()
    return found


def snapshots(args) -> None:
    from pgsd.model.snapshot import Filters  # noqa: PLC0415
    from pgsd.workflow import read_side  # noqa: PLC0415
    from tests.pg import PgServer, ensure_password_role, server_from_env, start_embedded  # noqa: PLC0415

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    handle = None
    base = None
    dsn = server_from_env()
    if not dsn:
        base = Path(tempfile.mkdtemp(prefix="pgsd-corpus-pg-"))
        dsn, handle = start_embedded(base)
    ensure_password_role(dsn)
    pg = PgServer(dsn)
    try:
        for role in PEER_ROLES:
            pg.execute(dsn, f"DO $$ BEGIN CREATE ROLE {role}; "
                            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
        for name, a_sql, b_sql, meta in _pairs(args):
            started = time.perf_counter()
            a_dsn, b_dsn = pg.create_database(), pg.create_database()
            try:
                try:
                    for db, text in ((a_dsn, a_sql), (b_dsn, b_sql), (a_dsn, meta.get("additions", ""))):
                        if text.strip():
                            pg.execute(db, text)
                except Exception as e:  # noqa: BLE001 - a case this server cannot load is left out, and said
                    print(f"{name}: left out, the server cannot load it: {str(e).strip()[:120]}", file=sys.stderr)
                    continue
                filters = Filters(**meta.get("filters", {}))
                folder = out / name
                folder.mkdir(exist_ok=True)
                (folder / "a.json").write_text(read_side(a_dsn, "target", filters=filters).to_json())
                (folder / "b.json").write_text(read_side(b_dsn, "source", filters=filters).to_json())
                meta = {k: v for k, v in meta.items() if k != "additions"}
                (folder / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True))
            finally:
                pg.drop_database(a_dsn)
                pg.drop_database(b_dsn)
            print(f"{name}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    finally:
        if handle is not None:
            handle.cleanup()  # type: ignore[attr-defined]
            shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------------------- plans


def _describe(plan) -> str:
    lines = [plan.to_sql(), "-- statements"]
    lines += [f"{s.action} {s.key} | {s.reason}" for s in plan.statements]
    lines.append("-- withheld")
    lines += [f"{s.action} {s.key} | {s.reason} | {s.sql}" for s in plan.withheld]
    lines.append("-- notes")
    lines += list(plan.notes)
    return "\n".join(lines) + "\n"


def plans(args) -> None:
    from pgsd.ddl.context import PlanOptions  # noqa: PLC0415
    from pgsd.ddl.planner import build_plan  # noqa: PLC0415
    from pgsd.diff.changes import DiffOptions, diff_snapshots  # noqa: PLC0415
    from pgsd.model.snapshot import Snapshot  # noqa: PLC0415

    src_dir, out = Path(args.dir), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    largest: tuple[int, str, object] | None = None
    for folder in sorted(p for p in src_dir.iterdir() if p.is_dir()):
        meta = json.loads((folder / "meta.json").read_text())
        a = Snapshot.from_json((folder / "a.json").read_text())
        b = Snapshot.from_json((folder / "b.json").read_text())
        for direction, (source, target) in (("forward", (b, a)), ("backward", (a, b))):
            for variant, flags in VARIANTS.items():
                diff_options = DiffOptions(privileges=meta.get("privileges", True),
                                           extension_versions=meta.get("extension_versions", True),
                                           owners=flags.get("owners", False))
                plan_options = PlanOptions(extension_versions=meta.get("extension_versions", True), **flags)
                cs = diff_snapshots(source=source, target=target, options=diff_options)
                plan = build_plan(cs, plan_options)
                (out / f"{folder.name}.{direction}.{variant}.txt").write_text(_describe(plan))
                count += 1
                if variant == "default" and (largest is None or len(cs.changes) > largest[0]):
                    largest = (len(cs.changes), f"{folder.name} {direction}", cs)
        # selections: each change alone in the default options, forward (the app's path)
        versions = meta.get("extension_versions", True)
        cs = diff_snapshots(source=b, target=a,
                            options=DiffOptions(privileges=meta.get("privileges", True), extension_versions=versions))
        if len(cs.changes) <= 200:
            picks = [c.key for c in cs.changes if not c.same_meaning]
            with (out / f"{folder.name}.selections.txt").open("w") as f:
                for key in picks:
                    f.write(f"=== {key}\n")
                    f.write(_describe(build_plan(cs, PlanOptions(extension_versions=versions), selected={key})))
                    count += 1
    print(f"{count} plans written to {out}")
    if largest is not None and args.time:
        _, where, cs = largest
        times = []
        for _ in range(args.time):
            started = time.process_time()  # CPU time: less at the mercy of other work on the machine
            build_plan(cs)  # type: ignore[arg-type]
            times.append(time.process_time() - started)
        times.sort()
        print(f"planner on {where} ({largest[0]} changes), {len(times)} runs, CPU time: "
              f"median {times[len(times) // 2] * 1000:.1f} ms, min {times[0] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    s = sub.add_parser("snapshots", help="read every pair into DIR (needs PostgreSQL)")
    s.add_argument("dir")
    s.add_argument("--peer", default=os.environ.get("PGSD_PEER_FIXTURES", str(PEER)))
    s.add_argument("--property", type=int, default=40, help="pairs drawn from the property test's strategy")
    s.add_argument("--bench", type=int, default=0, help="also bench/gen_schema.py's N-table pair")
    p = sub.add_parser("plans", help="plan every pair of DIR into OUT")
    p.add_argument("dir")
    p.add_argument("out")
    p.add_argument("--time", type=int, default=0, help="time the planner this many times on the largest pair")
    args = parser.parse_args()
    snapshots(args) if args.step == "snapshots" else plans(args)


if __name__ == "__main__":
    main()
