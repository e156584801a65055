"""write_files: many files written atomically in one batch, on real files.

Each file whole or not at all; a failure before the renames changes no destination and
leaves no temp file; temp files never survive an interruption.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgsd.ddl.plan import Plan, Statement
from pgsd.errors import ExportFailed
from pgsd.export import atomic
from pgsd.export.atomic import write_files
from pgsd.export.dump import MANIFEST, DumpFile, dump_files, manifest, write_dump
from pgsd.model.snapshot import Snapshot


def everything(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` (temp files included) with its text."""
    return {str(p.relative_to(directory)): p.read_text(encoding="utf-8")
            for p in sorted(directory.rglob("*")) if p.is_file()}


def temp_files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*.tmp"))


def registered(directory: Path) -> list[str]:
    """Temp files under ``directory`` still registered for removal at exit (other tests' are not ours to judge)."""
    return sorted(str(p) for p in atomic._temp_files if Path(p).is_relative_to(directory.resolve()))


def texts(n: int) -> list[str]:
    # Sizes from empty to several pages; non-ASCII so the encoding is checked too.
    return [f"-- file {i} é ✓\n" + "SELECT 1;\n" * (i * 37 % 2000) for i in range(n)]


def test_many_files_in_two_directories_are_written_exactly(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    contents = [*texts(300), ""]
    paths = [(a if i % 3 else b) / f"{i:04d}.sql" for i in range(len(contents))]
    written = write_files(zip(paths, contents, strict=True))
    assert written == paths
    assert everything(tmp_path) == {str(p.relative_to(tmp_path)): t for p, t in zip(paths, contents, strict=True)}
    assert registered(tmp_path) == []


def test_existing_files_are_replaced_only_with_force_and_keep_their_mode(tmp_path: Path) -> None:
    old = tmp_path / "old.sql"
    old.write_text("old\n")
    os.chmod(old, 0o640)
    new = tmp_path / "new.sql"
    with pytest.raises(ExportFailed, match=r"old\.sql exists, use --force"):
        write_files([(new, "new\n"), (old, "replaced\n")])
    assert everything(tmp_path) == {"old.sql": "old\n"}  # new.sql was written as a temp file only, and removed
    write_files([(new, "new\n"), (old, "replaced\n")], force=True)
    assert everything(tmp_path) == {"new.sql": "new\n", "old.sql": "replaced\n"}
    assert old.stat().st_mode & 0o777 == 0o640


def test_a_directory_midway_changes_nothing(tmp_path: Path) -> None:
    names = [f"{i:03d}.sql" for i in range(200)]
    for name in names[::2]:  # half the destinations hold an earlier version
        (tmp_path / name).write_text(f"earlier {name}\n")
    (tmp_path / names[150]).unlink()
    (tmp_path / names[150]).mkdir()
    before = everything(tmp_path)
    with pytest.raises(ExportFailed, match=rf"{names[150]} is a directory"):
        write_files(((tmp_path / n, f"new {n}\n") for n in names), force=True)
    assert everything(tmp_path) == before
    assert temp_files(tmp_path) == [] and registered(tmp_path) == []


@pytest.mark.parametrize("bad", ["missing directory", "name too long"])
def test_an_unwritable_destination_midway_changes_nothing(tmp_path: Path, bad: str) -> None:
    (tmp_path / "000.sql").write_text("earlier\n")
    before = everything(tmp_path)
    wrong = tmp_path / "missing" / "x.sql" if bad == "missing directory" else tmp_path / ("x" * 250 + ".sql")
    files = [(tmp_path / f"{i:03d}.sql", "new\n") for i in range(100)]
    files.insert(60, (wrong, "never\n"))
    with pytest.raises(ExportFailed, match=r"cannot write .*: (no such file or directory|file name too long)$") as failure:
        write_files(files, force=True)
    assert str(wrong) in str(failure.value)
    assert everything(tmp_path) == before
    assert temp_files(tmp_path) == [] and registered(tmp_path) == []


def test_ctrl_c_while_the_files_are_being_written_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "005.sql").write_text("earlier\n")

    def interrupted() -> Iterator[tuple[Path, str]]:
        for i in range(50):
            yield tmp_path / f"{i:03d}.sql", "new\n"
        assert len(temp_files(tmp_path)) == 50  # written, not yet in place
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_files(interrupted(), force=True)
    assert everything(tmp_path) == {"005.sql": "earlier\n"}
    assert registered(tmp_path) == []


def test_a_failed_fsync_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fsync threads really fsync; one of them then meets an error (EIO, as a failing disk gives).
    real = atomic._fsync_each

    def failing(share, stop) -> None:  # noqa: ANN001 - as _fsync_each
        real(share[:-1], stop)
        raise ExportFailed(f"cannot write {share[-1][2]}: {os.strerror(errno.EIO).lower()}")

    monkeypatch.setattr(atomic, "_fsync_each", failing)
    (tmp_path / "010.sql").write_text("earlier\n")
    with pytest.raises(ExportFailed, match="input/output error"):
        write_files([(tmp_path / f"{i:03d}.sql", "new\n") for i in range(100)], force=True)
    assert everything(tmp_path) == {"010.sql": "earlier\n"}
    assert registered(tmp_path) == []


def test_a_symlink_has_its_target_replaced(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "real.sql"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.sql"
    link.symlink_to(real)
    write_files([(link, "new\n"), (tmp_path / "plain.sql", "plain\n")], force=True)
    assert link.is_symlink() and real.read_text() == "new\n" and (tmp_path / "plain.sql").read_text() == "plain\n"
    assert temp_files(tmp_path) == []


def test_the_same_destination_twice_is_refused_before_anything_moves(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="given twice"):
        write_files([(tmp_path / "a.sql", "1\n"), (tmp_path / "b.sql", "2\n"), (tmp_path / "." / "a.sql", "3\n")])
    assert everything(tmp_path) == {}


def test_nothing_to_write(tmp_path: Path) -> None:
    assert write_files([]) == []


def test_a_dump_that_cannot_be_written_leaves_the_earlier_dump_as_it_was(tmp_path: Path) -> None:
    plan = Plan(statements=tuple(Statement(sql=f"CREATE TABLE s.t{i} (a int)", key=f"table:s.t{i}", action="create")
                                 for i in range(40)))
    files = dump_files(plan, Snapshot(), "by-object")
    assert write_dump(tmp_path, files[:30], "{}\n", title="first") == []
    (tmp_path / files[35].name).mkdir()  # where the second dump wants a file
    before = everything(tmp_path)
    with pytest.raises(ExportFailed, match="is a directory"):
        write_dump(tmp_path, files, '{"files": []}\n', title="second")
    assert everything(tmp_path) == before and before[MANIFEST] == "{}\n"
    assert temp_files(tmp_path) == []


def test_the_manifest_is_json_with_a_line_per_file() -> None:
    files = [DumpFile(name=f"000{i}_table_x.sql", kind="table", schema=schema, object=obj,
                      statements=[Statement(sql="SELECT 1", key="table:x", action="create")] * i)
             for i, (schema, obj) in enumerate([("s", 's."t"'), ("we\nird", "ünï\\cøde"), (None, "x")], start=1)]
    text = manifest(files, source="db ✓", layout="by-object", pgsd_version="9", generated_at="now")
    assert json.loads(text) == {
        "pgsd_dump": 1, "pgsd_version": "9", "generated_at": "now", "source": "db ✓", "layout": "by-object",
        "load": "run the .sql files in lexical order of their names",
        "groups": [{"schema": None, "kind": "table", "files": 1}, {"schema": "s", "kind": "table", "files": 1},
                   {"schema": "we\nird", "kind": "table", "files": 1}],
        "files": [{"file": "0001_table_x.sql", "kind": "table", "schema": "s", "object": 's."t"', "statements": 1},
                  {"file": "0002_table_x.sql", "kind": "table", "schema": "we\nird", "object": "ünï\\cøde",
                   "statements": 2},
                  {"file": "0003_table_x.sql", "kind": "table", "schema": None, "object": "x", "statements": 3}],
    }
    assert [line for line in text.splitlines() if '"file":' in line] == [
        '  {"file": "0001_table_x.sql", "kind": "table", "schema": "s", "object": "s.\\"t\\"", "statements": 1},',
        '  {"file": "0002_table_x.sql", "kind": "table", "schema": "we\\nird", "object": "ünï\\\\cøde", "statements": 2},',
        '  {"file": "0003_table_x.sql", "kind": "table", "schema": null, "object": "x", "statements": 3}',
    ]
    assert text.endswith("\n ]\n}\n")


def test_write_atomic_into_a_missing_directory_leaves_nothing_registered(tmp_path: Path) -> None:
    """The temp file's name is registered before it is made; when it cannot be made, the name goes
    again (it stayed in the exit registry before)."""
    gone = tmp_path / "gone"
    with pytest.raises(ExportFailed):
        atomic.write_atomic(gone / "plan.sql", "SELECT 1;\n")
    assert not [p for p in atomic._temp_files if str(p).startswith(str(gone))]
