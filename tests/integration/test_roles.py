"""Roles with --roles (Filters.roles): read, planned, applied, read again (issue 24).

Roles are cluster-wide and the test server is shared, so every role here carries a
random suffix, and the snapshots are filtered to this test's roles and table. The
source is a snapshot of the database before its roles are dropped or changed; the plan
from that snapshot brings the live database back, and the reverse plan takes it away.
"""

from __future__ import annotations

import uuid

from pgsd.connect import ConnectionSpec
from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import diff_snapshots
from pgsd.model.names import quote_ident
from pgsd.model.snapshot import Filters
from pgsd.workflow import apply_plan, read_side
from tests.acceptance.roundtrip import describe


def _converge(source, dsn, filters):
    cs = diff_snapshots(source=source, target=read_side(dsn, "target", filters=filters))
    plan = build_plan(cs)
    apply_plan(ConnectionSpec.parse(dsn), plan)
    left = diff_snapshots(source=source, target=read_side(dsn, "target", filters=filters))
    assert left.is_empty, f"{describe(left)}\n--- plan ---\n{plan.to_sql()}"
    return plan.to_sql()


def test_roles_round_trip(pg_server):
    s = uuid.uuid4().hex[:8]
    group, user = quote_ident(f"pgsd group {s}"), quote_ident(f"pgsd_user_{s}")
    dsn = pg_server.create_database()
    dbname = dsn.rsplit("dbname=", 1)[-1].split()[0]
    filters = Filters(roles=True, include_objects=(f"*{s}*", "item"))
    try:
        pg_server.execute(dsn, f"""
            CREATE ROLE {group} NOLOGIN;
            CREATE ROLE {user} LOGIN CREATEDB CONNECTION LIMIT 3 VALID UNTIL '2030-01-01 00:00:00+00';
            GRANT {group} TO {user} WITH ADMIN OPTION;
            ALTER ROLE {user} SET search_path = "$user", public;
            ALTER ROLE {user} SET work_mem = '8MB';
            ALTER ROLE {user} IN DATABASE {quote_ident(dbname)} SET statement_timeout = '5s';
            COMMENT ON ROLE {user} IS 'the application';
            CREATE TABLE public.item (id int PRIMARY KEY);
            INSERT INTO public.item VALUES (1), (2);
            GRANT SELECT ON public.item TO {user};
            GRANT INSERT ON public.item TO {group};
        """)
        full = read_side(dsn, "source", filters=filters)
        assert {o.kind for o in full.objects} >= {"role", "table"}
        assert not any(o.kind == "role" for o in read_side(dsn, "source").objects)  # opt-in only
        pg_server.execute(dsn, f"""
            ALTER ROLE {user} NOLOGIN NOCREATEDB CONNECTION LIMIT -1;
            REVOKE {group} FROM {user};
            ALTER ROLE {user} RESET ALL;
            REVOKE ALL ON public.item FROM {user}, {group};
            DROP ROLE {group};
        """)
        script = _converge(full, dsn, filters)  # alter in place, create the group
        assert "CREATE ROLE" in script and "PASSWORD" not in script
        pg_server.execute(dsn, f"REVOKE ALL ON public.item FROM {user}, {group}")
        bare = read_side(dsn, "source", filters=Filters(include_objects=("item",)))
        pg_server.execute(dsn, f"GRANT SELECT ON public.item TO {user}; GRANT INSERT ON public.item TO {group}")
        # revoke the grants, then drop both roles
        script = _converge(bare.model_copy(update={"filters": filters}), dsn, filters)
        assert script.count("DROP ROLE") == 2
        assert script.index("REVOKE SELECT ON TABLE public.item") < script.index(f"DROP ROLE {user}")
        _converge(full, dsn, filters)  # and create both again
    finally:
        pg_server.drop_database(dsn)
        for role in (user, group):
            pg_server.execute(pg_server.admin_dsn, f"DROP ROLE IF EXISTS {role}")
