"""The ~/.pgpass line pgsd writes for a profile (pure file handling, no database)."""

from __future__ import annotations

import stat

from pgsd.profiles.pgpass import masked_line, pgpass_line, write_pgpass_line
from pgsd.profiles.store import Profile


def test_line_escapes_and_defaults() -> None:
    p = Profile(name="local", dbname="shop")
    assert pgpass_line(p, "a:b\\c") == "localhost:5432:shop:*:a\\:b\\\\c"
    assert masked_line(p) == "localhost:5432:shop:*:…"


def test_write_replaces_the_same_server_line_and_keeps_the_others(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / ".pgpass"
    path.write_text("# mine\nother:5432:*:me:keep\ndb1:5432:shop:app:old\n")
    p = Profile(name="prod", host="db1", port=5432, dbname="shop", user="app")
    write_pgpass_line(p, "new", path)
    assert path.read_text() == "# mine\nother:5432:*:me:keep\ndb1:5432:shop:app:new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
