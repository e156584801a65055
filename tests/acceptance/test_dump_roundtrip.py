"""Round trip: `pgsd dump` a database, load the directory as a SQL side, diff with the original: nothing.

On the demo schemas, pgsd's acceptance cases (both files) and a sample of the peer
corpus. The case's own SQL file, loaded as a SQL side, must also read the same as the
database it built (the loader runs what psql would). The shadow server is the test
server (``--shadow``).
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgsd.cli.main import main
from tests.acceptance.test_peer_fixtures import CORPUS, _ensure_roles
from tests.pg import PgServer

CASES = Path(__file__).parent / "cases"
DEMO = Path(__file__).resolve().parents[2] / "pgsd" / "demo" / "sql"
PEER_SAMPLE = ("dependencies", "enumdeps", "everything", "generated", "identitycols", "inherit", "partitioning",
               "privileges", "rls", "triggers")


def _sql_files() -> list[tuple[str, Path]]:
    files = [(f"demo/{p.name}", p) for p in sorted(DEMO.glob("*.sql"))]
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        files += [(f"{case.name}/{n}", case / n) for n in ("source.sql", "target.sql")]
    for case in PEER_SAMPLE:
        files += [(f"peer/{case}/{n}", CORPUS / case / n) for n in ("a.sql", "b.sql")]
    return files


def _diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(("name", "path"), _sql_files(), ids=[n for n, _ in _sql_files()])
def test_dump_loads_back_to_the_same_schema(name: str, path: Path, pg_server: PgServer, new_db, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not here (the peer corpus sits in ../shared in pgsd's CI layout)")
    text = path.read_text(encoding="utf-8")
    if name.startswith("peer/"):
        _ensure_roles(pg_server)
    dsn = new_db()
    try:
        if text.strip():
            pg_server.execute(dsn, text)
    except (psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFile) as e:
        pytest.skip(f"this server cannot load {name}: {str(e).strip()}")
    shadow = ["--shadow", pg_server.admin_dsn, "--create-roles"]
    out = tmp_path / "dump"
    assert main(["dump", dsn, "--out", str(out), *shadow]) == 0, capsys.readouterr().err
    capsys.readouterr()
    files = sorted(p.name for p in out.iterdir())
    manifest = json.loads((out / "pgsd-dump.json").read_text())
    assert [f["file"] for f in manifest["files"]] == [f for f in files if f.endswith(".sql")]

    code, report = _diff(capsys, str(out), dsn, *shadow)
    assert code == 0, f"the dump of {name} does not load back to the same schema:\n{report}"
    code, report = _diff(capsys, dsn, str(out), *shadow)
    assert code == 0, report

    # the case's own file, loaded as a SQL side, reads as the database it built
    code, report = _diff(capsys, str(path), dsn, *shadow)
    assert code == 0, f"{name} loaded as a SQL side differs from the database it built:\n{report}"

    if not name.startswith(("demo/", "peer/everything")):
        return  # (time) the one-file layout holds the same statements in the same order
    single = tmp_path / "single"
    assert main(["dump", dsn, "--out", str(single), "--layout", "single", *shadow]) == 0
    capsys.readouterr()
    code, report = _diff(capsys, str(single / "schema.sql"), dsn, *shadow)
    assert code == 0, report
