"""Export without a database: atomic writes that never leave half a file, and the three formats."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pgsd.ddl.context import PlanOptions
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.errors import ExportFailed
from pgsd.export import JSON_FORMAT_VERSION, check_writable, render, write_atomic
from pgsd.export.render import coverage_line, plural
from pgsd.model.objects import Column, Schema, Table
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot

NOW = "2026-01-02T03:04:05+00:00"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- write_atomic


def test_write_new_file(tmp_path: Path):
    path = tmp_path / "m.sql"
    assert write_atomic(path, "SELECT 1;\n") == path
    assert path.read_text() == "SELECT 1;\n"
    assert leftovers(tmp_path) == []


def test_existing_file_is_replaced_only_with_force(tmp_path: Path):
    path = tmp_path / "m.sql"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    with pytest.raises(ExportFailed, match="exists, use --force"):
        write_atomic(path, "new\n")
    with pytest.raises(ExportFailed, match="exists, use --force"):
        check_writable(path)
    assert path.read_text() == "old\n"
    write_atomic(path, "new\n", force=True)
    assert path.read_text() == "new\n"
    assert (path.stat().st_mode & 0o777) == 0o640  # the replaced file keeps its mode
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_mid_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str):
    path = tmp_path / "m.sql"
    path.write_text("the reviewed migration\n")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, no_space)
    with pytest.raises(ExportFailed) as err:
        write_atomic(path, "x" * 100_000, force=True)
    assert "no space left on device" in str(err.value) and "\n" not in str(err.value)
    assert path.read_text() == "the reviewed migration\n"
    assert leftovers(tmp_path) == []


def test_failure_of_a_new_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "link", denied)  # EACCES is not "no hard links here": no fallback
    with pytest.raises(ExportFailed, match="permission denied"):
        write_atomic(tmp_path / "new.sql", "SELECT 1;\n")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_mid_write_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "m.sql"
    path.write_text("old\n")

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n", force=True)
    assert path.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_a_stop_right_after_the_temp_file_is_created_removes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The signal lands after ``os.open`` made the file and before its descriptor is kept (the
    moment a user's Ctrl-C meets when they press it as the write starts): nothing is left."""
    path = tmp_path / "m.sql"
    path.write_text("old\n")
    real_open = os.open

    def open_then_stop(name, flags, mode=0o777):  # noqa: ANN001
        os.close(real_open(name, flags, mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_stop)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n", force=True)
    monkeypatch.undo()
    assert path.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_file_systems_without_hard_links_still_refuse_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def unsupported(*args, **kwargs):
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", unsupported)
    path = tmp_path / "m.sql"
    write_atomic(path, "one\n")
    assert path.read_text() == "one\n"
    assert leftovers(tmp_path) == []


def test_symlink_target_is_replaced_not_the_link(tmp_path: Path):
    real = tmp_path / "real.sql"
    real.write_text("old\n")
    link = tmp_path / "link.sql"
    link.symlink_to(real)
    write_atomic(link, "new\n", force=True)
    assert link.is_symlink() and real.read_text() == "new\n"


def test_unwritable_destinations(tmp_path: Path):
    with pytest.raises(ExportFailed, match="does not exist"):
        check_writable(tmp_path / "missing" / "m.sql")
    with pytest.raises(ExportFailed, match=r"No such file|no such file"):
        write_atomic(tmp_path / "missing" / "m.sql", "x")
    with pytest.raises(ExportFailed, match="is a directory"):
        write_atomic(tmp_path, "x", force=True)


# --------------------------------------------------------------------------- formats


def server(version: str = "16.2", num: int = 160002) -> ServerInfo:
    return ServerInfo(version=version, version_num=num, current_user="u", current_database="d",
                      is_superuser=True, in_recovery=False, encoding="UTF8", can_create_in_database=True)


def snapshot(objects, origin: str, **kw) -> Snapshot:
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), origin=origin, server=server(), **kw)


def pair(**source_kw):
    shop = Schema(name="shop")
    orders = Table(schema_name="shop", name="orders")
    cols = [Column(schema_name="shop", table="orders", name="id", type="integer", position=1),
            Column(schema_name="shop", table="orders", name="note", type="text", position=2)]
    old = Table(schema_name="shop", name="old")
    old_col = Column(schema_name="shop", table="old", name="x", type="integer", position=1)
    source = snapshot([shop, orders, *cols], "postgresql://app@src:5432/shop", **source_kw)
    target = snapshot([shop, orders, cols[0], old, old_col], "postgresql://app@tgt:5432/shop")
    return source, target


def outputs(fmt: str, safe: bool = False, **source_kw) -> str:
    source, target = pair(**source_kw)
    changes = diff_snapshots(source=source, target=target)
    plan = build_plan(changes, PlanOptions(safe=safe))
    return render(fmt, changes, plan, generated_at=NOW, pgsd_version="9.9.9")


def test_sql_header_names_both_sides_versions_time_and_hazards():
    text = outputs("sql")
    header = [line for line in text.splitlines() if line.startswith("--")]
    joined = "\n".join(header)
    for expected in ("pgsd 9.9.9", NOW, "postgresql://app@src:5432/shop (PostgreSQL 16.2)",
                     "postgresql://app@tgt:5432/shop", "data-loss", "run on:     the target"):
        assert expected in joined
    assert "ALTER TABLE shop.orders ADD COLUMN note text;" in text
    assert "DROP TABLE shop.old;" in text
    assert outputs("sql") == text  # same inputs, same bytes


def test_safe_lists_withheld_statements_as_comments_only():
    text = outputs("sql", safe=True)
    statements = [line for line in text.splitlines() if line and not line.startswith("--")]
    assert not any("DROP TABLE" in line for line in statements)
    assert "--   DROP TABLE shop.old;" in text


def test_a_newline_in_a_snapshot_origin_cannot_become_a_statement():
    source, _target = pair()
    evil = source.model_copy(update={"origin": "x\nDROP DATABASE prod;\n--", "warnings": ("a\nDROP ROLE x;",)})
    changes = diff_snapshots(source=evil, target=evil)
    text = render("sql", changes, build_plan(changes), generated_at=NOW, pgsd_version="1")
    assert all(line.startswith("--") or not line for line in text.splitlines())


def test_identical_sides_print_no_statement():
    source, _ = pair()
    changes = diff_snapshots(source=source, target=source)
    text = render("sql", changes, build_plan(changes), generated_at=NOW, pgsd_version="1")
    assert all(line.startswith("--") or not line for line in text.splitlines())
    assert "no differences" in text


def test_summary_counts_per_kind_and_coverage():
    text = outputs("summary", not_compared={"operator": 3, "cast": 1})
    assert "differences: 1 added, 2 removed, 0 changed" in text
    assert any(line.split()[:4] == ["column", "1", "1", "0"] for line in text.splitlines())
    assert "plan:" in text and "data-loss" in text
    assert "source: not compared: 1 cast, 3 operators" in text


def test_json_is_versioned_and_complete():
    doc = json.loads(outputs("json", safe=True))
    assert doc["format_version"] == JSON_FORMAT_VERSION == 1
    assert doc["differences"] is True and doc["generated_at"] == NOW
    assert doc["source"]["server_version"] == "16.2" and doc["target"]["origin"].startswith("postgresql://app@tgt")
    change = next(c for c in doc["changes"] if c["key"] == "table:shop.old")
    assert change == {"key": "table:shop.old", "kind": "table", "status": "removed", "textual_only": False, "fields": []}
    statement = doc["plan"]["statements"][0]
    assert set(statement) == {"sql", "key", "action", "reason", "transactional", "hazards", "creates", "drops"}
    assert any("DROP TABLE" in s["sql"] for s in doc["plan"]["withheld"])
    assert doc["counts"]["column"] == {"added": 1, "removed": 1, "changed": 0}


def test_coverage_wording():
    assert plural(3, "operator_class") == "3 operator classes"
    assert plural(1, "operator") == "1 operator"
    assert plural(2, "text search dictionary") == "2 text search dictionaries"
    assert coverage_line(Snapshot()) is None


def test_export_and_profiles_import_no_ui_and_export_no_driver():
    code = (
        "import sys, pgsd.export, pgsd.profiles, pgsd.profiles.resolve, pgsd.cli.main\n"
        "pgsd.cli.main.build_parser()\n"
        "print(','.join(m for m in ('textual', 'keyring') if m in sys.modules))\n"
        "import pgsd.export as e; print(sorted(m for m in sys.modules if m.startswith('pgsd.export')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == ""  # no Textual, and keyring only when a password is needed
    code = "import sys, pgsd.export\nprint(','.join(m for m in ('textual', 'psycopg', 'keyring') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == ""
