"""`pgsd dump` writes its files in one batch: a dump that cannot be written changes nothing.

The shadow server is the test server (``--shadow``), as in test_sql_sides.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgsd.cli.main import main
from tests.pg import PgServer


def _everything(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(directory.iterdir()) if p.is_file()}


def test_a_dump_that_cannot_be_written_leaves_the_earlier_one(tmp_path: Path, pg_server: PgServer, new_db,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    dsn = new_db()
    pg_server.execute(dsn, "CREATE SCHEMA s; " + " ".join(f"CREATE TABLE s.t{i:02d} (a int);" for i in range(30)))
    shadow = ["--shadow", pg_server.admin_dsn]
    out = tmp_path / "dump"
    assert main(["dump", dsn, "--out", str(out), *shadow]) == 0
    first = _everything(out)
    assert len(first) == 32 and "0031_table_s.t29.sql" in first  # the schema, 30 tables, the manifest
    capsys.readouterr()

    # Another table, and the name one of the second dump's files needs is taken by a directory:
    # the second dump fails with one line, and the first one is there as it was (its manifest too).
    pg_server.execute(dsn, "CREATE TABLE s.u (a int); COMMENT ON TABLE s.t00 IS 'changed'")
    (out / "0032_table_s.u.sql").mkdir()
    assert main(["dump", dsn, "--out", str(out), "--force", *shadow]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].endswith("0032_table_s.u.sql is a directory"), err
    assert _everything(out) == first
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["0032_table_s.u.sql"]

    (out / "0032_table_s.u.sql").rmdir()
    assert main(["dump", dsn, "--out", str(out), "--force", *shadow]) == 0
    now = _everything(out)
    assert "COMMENT ON TABLE s.t00 IS 'changed';" in now["0002_table_s.t00.sql"]
    assert "CREATE TABLE s.u" in now["0032_table_s.u.sql"] and len(now) == 33
