"""SQL sides on a real server: loading order and retries, errors with file:line, roles, git revisions.

The shadow server is the test server (``--shadow``), so these tests never start the
embedded demo server; test_scratch.py covers that one.
"""

from __future__ import annotations

import itertools
import subprocess
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from pgsd import errors
from pgsd.cli.main import main
from pgsd.workflow import compare, read_sides
from pgsd.workflow.read import CancelToken
from pgsd.workflow.scratch import choose_place, find_bindir, scratch_database
from pgsd.workflow.sides import ShadowChoice, SqlSide, parse_side
from pgsd.workflow.sqlside import SqlLoadFailed
from tests.pg import PgServer


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def left_behind(monkeypatch: pytest.MonkeyPatch) -> Callable[[PgServer], set[str]]:
    """The throwaway databases this test made that are still on the server.

    Tests on other workers make theirs on the same server at the same moment, so a list
    of all of them taken before and after can differ without any leak: this test's
    names carry a mark of their own instead of pgsd's random suffix.
    """
    mark = f"t{uuid.uuid4().hex[:8]}"
    made = itertools.count()
    monkeypatch.setattr("pgsd.workflow.scratch.secrets",
                        SimpleNamespace(token_hex=lambda _nbytes=None: f"{mark}_{next(made)}"))

    def still_there(pg_server: PgServer) -> set[str]:
        with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
            return {r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                               (f"pgsd_scratch_%{mark}%",))}

    return still_there


def test_directory_loads_out_of_order_and_matches_the_database(tmp_path: Path, pg_server: PgServer,
                                                                new_db, left_behind) -> None:
    # lexical order: the view (a/) before its table (b/), a function before its schema
    schema = _write(tmp_path / "schema", {
        "a/view.sql": "CREATE VIEW shop.v AS SELECT id, shop.twice(id) AS t FROM shop.orders;\n",
        "b/tables.sql": "CREATE TABLE shop.orders (id int PRIMARY KEY, note text DEFAULT 'a;b');\n",
        "b/00_fn.sql": "CREATE FUNCTION shop.twice(x int) RETURNS int LANGUAGE sql IMMUTABLE\n"
                       "BEGIN ATOMIC SELECT x * 2; END;\n",
        "0_schema.sql": "-- the schema\nCREATE SCHEMA shop;\n",
        "notes.txt": "not SQL: ignored",
    })
    dsn = new_db()
    pg_server.execute(dsn, "CREATE SCHEMA shop; CREATE TABLE shop.orders (id int PRIMARY KEY, note text DEFAULT 'a;b');"
                      "CREATE FUNCTION shop.twice(x int) RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT x * 2; END;"
                      "CREATE VIEW shop.v AS SELECT id, shop.twice(id) AS t FROM shop.orders;")
    loaded = read_sides({"source": parse_side(str(schema)), "target": parse_side(dsn)},
                        shadow=ShadowChoice(dsn=pg_server.admin_dsn))
    src = loaded.snapshots["source"]
    assert src.origin.startswith(f"SQL directory {schema}, parsed by shadow server ")
    assert src.get("view:shop.v") is not None
    assert compare(src, loaded.snapshots["target"]).is_empty
    assert left_behind(pg_server) == set()  # the shadow database is gone


def test_statements_that_never_load_are_listed_with_file_and_line(tmp_path: Path, pg_server: PgServer,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 left_behind) -> None:
    schema = _write(tmp_path / "s", {
        "1.sql": "CREATE TABLE ok (a int);\n\nCREATE VIEW v AS SELECT * FROM missing;\n",
        "2.sql": "CREATE TABLE ok2 (a int);\nCREATE TABLE bad (a nosuchtype);\nCREATE TABEL typo (a int);\n",
    })
    code = main(["snapshot", str(schema), "--shadow", pg_server.admin_dsn])
    err = capsys.readouterr().err
    assert code == 2
    assert "3 statements did not load" in err
    assert f"{schema}/1.sql:3: relation \"missing\" does not exist" in err
    assert f"{schema}/2.sql:2: type \"nosuchtype\" does not exist" in err
    assert f"{schema}/2.sql:3: syntax error at or near \"TABEL\"" in err
    assert "Traceback" not in err
    assert left_behind(pg_server) == set()


def test_include_meta_commands_are_refused_and_others_reported(tmp_path: Path, pg_server: PgServer,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    one = _write(tmp_path, {"one.sql": "\\set ON_ERROR_STOP on\nCREATE TABLE a (x int);\n\\i two.sql\n"})
    assert main(["snapshot", str(one / "one.sql"), "--shadow", pg_server.admin_dsn]) == 2
    err = capsys.readouterr().err
    assert "one.sql:3: psql meta-command \\i is not run" in err
    _write(tmp_path, {"one.sql": "\\set ON_ERROR_STOP on\nCREATE TABLE a (x int);\n"})
    assert main(["snapshot", str(one / "one.sql"), "--shadow", pg_server.admin_dsn]) == 0
    assert "one.sql:1: psql meta-command \\set is not run" in capsys.readouterr().err


def test_meta_commands_psql_would_load_otherwise_are_refused_and_a_pg_dump_file_loads(
        tmp_path: Path, pg_server: PgServer, capsys: pytest.CaptureFixture[str]) -> None:
    """``\\if`` decides what psql loads: refused, nothing runs. A file as pg_dump writes it now
    (``\\restrict`` lines), with a command inside a statement, loads as psql would load it."""
    branchy = _write(tmp_path / "branchy", {"a.sql": "CREATE TABLE a (x int);\n\\if :extras\n"
                                                       "CREATE TABLE b (y int);\n\\endif\n"})
    assert main(["snapshot", str(branchy), "--shadow", pg_server.admin_dsn]) == 2
    err = capsys.readouterr().err
    assert "a.sql:2: psql meta-command \\if is not run" in err and "a.sql:4: psql meta-command \\endif" in err
    assert "Traceback" not in err
    dumped = _write(tmp_path / "dumped", {"schema.sql": (
        "\\restrict kZ2rYxLq\nSET statement_timeout = 0;\nCREATE TABLE public.t (\n    a integer\n"
        "\\echo half way\n);\n\\unrestrict kZ2rYxLq\n")})
    assert main(["snapshot", str(dumped), "--shadow", pg_server.admin_dsn]) == 0
    out, err = capsys.readouterr()
    assert '"table:public.t"' in out
    assert "schema.sql:1: psql meta-command \\restrict is not run" in err
    assert "schema.sql:5: psql meta-command \\echo is not run" in err


def test_a_refused_meta_command_is_the_error_even_when_the_shadow_server_cannot_start(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the files are split while the server starts: the user's file is still the error they see
    one = _write(tmp_path, {"one.sql": "CREATE TABLE a (x int);\n\\i two.sql\n"})
    nowhere = f"postgresql://pgsd@/postgres?host={tmp_path / 'no-socket-here'}&connect_timeout=2"
    assert main(["snapshot", str(one / "one.sql"), "--shadow", nowhere]) == 2
    err = capsys.readouterr().err
    assert "one.sql:2: psql meta-command \\i is not run" in err
    assert "Traceback" not in err


def test_missing_roles_are_named_and_created_only_when_asked(tmp_path: Path, pg_server: PgServer,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    role = f"pgsd_reader_{uuid.uuid4().hex[:8]}"
    sql_file = _write(tmp_path, {"g.sql": f"CREATE TABLE t (a int);\nGRANT SELECT ON t TO {role};\n"}) / "g.sql"
    try:
        assert main(["snapshot", str(sql_file), "--shadow", pg_server.admin_dsn]) == 2
        err = capsys.readouterr().err
        assert "roles that do not exist on server " in err and role in err and "--create-roles" in err
        assert main(["snapshot", str(sql_file), "--shadow", pg_server.admin_dsn, "--create-roles"]) == 0
        out, err = capsys.readouterr()
        assert f"created role {role} (NOLOGIN)" in err
        assert f"{role}=r" in out
        with psycopg.connect(pg_server.admin_dsn) as conn:
            row = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        assert row == (False,)
    finally:
        pg_server.execute(pg_server.admin_dsn, f"DROP ROLE IF EXISTS {role}")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"},
                          ).stdout


def test_git_revision_against_the_working_tree(tmp_path: Path, pg_server: PgServer,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _write(repo, {"schema/01_shop.sql": "CREATE SCHEMA shop;\n",
                  "schema/02_orders.sql": "CREATE TABLE shop.orders (id int PRIMARY KEY);\n"})
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "v1")
    _write(repo, {"schema/02_orders.sql": "CREATE TABLE shop.orders (id int PRIMARY KEY, note text);\n"})
    _git(repo, "commit", "-qam", "v2")
    _write(repo, {"schema/03_items.sql": "CREATE TABLE shop.items (id int);\n"})  # not committed
    monkeypatch.chdir(repo)
    shadow = ["--shadow", pg_server.admin_dsn]

    # what the last commit changed: HEAD~1 is the database to change
    assert main(["diff", "git:HEAD:schema/", "git:HEAD~1:schema/", *shadow]) == 1
    out = capsys.readouterr().out
    assert "ALTER TABLE shop.orders ADD COLUMN note text;" in out
    assert "-- source:     SQL schema/ at git revision HEAD, parsed by shadow server" in out
    assert "items" not in out
    # the working tree against the last commit: only the uncommitted file
    assert main(["diff", "schema/", "git:HEAD:schema/", *shadow]) == 1
    out = capsys.readouterr().out
    assert "CREATE TABLE shop.items" in out and "note" not in out
    # one file at a revision, and a subdirectory seen from inside it
    monkeypatch.chdir(repo / "schema")
    assert main(["diff", "git:HEAD~1:", "git:HEAD~1:../schema", *shadow]) == 0
    capsys.readouterr()
    assert main(["snapshot", "git:HEAD:01_shop.sql", *shadow]) == 0
    out = capsys.readouterr().out
    assert '"name": "shop"' in out and "orders" not in out
    # the working tree was never touched
    assert (repo / "schema/02_orders.sql").read_text().endswith("note text);\n")
    assert _git(repo, "status", "--porcelain").strip() == "?? schema/03_items.sql"


def test_git_errors_are_one_line(tmp_path: Path, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["snapshot", "git:HEAD:schema/", "--shadow", pg_server.admin_dsn]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("pgsd: error: cannot read git:HEAD:schema/: not a git repository"), err
    assert len(err.splitlines()) == 1
    _git(tmp_path, "init", "-q")
    assert main(["snapshot", "git:nope:schema/", "--shadow", pg_server.admin_dsn]) == 2
    assert "'nope' is not a revision" in capsys.readouterr().err


def test_empty_or_missing_directories_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(errors.PgsdError, match=r"holds no \.sql files"):
        read_sides({"source": SqlSide(kind="dir", path=str(tmp_path / "empty"))})
    with pytest.raises(SqlLoadFailed, match="does not exist"):
        read_sides({"source": SqlSide(kind="file", path=str(tmp_path / "nope.sql"))})


def test_dump_directory_rules(tmp_path: Path, pg_server: PgServer, new_db,
                              capsys: pytest.CaptureFixture[str]) -> None:
    dsn = new_db()
    pg_server.execute(dsn, 'CREATE SCHEMA "we/ird"; CREATE TABLE "we/ird"."../t" (a int); CREATE TABLE "we/ird".gone (a int);')
    shadow = ["--shadow", pg_server.admin_dsn]
    out = tmp_path / "dump"
    assert main(["dump", dsn, "--out", str(out), *shadow]) == 0
    first = sorted(p.name for p in out.iterdir())
    assert first == ["0001_schema_we_ird.sql", "0002_table_we_ird_.___t.sql", "0003_table_we_ird_.gone.sql",
                     "pgsd-dump.json"]
    capsys.readouterr()

    # a non-empty directory needs --force; nothing is written meanwhile
    (out / "mine.sql").write_text("-- the user's own file\n")
    assert main(["dump", dsn, "--out", str(out), *shadow]) == 2
    assert "is not empty: use --force" in capsys.readouterr().err

    # --force: the dropped table's file goes (it was pgsd's), the user's file stays
    pg_server.execute(dsn, 'DROP TABLE "we/ird".gone')
    assert main(["dump", dsn, "--out", str(out), "--force", *shadow]) == 0
    assert "removed 1 left from an earlier dump" in capsys.readouterr().err
    now = sorted(p.name for p in out.iterdir())
    assert "mine.sql" in now and not any("gone" in n for n in now) and len(now) == 4

    # a file where the directory should be
    (tmp_path / "file").write_text("x")
    assert main(["dump", dsn, "--out", str(tmp_path / "file"), *shadow]) == 2
    assert "is not a directory" in capsys.readouterr().err


@pytest.mark.skipif(find_bindir(15) is None, reason="no PostgreSQL 15 binaries on this machine")
def test_a_warning_when_another_major_version_parsed_the_sql(tmp_path: Path, pg_server: PgServer,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    sql_file = _write(tmp_path, {"t.sql": "CREATE TABLE t (id int PRIMARY KEY);\n"}) / "t.sql"
    shadow_major = pg_server.version_num // 10000
    with scratch_database(choose_place(dsn=None, major=15), purpose="pg15") as db:
        with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
            conn.execute("CREATE TABLE t (id int PRIMARY KEY)")
        code = main(["diff", str(sql_file), db.spec.conninfo(), "--shadow", pg_server.admin_dsn])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert f"(PostgreSQL {shadow_major}." in out.splitlines()[2]
    warning = (f"warning: the source SQL was parsed by PostgreSQL {shadow_major}, the target is PostgreSQL 15: "
               "give --shadow DSN of a PostgreSQL 15 server for an exact match")
    assert (warning in err) == (shadow_major != 15)


def test_every_missing_role_is_named_at_once_and_created_first(tmp_path: Path, pg_server: PgServer,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Roles read from the statements: a grant to two missing roles names both (running it names
    only the first), hostile names included; one only a DO block names is still found by running it."""
    tag = uuid.uuid4().hex[:8]
    owner, reader, odd, hidden = f"own_{tag}", f"read_{tag}", f'Odd "{tag}"\n\\! x', f'hid"den_{tag}'
    quoted_odd = '"' + odd.replace('"', '""') + '"'
    quoted_hidden = hidden.replace('"', '""').replace("'", "''")
    files = {f"t{i}.sql": f"CREATE TABLE t{i} (a int);\nALTER TABLE t{i} OWNER TO {owner};\n"
                          f"GRANT SELECT ON t{i} TO {reader}, {quoted_odd};\n" for i in range(30)}
    files["z.sql"] = f"DO $$ BEGIN EXECUTE 'GRANT SELECT ON t0 TO \"{quoted_hidden}\"'; END $$;\n"
    schema = _write(tmp_path, files)
    try:
        assert main(["snapshot", str(schema), "--shadow", pg_server.admin_dsn]) == 2
        err = capsys.readouterr().err
        assert "roles that do not exist on server " in err and "--create-roles" in err
        for role in (owner, reader, odd.replace("\n", " ")):
            assert role in err.replace("\n", " "), role
        assert "Traceback" not in err
        assert main(["snapshot", str(schema), "--shadow", pg_server.admin_dsn, "--create-roles"]) == 0
        out, err = capsys.readouterr()
        with psycopg.connect(pg_server.admin_dsn) as conn:
            made = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE NOT rolcanlogin AND "
                                               "rolname = ANY(%s)", ([owner, reader, odd, hidden],))}
        assert made == {owner, reader, odd, hidden}
        assert f"{reader}=r" in out and f"{owner}" in out
    finally:
        for role in (owner, reader, odd, hidden):
            with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
                conn.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role)))


def test_a_database_side_is_read_while_the_sql_side_loads(tmp_path: Path, pg_server: PgServer, new_db,
                                                          left_behind) -> None:
    schema = _write(tmp_path / "schema", {"t.sql": "CREATE TABLE t (id int PRIMARY KEY);\n"})
    dsn = new_db()
    pg_server.execute(dsn, "CREATE TABLE t (id int PRIMARY KEY);")
    target_reading = threading.Event()
    waited_for_target: list[bool] = []
    shadows: set[str] = set()

    def progress(role: str, step: str, done: int, total: int) -> None:
        if role == "target":
            target_reading.set()
        elif step == "loading SQL" and done == total:
            # the load's last report, still in the load: the target must be reading by now without its help
            waited_for_target.append(target_reading.wait(timeout=30))
            shadows.update(left_behind(pg_server))

    loaded = read_sides({"source": parse_side(str(schema)), "target": parse_side(dsn)}, progress=progress,
                        shadow=ShadowChoice(dsn=pg_server.admin_dsn))
    assert waited_for_target == [True]
    assert compare(loaded.snapshots["source"], loaded.snapshots["target"]).is_empty
    assert len(shadows) == 1  # the shadow database, seen while it was loading
    assert left_behind(pg_server) == set()  # and gone


def test_a_database_side_that_fails_stops_the_load_with_its_own_error(tmp_path: Path, pg_server: PgServer,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     left_behind) -> None:
    monkeypatch.setattr("pgsd.workflow.sqlside.BATCH_STATEMENTS", 10)  # the load checks for a cancel between batches
    schema = _write(tmp_path / "schema", {f"{i:03d}.sql": f"CREATE TABLE t{i} (id int);\n" for i in range(60)})
    missing = pg_server.dsn(f"pgsd_missing_{uuid.uuid4().hex[:8]}")
    cancel = CancelToken()
    loaded: list[int] = []

    def progress(role: str, step: str, done: int, total: int) -> None:
        if role == "source" and step == "loading SQL":
            loaded.append(done)
            cancel.wait(timeout=30)  # the load goes on only once the failing target has cancelled the reading

    with pytest.raises(errors.PgsdError) as failure:
        read_sides({"source": parse_side(str(schema)), "target": parse_side(missing)}, progress=progress,
                   cancel=cancel, shadow=ShadowChoice(dsn=pg_server.admin_dsn))
    assert "pgsd_missing_" in str(failure.value)
    assert not isinstance(failure.value, errors.Cancelled)
    assert 60 not in loaded  # stopped at its next check, before its last statement
    assert left_behind(pg_server) == set()


def test_unquoted_role_names_outside_ascii_are_read_as_the_server_folds_them(
        tmp_path: Path, pg_server: PgServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Only A-Z fold in an unquoted name, and a character above U+FFFF is part of it: the roles
    created first are the very ones the statements name (the server's own folding is the oracle),
    and none is made under a wrong spelling."""
    tag = uuid.uuid4().hex[:8]
    written = [f"ÉQUIPE_{tag}\U0001f600", f"Rôle_{tag}", f"\U0001f600ÜBER_{tag}"]
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        for name in written:
            conn.execute(f"CREATE TEMP TABLE {name} ()")
        folded = {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema() "
                                             "AND relname LIKE %s", (f"%{tag}%",))}
    assert len(folded) == 3 and folded != set(written)
    schema = _write(tmp_path, {"t.sql": f"CREATE TABLE t (a int);\nALTER TABLE t OWNER TO {written[0]};\n"
                                        f"GRANT SELECT ON t TO {written[1]}, {written[2]};\n"})
    try:
        assert main(["snapshot", str(schema), "--shadow", pg_server.admin_dsn, "--create-roles"]) == 0
        err = capsys.readouterr().err
        with psycopg.connect(pg_server.admin_dsn) as conn:
            made = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%{tag}%",))}
        assert made == folded
        assert "Traceback" not in err
    finally:
        with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
            for (role,) in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%{tag}%",)).fetchall():
                conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))
