"""Roles named by a SQL side's statements, read from their text before anything runs."""

from __future__ import annotations

import pytest

from pgsd.workflow.sqlroles import roles_named


@pytest.mark.parametrize(("statement", "roles"), [
    ("ALTER TABLE s.t OWNER TO app_owner", {"app_owner"}),
    ('ALTER FUNCTION s.f(integer) OWNER TO "Weird ""Owner"""', {'Weird "Owner"'}),
    ("-- a comment\n/* and\none */ alter view v owner to App", {"app"}),
    ("GRANT SELECT, INSERT ON TABLE s.t TO reader, GROUP writers, PUBLIC WITH GRANT OPTION", {"reader", "writers"}),
    ("GRANT SELECT (owner) ON s.t TO r1 GRANTED BY boss", {"r1", "boss"}),
    ("GRANT EXECUTE ON FUNCTION f(a integer, b text) TO CURRENT_USER, \"public\", session_user", set()),
    ("REVOKE ALL ON SCHEMA s FROM old_app, \"Other\" CASCADE", {"old_app", "Other"}),
    ("GRANT admins TO alice WITH ADMIN OPTION", {"admins", "alice"}),
    ("REVOKE ADMIN OPTION FOR admins FROM bob", {"admins", "bob"}),
    ("ALTER DEFAULT PRIVILEGES FOR ROLE creator IN SCHEMA s GRANT SELECT ON TABLES TO viewer", {"creator", "viewer"}),
    ("ALTER DEFAULT PRIVILEGES IN SCHEMA s REVOKE SELECT ON TABLES FROM viewer", {"viewer"}),
    ("CREATE SCHEMA IF NOT EXISTS s AUTHORIZATION schema_owner", {"schema_owner"}),
    ("CREATE POLICY p ON s.t AS PERMISSIVE FOR SELECT TO tenant, manager USING (owner = current_user)",
     {"tenant", "manager"}),
    ("ALTER POLICY p ON s.t TO auditor", {"auditor"}),
    ("ALTER POLICY p ON s.t RENAME TO q", set()),
    ("CREATE USER MAPPING IF NOT EXISTS FOR mapped SERVER srv OPTIONS (user 'x')", {"mapped"}),
    ("CREATE USER MAPPING FOR USER SERVER srv", set()),
    # names only where the grammar puts them: never inside strings, comments, bodies, or a renamed column
    ("ALTER TABLE s.t RENAME COLUMN owner TO holder", set()),
    ("ALTER TABLE s.t RENAME owner TO holder", set()),
    ("ALTER TABLE s.t ALTER COLUMN c SET DEFAULT 'x OWNER TO y'", set()),
    ("COMMENT ON TABLE s.t IS 'GRANT SELECT ON t TO ghost'", set()),
    ("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ GRANT SELECT ON t TO ghost $$", set()),
    ("CREATE TABLE owner (\"to\" int)", set()),
    ("ALTER TABLE s.t ADD CONSTRAINT c CHECK (a > 0) -- OWNER TO ghost", set()),
    # unquoted names outside ASCII: every character is part of the name, only A-Z fold (as PostgreSQL)
    ("GRANT SELECT ON t TO ÉQUIPE_a\U0001f600, Rôle, \"Ü\"", {"Équipe_a\U0001f600", "rôle", "Ü"}),
    ("ALTER TABLE t OWNER TO \U0001f600x", {"\U0001f600x"}),
])
def test_roles_named(statement, roles):
    assert roles_named([statement]) == (roles, set())


def test_roles_the_sql_creates_are_not_missing():
    referred, created = roles_named([
        "CREATE ROLE app_owner NOLOGIN", 'CREATE USER "Reader"', "CREATE GROUP staff",
        "CREATE TABLE t (a int)", "ALTER TABLE t OWNER TO app_owner", 'GRANT SELECT ON t TO "Reader", staff, other',
    ])
    assert created == {"app_owner", "Reader", "staff"}
    assert referred == {"other"}


def test_hostile_role_names_are_read_exactly():
    name = 'x"; DROP ROLE postgres; --\n\\! rm -rf /'
    quoted = '"' + name.replace('"', '""') + '"'
    assert roles_named([f"GRANT SELECT ON t TO {quoted}", f"ALTER TABLE t OWNER TO {quoted}"]) == ({name}, set())
