"""Round trip on the generated benchmark schema (``bench/gen_schema.py``, issue 20) at a moderate size.

``pgsd dump`` of a database built from the generator, loaded back as a SQL side (a
directory, and the one-file layout), reads the same as the database: ``pgsd diff`` finds
nothing either way. ``bench/sql_side.py`` runs the same round trip at 2,000 tables and
times it (bench/README.md). The shadow server is the test server (``--shadow``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pgsd.cli.main import main
from tests.pg import PgServer

GEN = Path(__file__).resolve().parents[2] / "bench" / "gen_schema.py"
TABLES = 20
ROLES = ("bench_reader", "bench_writer")


def _diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_generated_schema_round_trips_through_dump(pg_server: PgServer, new_db, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    text = subprocess.run([sys.executable, str(GEN), "--tables", str(TABLES)], capture_output=True, text=True,
                          check=True).stdout
    for role in ROLES:  # cluster-wide: made once, whichever test process gets there first
        pg_server.execute(pg_server.admin_dsn, f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
                                               "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
    dsn = new_db()
    pg_server.execute(dsn, text)
    shadow = ["--shadow", pg_server.admin_dsn, "--create-roles"]

    out = tmp_path / "dump"
    assert main(["dump", dsn, "--out", str(out), *shadow]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert len(list(out.glob("*.sql"))) > TABLES * 3  # one file per object: tables, indexes, constraints, ...
    code, report = _diff(capsys, str(out), dsn, *shadow)
    assert code == 0, f"the dump of the generated schema does not load back to the same schema:\n{report}"
    code, report = _diff(capsys, dsn, str(out), *shadow)
    assert code == 0, report

    single = tmp_path / "single"
    assert main(["dump", dsn, "--out", str(single), "--layout", "single", *shadow]) == 0
    capsys.readouterr()
    code, report = _diff(capsys, str(single / "schema.sql"), dsn, *shadow)
    assert code == 0, report
