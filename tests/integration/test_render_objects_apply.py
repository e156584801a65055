"""Rendered SQL for views, routines, table objects, foreign objects and default privileges
runs on a real server.

Definitions are read from a *source* database the way the catalog does (pg_get_*def
with ``search_path = pg_catalog``), turned into models by hand, rendered, and applied
to a fresh *target* database holding only the prerequisites (created with plain SQL).
The target's catalog is then checked, and the drop statements are run too.
Role names carry a random suffix: roles are cluster-wide and tests may share a server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.render import renderers
from pgsd.ddl.render.base import PRIVILEGE_WORDS, acl_map
from pgsd.model.names import quote_ident, quote_literal
from pgsd.model.objects import (
    DbObject,
    DefaultPrivilege,
    EventTrigger,
    ForeignDataWrapper,
    ForeignServer,
    Function,
    MaterializedView,
    Policy,
    Publication,
    Rule,
    Statistics,
    Trigger,
    UserMapping,
    View,
)
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot
from tests.pg import PgServer

R = renderers()


@dataclass
class Env:
    """Databases and roles for one test; the databases are dropped before the roles."""

    server: PgServer
    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    dbs: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def db(self) -> str:
        dsn = self.server.create_database()
        self.dbs.append(dsn)
        return dsn

    def role(self, base: str) -> str:
        name = f"{base} {self.suffix}"
        self.server.execute(self.server.admin_dsn, f"CREATE ROLE {quote_ident(name)}")
        self.roles.append(name)
        return name

    @property
    def version_num(self) -> int:
        return self.server.version_num

    def ctx(self, *source_objects: DbObject) -> RenderContext:
        info = ServerInfo(version="", version_num=self.version_num, current_user="postgres", current_database="t",
                          is_superuser=True, in_recovery=False, encoding="UTF8", can_create_in_database=True)
        return RenderContext(Snapshot(objects=tuple(source_objects)), Snapshot(server=info), PlanOptions())


@pytest.fixture
def env(pg_server) -> Iterator[Env]:
    e = Env(pg_server)
    yield e
    for dsn in e.dbs:
        pg_server.drop_database(dsn)
    for role in e.roles:
        pg_server.execute(pg_server.admin_dsn, f"DROP ROLE IF EXISTS {quote_ident(role)}")


def run(dsn: str, statements) -> None:
    """Apply statements in one transaction, as a plan would."""
    with psycopg.connect(dsn) as conn:
        for s in statements:
            sql = s if isinstance(s, str) else s.sql
            conn.execute(sql)  # type: ignore[arg-type]


def query(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET search_path = pg_catalog")
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


def one(dsn: str, sql: str):
    return query(dsn, sql)[0][0]


def changed(old: DbObject, new: DbObject) -> set[str]:
    return {f for f in type(old).model_fields if getattr(old, f) != getattr(new, f)}


# --------------------------------------------------------------------------- views


TABLE_SQL = 'CREATE SCHEMA "Shop"; CREATE TABLE "Shop"."Order" (id int PRIMARY KEY, total numeric(12,2), note text)'


def _read_view(dsn: str, name: str, cls):
    rows = query(dsn, f"""
        SELECT pg_get_viewdef(c.oid), coalesce(c.reloptions, '{{}}'),
               array_agg(a.attname::text ORDER BY a.attnum), array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum),
               c.relispopulated
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
        WHERE c.oid = '"Shop".{quote_ident(name)}'::regclass GROUP BY c.oid""")
    definition, options, columns, types, populated = rows[0]
    extra = {"is_populated": populated} if cls is MaterializedView else {}
    return cls(schema_name="Shop", name=name, definition=definition, options=tuple(sorted(options)),
               columns=tuple(columns), column_types=tuple(types), **extra)


def test_views_create_alter_drop(env):
    reader = env.role("Reader")
    source, target = env.db(), env.db()
    run(source, [TABLE_SQL,
                 'CREATE VIEW "Shop"."order view" WITH (security_barrier) AS SELECT id, total FROM "Shop"."Order" '
                 "WHERE total > 0 WITH LOCAL CHECK OPTION",
                 'CREATE MATERIALIZED VIEW "Shop"."select" WITH (fillfactor=70) AS '
                 'SELECT id, total FROM "Shop"."Order" WITH NO DATA'])
    view = _read_view(source, "order view", View).model_copy(update={
        "comment": "orders", "column_comments": (("total", "it's the sum"),), "acl": (f"{reader}=r",)})
    matview = _read_view(source, "select", MaterializedView).model_copy(update={"comment": "m", "acl": (f"{reader}=r",)})
    assert view.options == ("check_option=local", "security_barrier=true")
    assert not matview.is_populated

    run(target, [TABLE_SQL])
    ctx = env.ctx()
    run(target, R["view"].create(view, ctx) + R["materialized_view"].create(matview, ctx))
    assert _read_view(target, "order view", View) == _read_view(source, "order view", View)
    assert _read_view(target, "select", MaterializedView) == _read_view(source, "select", MaterializedView)
    assert one(target, """SELECT col_description('"Shop"."order view"'::regclass, 2)""") == "it's the sum"
    assert one(target, f"""SELECT has_table_privilege({quote_literal(reader)}, '"Shop"."select"', 'SELECT')""")

    # Appending a column replaces the view in place; the options survive the replace.
    run(source, ['CREATE OR REPLACE VIEW "Shop"."order view" WITH (security_barrier) AS SELECT id, total, note '
                 'FROM "Shop"."Order" WHERE total > 0 WITH LOCAL CHECK OPTION'])
    new_view = _read_view(source, "order view", View).model_copy(update={
        "comment": "orders", "column_comments": (("note", "n"),), "acl": view.acl})
    statements = R["view"].alter(view, new_view, changed(view, new_view), ctx)
    assert statements is not None and statements[0].sql.startswith("CREATE OR REPLACE VIEW")
    run(target, statements)
    assert _read_view(target, "order view", View) == _read_view(source, "order view", View)
    assert one(target, """SELECT col_description('"Shop"."order view"'::regclass, 2)""") is None

    # Options and population change in place.
    populated = matview.model_copy(update={"options": ("autovacuum_enabled=false",), "is_populated": True})
    run(target, R["materialized_view"].alter(matview, populated, changed(matview, populated), ctx))
    assert one(target, """SELECT relispopulated AND reloptions = '{autovacuum_enabled=false}'
                          FROM pg_class WHERE oid = '"Shop"."select"'::regclass""")

    run(target, R["materialized_view"].drop(matview, ctx) + R["view"].drop(new_view, ctx))
    assert one(target, """SELECT count(*) FROM pg_class WHERE relnamespace = '"Shop"'::regnamespace
                          AND relkind IN ('v', 'm')""") == 0


# --------------------------------------------------------------------------- routines


ROUTINES_SQL = [
    'CREATE SCHEMA "App"',
    'CREATE FUNCTION "App"."Total"(a integer, "B" text DEFAULT \'x\') RETURNS integer LANGUAGE plpgsql '
    "SET search_path = pg_catalog AS $$ BEGIN RETURN a + length(\"B\"); END $$",
    'CREATE PROCEDURE "App".reset(n integer) LANGUAGE sql AS $$ SELECT n $$',
    'CREATE FUNCTION "App".log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$',
]


def _read_function(dsn: str, signature: str, **fields) -> Function:
    rows = query(dsn, f"""
        SELECT p.proname, p.prokind, oidvectortypes(p.proargtypes), pg_get_function_arguments(p.oid),
               CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END, pg_get_functiondef(p.oid),
               p.provolatile
        FROM pg_proc p WHERE p.oid = '{signature}'::regprocedure""")
    name, kind, argtypes, args, result, definition, volatility = rows[0]
    return Function(schema_name="App", name=name, routine_kind=kind, argument_types=argtypes, arguments=args,
                    result=result, definition=definition, volatility=volatility, **fields)


def test_routines_create_alter_drop(env):
    runner = env.role("Runner")
    source, target = env.db(), env.db()
    run(source, ROUTINES_SQL)
    total = _read_function(source, '"App"."Total"(integer, text)', acl=(f"{runner}=X",), comment="sum",
                           body_references_untracked=True)
    proc = _read_function(source, '"App".reset(integer)', acl=("PUBLIC=X", f"{runner}=X*"))
    trigger_fn = _read_function(source, '"App".log_ddl()')
    agg = Function(schema_name="App", name="Count All", routine_kind="a", argument_types="", result="bigint",
                   definition='CREATE AGGREGATE "App"."Count All"(*) (\n    SFUNC = int8inc,\n    STYPE = bigint,\n'
                              "    INITCOND = '0'\n)", comment="agg", acl=(f"{runner}=X",))
    event = EventTrigger(name="Audit DDL", event="ddl_command_end", tags=("CREATE TABLE", "DROP TABLE"),
                         function=trigger_fn.key, enabled="D", comment="audit")

    run(target, ['CREATE SCHEMA "App"'])
    ctx = env.ctx(total, proc, trigger_fn, agg, event)
    statements = [s for obj in (total, proc, trigger_fn, agg) for s in R["function"].create(obj, ctx)]
    statements += R["event_trigger"].create(event, ctx)
    run(target, statements)
    assert one(target, """SELECT pg_get_functiondef('"App"."Total"(integer, text)'::regprocedure)""") == total.definition
    assert one(target, f"""SELECT has_function_privilege({quote_literal(runner)}, '"App"."Total"(integer, text)',
                                                         'EXECUTE')
                           AND NOT has_function_privilege('public', '"App"."Total"(integer, text)', 'EXECUTE')""")
    assert one(target, """SELECT obj_description('"App"."Count All"()'::regprocedure, 'pg_proc')""") == "agg"
    assert query(target, "SELECT evtname, evtenabled, evttags FROM pg_event_trigger") == [
        ("Audit DDL", "D", ["CREATE TABLE", "DROP TABLE"])]

    # Volatility (and the body) change in place: the definition runs again.
    run(source, ['CREATE OR REPLACE FUNCTION "App"."Total"(a integer, "B" text DEFAULT \'x\') RETURNS integer '
                 'LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN a; END $$'])
    new_total = _read_function(source, '"App"."Total"(integer, text)', acl=total.acl, comment="sum",
                               body_references_untracked=True)
    statements = R["function"].alter(total, new_total, changed(total, new_total), ctx)
    assert statements is not None
    run(target, statements)
    assert one(target, """SELECT provolatile FROM pg_proc WHERE oid = '"App"."Total"(integer, text)'::regprocedure""") == "s"
    enabled = event.model_copy(update={"enabled": "R"})
    run(target, R["event_trigger"].alter(event, enabled, {"enabled"}, ctx))
    assert one(target, "SELECT evtenabled FROM pg_event_trigger") == "R"

    statements = R["event_trigger"].drop(event, ctx)
    statements += [s for obj in (new_total, proc, trigger_fn, agg) for s in R["function"].drop(obj, ctx)]
    run(target, statements)
    assert one(target, """SELECT count(*) FROM pg_proc WHERE pronamespace = '"App"'::regnamespace""") == 0


# --------------------------------------------------------------------------- table objects


TABLE_OBJECTS_SQL = [
    'CREATE SCHEMA s',
    'CREATE TABLE s."Order" (id int, "user" text, a int, b int)',
    "CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
]


def test_table_objects_create_alter_drop(env):
    member = env.role("App User")
    source, target = env.db(), env.db()
    run(source, [*TABLE_OBJECTS_SQL, 'CREATE TRIGGER "on update" BEFORE UPDATE OF a ON s."Order" FOR EACH ROW WHEN (NEW.a > 0) ' "EXECUTE FUNCTION s.touch()", 'CREATE RULE "no delete" AS ON DELETE TO s."Order" DO INSTEAD NOTHING', 'CREATE STATISTICS s."AB" (ndistinct, dependencies) ON a, b FROM s."Order"'])
    trig_def = one(source, """SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'on update'""")
    rule_def = one(source, """SELECT pg_get_ruledef(oid) FROM pg_rewrite WHERE rulename = 'no delete'""")
    stats_def = one(source, """SELECT pg_get_statisticsobjdef(oid) FROM pg_statistic_ext WHERE stxname = 'AB'""")
    trigger = Trigger(schema_name="s", table="Order", name="on update", definition=trig_def, enabled="D",
                      function="function:s.touch()", comment="t")
    rule = Rule(schema_name="s", table="Order", name="no delete", definition=rule_def, enabled="R", comment="r")
    stats = Statistics(schema_name="s", name="AB", table='s."Order"', definition=stats_def, target=250, comment="st")
    policy = Policy(schema_name="s", table="Order", name="own rows", command="r", roles=("PUBLIC",),
                    using='("user" = CURRENT_USER)', comment="p")
    insert_policy = Policy(schema_name="s", table="Order", name="check", command="a", permissive=False,
                           roles=(member,), with_check="(a > 0)")

    run(target, TABLE_OBJECTS_SQL)
    ctx = env.ctx()
    run(target, [s for obj in (trigger, rule, stats, policy, insert_policy) for s in R[obj.kind].create(obj, ctx)])
    assert one(target, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'on update'") == "D"
    assert one(target, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'on update'") == trig_def
    assert one(target, "SELECT ev_enabled FROM pg_rewrite WHERE rulename = 'no delete'") == "R"
    assert one(target, "SELECT pg_get_ruledef(oid) FROM pg_rewrite WHERE rulename = 'no delete'") == rule_def
    assert one(target, "SELECT pg_get_statisticsobjdef(oid) FROM pg_statistic_ext WHERE stxname = 'AB'") == stats_def
    assert one(target, "SELECT stxstattarget FROM pg_statistic_ext WHERE stxname = 'AB'") == 250
    assert query(target, "SELECT polname, polpermissive, polcmd, cardinality(polroles) FROM pg_policy "
                         "ORDER BY polname") == [("check", False, "a", 1), ("own rows", True, "r", 1)]
    assert one(target, """SELECT obj_description(oid, 'pg_policy') FROM pg_policy WHERE polname = 'own rows'""") == "p"

    # In place: enable states, statistics target, policy roles and expressions.
    changes = [
        (trigger, trigger.model_copy(update={"enabled": "A"})),
        (rule, rule.model_copy(update={"enabled": "O"})),
        (stats, stats.model_copy(update={"target": None})),
        (policy, policy.model_copy(update={"roles": (member,), "using": "true"})),
        (insert_policy, insert_policy.model_copy(update={"roles": ("PUBLIC",), "with_check": "(a > 1)"})),
    ]
    for old, new in changes:
        statements = R[new.kind].alter(old, new, changed(old, new), ctx)
        assert statements, new.kind
        run(target, statements)
    assert one(target, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'on update'") == "A"
    assert one(target, "SELECT ev_enabled FROM pg_rewrite WHERE rulename = 'no delete'") == "O"
    assert one(target, """SELECT pg_get_expr(polwithcheck, polrelid) FROM pg_policy WHERE polname = 'check'""") == "(a > 1)"

    run(target, [s for _, new in changes for s in R[new.kind].drop(new, ctx)])
    assert query(target, "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal), "
                         "(SELECT count(*) FROM pg_rewrite WHERE rulename = 'no delete'), "
                         "(SELECT count(*) FROM pg_statistic_ext), (SELECT count(*) FROM pg_policy)") == [(0, 0, 0, 0)]


# --------------------------------------------------------------------------- foreign objects and publications


def test_foreign_objects_and_publications(env):
    user = env.role("Remote User")
    target = env.db()
    ctx = env.ctx()
    fdw = ForeignDataWrapper(name="Plain FDW", validator="postgresql_fdw_validator", options=(), acl=(f"{user}=U",),
                             comment="w")
    server = ForeignServer(name="remote db", wrapper="Plain FDW", server_type="pg", server_version="15",
                           options=("dbname=app", "host=db.example"), acl=(f"{user}=U",), comment="s")
    mapping = UserMapping(name=user, server="remote db", options=("password=***", "user=app"))
    public_mapping = UserMapping(name="PUBLIC", server="remote db", options=("user=anon",))
    run(target, [s for obj in (fdw, server, mapping, public_mapping) for s in R[obj.kind].create(obj, ctx)])
    assert query(target, "SELECT umoptions FROM pg_user_mapping ORDER BY umuser") == [(["user=anon"],), (["user=app"],)]
    assert one(target, """SELECT srvoptions FROM pg_foreign_server""") == ["dbname=app", "host=db.example"]
    assert one(target, f"""SELECT has_server_privilege({quote_literal(user)}, 'remote db', 'USAGE')""")

    new_fdw = fdw.model_copy(update={"validator": None, "options": ("debug=1",)})
    new_server = server.model_copy(update={"server_version": "16", "options": ("dbname=app2", "port=5433")})
    new_mapping = mapping.model_copy(update={"options": ("password=***", "user=app2")})
    for old, new in ((fdw, new_fdw), (server, new_server), (mapping, new_mapping)):
        run(target, R[new.kind].alter(old, new, changed(old, new), ctx))
    assert one(target, "SELECT srvversion || ' ' || array_to_string(srvoptions, ',') FROM pg_foreign_server") == \
        "16 dbname=app2,port=5433"
    assert one(target, "SELECT fdwvalidator = 0 AND fdwoptions = '{debug=1}' FROM pg_foreign_data_wrapper")

    # Publications: tables with column lists and row filters, and schemas, from 15 on.
    run(target, ['CREATE SCHEMA "Sales"', 'CREATE TABLE public."T x" (id int PRIMARY KEY, a int)',
                 "CREATE TABLE public.u (id int PRIMARY KEY)"])
    modern = env.version_num >= 150000
    tables = ('public."T x" (id, a) WHERE (a > 1)', "public.u") if modern else ('public."T x"', "public.u")
    pub = Publication(name="Pub", tables=tables, operations=("insert", "update"), via_root=True, comment="p")
    everything = Publication(name="all", all_tables=True)
    run(target, R["publication"].create(pub, ctx) + R["publication"].create(everything, ctx))
    if modern:
        # Column lists and schemas cannot be mixed; a table and a schema can.
        mixed = Publication(name="mixed", tables=('public.u WHERE (id > 0)',), schemas=("Sales", "public"))
        run(target, R["publication"].create(mixed, ctx))
        assert one(target, "SELECT count(*) FROM pg_publication_namespace") == 2
        only_schema = mixed.model_copy(update={"tables": (), "schemas": ("Sales",)})
        run(target, R["publication"].alter(mixed, only_schema, changed(mixed, only_schema), ctx))
        assert one(target, "SELECT count(*) FROM pg_publication_namespace") == 1
        none = mixed.model_copy(update={"tables": (), "schemas": ()})
        run(target, R["publication"].alter(only_schema, none, changed(only_schema, none), ctx))
        run(target, R["publication"].drop(none, ctx))
        assert one(target, "SELECT count(*) FROM pg_publication_namespace") == 0
    assert one(target, "SELECT pubinsert AND pubupdate AND NOT pubdelete AND pubviaroot FROM pg_publication "
                       "WHERE pubname = 'Pub'")
    assert one(target, "SELECT count(*) FROM pg_publication_rel") == 2

    fewer = pub.model_copy(update={"tables": ("public.u",), "operations": ("insert", "update", "delete", "truncate")})
    empty = pub.model_copy(update={"tables": (), "schemas": ()})
    run(target, R["publication"].alter(pub, fewer, changed(pub, fewer), ctx))
    assert one(target, "SELECT count(*) FROM pg_publication_rel") == 1
    run(target, R["publication"].alter(fewer, empty, changed(fewer, empty), ctx))
    assert one(target, "SELECT count(*) FROM pg_publication_rel") == 0
    run(target, R["publication"].alter(empty, pub, changed(empty, pub), ctx))
    assert one(target, "SELECT count(*) FROM pg_publication_rel") == 2
    run(target, R["publication"].alter(pub, empty, changed(pub, empty), ctx))  # DROP of filtered tables
    assert one(target, "SELECT count(*) FROM pg_publication_rel") == 0

    statements = R["publication"].drop(pub, ctx) + R["publication"].drop(everything, ctx)
    statements += [s for obj in (public_mapping, new_mapping, new_server, new_fdw) for s in R[obj.kind].drop(obj, ctx)]
    run(target, statements)
    assert query(target, "SELECT (SELECT count(*) FROM pg_publication), (SELECT count(*) FROM pg_foreign_server), "
                         "(SELECT count(*) FROM pg_foreign_data_wrapper)") == [(0, 0, 0)]


# --------------------------------------------------------------------------- default privileges


def _default_acl(dsn: str) -> dict[tuple[str, str | None, str], set[tuple[str, str, bool]]]:
    """Every pg_default_acl row as {(role, schema, type): {(grantee, privilege, grantable)}}."""
    rows = query(dsn, """
        SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype,
               CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(e.grantee) END,
               e.privilege_type, e.is_grantable
        FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace,
             aclexplode(d.defaclacl) e""")
    out: dict = {}
    for role, schema, objtype, grantee, privilege, grantable in rows:
        out.setdefault((role, schema, objtype), set()).add((grantee, privilege, grantable))
    return out


def _expected(dp: DefaultPrivilege) -> set[tuple[str, str, bool]]:
    return {(g, PRIVILEGE_WORDS[p], opt) for g, privs in acl_map(dp.acl).items() for p, opt in privs.items()}


def test_default_privileges_reach_the_stored_acl_and_drop_restores_the_default(env):
    owner, reader = env.role("Owner"), env.role("reader")
    target = env.db()
    run(target, ['CREATE SCHEMA "App"'])
    ctx = env.ctx()
    table_owner = "Dadrtwx" + ("m" if env.version_num >= 170000 else "")
    objects = [
        DefaultPrivilege(name=owner, object_type="f", acl=(f"{owner}=X",)),                       # PUBLIC revoked
        DefaultPrivilege(name=owner, object_type="r", acl=(f"{owner}={table_owner}", f"{reader}=ar*")),
        DefaultPrivilege(name=owner, object_type="T", acl=("PUBLIC=U", f"{owner}=U", f"{reader}=U*")),
        DefaultPrivilege(name=owner, schema_name="App", object_type="S", acl=(f"{reader}=rU",)),
        DefaultPrivilege(name=owner, schema_name="App", object_type="f", acl=("PUBLIC=X", f"{reader}=X*")),
    ]
    run(target, [s for dp in objects for s in R["default_privilege"].create(dp, ctx)])
    stored = _default_acl(target)
    assert stored == {(dp.name, dp.schema_name, dp.object_type): _expected(dp) for dp in objects}

    old, new = objects[1], objects[1].model_copy(update={"acl": (f"{owner}={table_owner}", f"{reader}=r")})
    run(target, R["default_privilege"].alter(old, new, {"acl"}, ctx))
    assert _default_acl(target)[(owner, None, "r")] == _expected(new)

    run(target, [s for dp in [new, *objects[2:], objects[0]] for s in R["default_privilege"].drop(dp, ctx)])
    assert _default_acl(target) == {}
