"""Renderers for views, routines, table objects, foreign objects and default privileges.

Hand-built models, no database: the exact SQL where quoting or keywords matter, the
in-place-or-recreate decisions, and the hazards attached to statements.
"""

from __future__ import annotations

import pytest

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.plan import HazardType
from pgsd.ddl.render import renderers
from pgsd.model.objects import (
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

R = renderers()


def ctx(*source_objects, version_num: int | None = None) -> RenderContext:
    server = None
    if version_num is not None:
        server = ServerInfo(version=str(version_num // 10000), version_num=version_num, current_user="u",
                            current_database="d", is_superuser=True, in_recovery=False, encoding="UTF8",
                            can_create_in_database=True)
    return RenderContext(Snapshot(objects=tuple(source_objects)), Snapshot(server=server), PlanOptions())


def sqls(statements) -> list[str]:
    return [s.sql for s in statements]


def changed_fields(old, new) -> set[str]:
    return {f for f in type(old).model_fields if getattr(old, f) != getattr(new, f)}


def alter(old, new, context=None):
    return R[new.kind].alter(old, new, changed_fields(old, new), context or ctx())


# --------------------------------------------------------------------------- views


VIEW = View(schema_name="Shop", name="order view", definition=" SELECT o.id,\n    o.total\n   FROM shop.orders o;",
            columns=("id", "total"), column_types=("integer", "numeric(12,2)"))


def test_view_create_strips_semicolon_and_quotes_names():
    out = R["view"].create(VIEW, ctx())
    assert out[0].sql == 'CREATE VIEW "Shop"."order view" AS\nSELECT o.id,\n    o.total\n   FROM shop.orders o'
    assert out[0].action == "create" and out[0].key == VIEW.key


def test_view_options_check_option_comments_and_grants():
    v = VIEW.model_copy(update={
        "options": ("check_option=local", "security_barrier=true"),
        "comment": "it's here",
        "column_comments": (("total", "sum"),),
        "acl": ("PUBLIC=r", "Reader=ar*"),
    })
    out = sqls(R["view"].create(v, ctx()))
    assert out[0].startswith('CREATE VIEW "Shop"."order view" WITH (security_barrier=true) AS\n')
    assert out[0].endswith("\n  WITH LOCAL CHECK OPTION")
    assert out[1] == 'COMMENT ON VIEW "Shop"."order view" IS \'it\'\'s here\''
    assert 'GRANT SELECT ON TABLE "Shop"."order view" TO PUBLIC' in out
    assert 'GRANT INSERT ON TABLE "Shop"."order view" TO "Reader"' in out
    assert 'GRANT SELECT ON TABLE "Shop"."order view" TO "Reader" WITH GRANT OPTION' in out
    assert out[-1] == 'COMMENT ON COLUMN "Shop"."order view".total IS \'sum\''


def test_view_appended_column_is_create_or_replace():
    new = VIEW.model_copy(update={"definition": " SELECT o.id, o.total, o.note FROM shop.orders o;",
                                  "columns": ("id", "total", "note"),
                                  "column_types": ("integer", "numeric(12,2)", "text"),
                                  "options": ("security_invoker=true",)})
    out = alter(VIEW, new)
    assert sqls(out) == ['CREATE OR REPLACE VIEW "Shop"."order view" WITH (security_invoker=true) AS\n'
                         'SELECT o.id, o.total, o.note FROM shop.orders o']


@pytest.mark.parametrize("update", [
    {"columns": ("id", "amount"), "column_types": ("integer", "numeric(12,2)")},       # renamed
    {"columns": ("id", "total"), "column_types": ("integer", "numeric")},              # retyped
    {"columns": ("total", "id"), "column_types": ("numeric(12,2)", "integer")},        # reordered
    {"columns": ("id",), "column_types": ("integer",)},                                 # removed
])
def test_view_other_column_changes_recreate(update):
    new = VIEW.model_copy(update={"definition": " SELECT 1;", **update})
    assert alter(VIEW, new) is None


def test_view_same_columns_new_query_replaces():
    new = VIEW.model_copy(update={"definition": " SELECT o.id, o.total FROM shop.orders o WHERE o.id > 0;"})
    assert sqls(alter(VIEW, new))[0].startswith('CREATE OR REPLACE VIEW "Shop"."order view" AS\n')


def test_view_options_and_column_comments_in_place():
    old = VIEW.model_copy(update={"options": ("check_option=cascaded", "security_barrier=true"),
                                  "column_comments": (("id", "key"),)})
    new = VIEW.model_copy(update={"options": ("security_barrier=false", "security_invoker=true"),
                                  "column_comments": (("total", "sum"),)})
    assert sqls(alter(old, new)) == [
        'ALTER VIEW "Shop"."order view" RESET (check_option)',
        'ALTER VIEW "Shop"."order view" SET (security_barrier=false, security_invoker=true)',
        'COMMENT ON COLUMN "Shop"."order view".id IS NULL',
        'COMMENT ON COLUMN "Shop"."order view".total IS \'sum\'',
    ]


def test_view_owner_and_drop():
    new = VIEW.model_copy(update={"owner": "New Owner"})
    assert sqls(R["view"].alter(VIEW, new, {"owner"}, ctx())) == ['ALTER VIEW "Shop"."order view" OWNER TO "New Owner"']
    assert sqls(R["view"].drop(VIEW, ctx())) == ['DROP VIEW "Shop"."order view"']


MATVIEW = MaterializedView(schema_name="s", name="select", definition=" SELECT 1 AS one;",
                           columns=("one",), column_types=("integer",))


def test_matview_create_full():
    m = MATVIEW.model_copy(update={"options": ("fillfactor=70",), "tablespace": "Fast Disk", "is_populated": False,
                                   "comment": "c", "acl": ("app=r",)})
    out = sqls(R["materialized_view"].create(m, ctx()))
    assert out == [
        'CREATE MATERIALIZED VIEW s."select" WITH (fillfactor=70) TABLESPACE "Fast Disk" AS\nSELECT 1 AS one\nWITH NO DATA',
        'COMMENT ON MATERIALIZED VIEW s."select" IS \'c\'',
        'GRANT SELECT ON TABLE s."select" TO app',
    ]


def test_matview_alters():
    assert alter(MATVIEW, MATVIEW.model_copy(update={"definition": " SELECT 2 AS one;"})) is None
    new = MATVIEW.model_copy(update={"options": ("autovacuum_enabled=false",), "tablespace": "ts"})
    out = alter(MATVIEW, new)
    assert sqls(out) == ['ALTER MATERIALIZED VIEW s."select" SET (autovacuum_enabled=false)',
                         'ALTER MATERIALIZED VIEW s."select" SET TABLESPACE ts']
    assert HazardType.ACCESS_EXCLUSIVE_LOCK in out[1].hazard_types()
    back = alter(new, MATVIEW)
    assert sqls(back) == ['ALTER MATERIALIZED VIEW s."select" RESET (autovacuum_enabled)',
                          'ALTER MATERIALIZED VIEW s."select" SET TABLESPACE pg_default']
    unpopulated = MATVIEW.model_copy(update={"is_populated": False})
    assert sqls(alter(MATVIEW, unpopulated)) == ['REFRESH MATERIALIZED VIEW s."select" WITH NO DATA']
    assert sqls(alter(unpopulated, MATVIEW)) == ['REFRESH MATERIALIZED VIEW s."select"']
    assert sqls(R["materialized_view"].drop(MATVIEW, ctx())) == ['DROP MATERIALIZED VIEW s."select"']


def test_reloption_values_that_are_not_words_are_quoted():
    v = VIEW.model_copy(update={"options": ("security_barrier=on", "x=a b")})
    assert "WITH (security_barrier=on, x='a b')" in R["view"].create(v, ctx())[0].sql


# --------------------------------------------------------------------------- functions


FN_DEF = ("CREATE OR REPLACE FUNCTION \"App\".\"Total\"(a integer, b text)\n RETURNS integer\n"
          " LANGUAGE plpgsql\nAS $function$ BEGIN RETURN a; END $function$\n")
FN = Function(schema_name="App", name="Total", argument_types="integer, text", identity_arguments="a integer, b text",
              arguments="a integer, b text", result="integer", language="plpgsql", definition=FN_DEF,
              body_references_untracked=True, acl=("PUBLIC=X",))


def test_function_create_uses_definition_and_marks_untracked_body():
    out = R["function"].create(FN, ctx())
    assert len(out) == 1  # default ACL (PUBLIC=X): nothing to grant
    assert out[0].sql == FN_DEF.rstrip()
    assert [h.type for h in out[0].hazards] == [HazardType.UNTRACKED_DEPENDENCIES]
    assert 'the body of "App"."Total"(integer, text) is not tracked' in out[0].hazards[0].message


def test_function_grants_comment_drop():
    f = FN.model_copy(update={"acl": ("app=X",), "comment": "sum", "body_references_untracked": False})
    out = R["function"].create(f, ctx())
    assert out[0].hazards == ()
    assert sqls(out[1:]) == [
        'COMMENT ON FUNCTION "App"."Total"(integer, text) IS \'sum\'',
        'REVOKE EXECUTE ON FUNCTION "App"."Total"(integer, text) FROM PUBLIC',
        'GRANT EXECUTE ON FUNCTION "App"."Total"(integer, text) TO app',
    ]
    assert sqls(R["function"].drop(f, ctx())) == ['DROP FUNCTION "App"."Total"(integer, text)']


def test_function_attribute_changes_rerun_definition():
    new = FN.model_copy(update={"volatility": "s", "config": ("search_path=pg_catalog",),
                                "definition": FN_DEF.replace("LANGUAGE plpgsql", "LANGUAGE plpgsql STABLE")})
    out = alter(FN, new)
    assert sqls(out) == [new.definition.rstrip()]
    assert out[0].action == "alter"
    assert HazardType.UNTRACKED_DEPENDENCIES in out[0].hazard_types()


@pytest.mark.parametrize("update", [
    {"result": "bigint"},
    {"arguments": "a integer, b text DEFAULT 'x'::text"},
    {"routine_kind": "w"},
])
def test_function_signature_changes_recreate(update):
    assert alter(FN, FN.model_copy(update={**update, "definition": FN_DEF + "--"})) is None


def test_procedure_and_aggregate_names():
    proc = Function(schema_name="s", name="p", routine_kind="p", argument_types="integer", result=None,
                    definition="CREATE OR REPLACE PROCEDURE s.p(IN integer)\n LANGUAGE sql\nAS $procedure$ $procedure$",
                    acl=(), comment="c")
    out = sqls(R["function"].create(proc, ctx()))
    assert out[1:] == ["COMMENT ON PROCEDURE s.p(integer) IS 'c'",
                       "REVOKE EXECUTE ON PROCEDURE s.p(integer) FROM PUBLIC"]
    assert sqls(R["function"].drop(proc, ctx())) == ["DROP PROCEDURE s.p(integer)"]
    agg = Function(schema_name="s", name="agg", routine_kind="a", argument_types="", result="bigint",
                   definition="CREATE AGGREGATE s.agg(*) (\n    SFUNC = int8inc,\n    STYPE = bigint\n)",
                   comment="n", acl=("PUBLIC=X", "r=X"))
    out = sqls(R["function"].create(agg, ctx()))
    assert out == [agg.definition, "COMMENT ON AGGREGATE s.agg(*) IS 'n'", "GRANT EXECUTE ON FUNCTION s.agg() TO r"]
    assert sqls(R["function"].drop(agg, ctx())) == ["DROP AGGREGATE s.agg(*)"]
    assert alter(agg, agg.model_copy(update={"parallel": "s"})) is None
    assert R["function"].breaks_dependents(FN, FN, {"definition"}, ctx()) is False


# --------------------------------------------------------------------------- event triggers


def test_event_trigger_create_with_function_lookup_and_fallback():
    fn = Function(schema_name="Ops", name="log ddl", argument_types="", result="event_trigger",
                  definition="CREATE FUNCTION ...")
    et = EventTrigger(name="Audit", event="ddl_command_end", tags=("CREATE TABLE", "DROP TABLE"),
                      function=fn.key, enabled="D", comment="x")
    out = sqls(R["event_trigger"].create(et, ctx(fn)))
    assert out == [
        'CREATE EVENT TRIGGER "Audit" ON ddl_command_end\n  WHEN TAG IN (\'CREATE TABLE\', \'DROP TABLE\')'
        '\n  EXECUTE FUNCTION "Ops"."log ddl"()',
        'ALTER EVENT TRIGGER "Audit" DISABLE',
        'COMMENT ON EVENT TRIGGER "Audit" IS \'x\'',
    ]
    # Without the function in the source, the key's own quoted name is used.
    assert sqls(R["event_trigger"].create(et, ctx()))[0].endswith('EXECUTE FUNCTION "Ops"."log ddl"()')
    odd = et.model_copy(update={"function": 'function:"we(ird)".f()', "tags": (), "enabled": "O", "comment": None})
    assert sqls(R["event_trigger"].create(odd, ctx())) == [
        'CREATE EVENT TRIGGER "Audit" ON ddl_command_end\n  EXECUTE FUNCTION "we(ird)".f()'
    ]
    assert sqls(alter(et, et.model_copy(update={"enabled": "A"}))) == ['ALTER EVENT TRIGGER "Audit" ENABLE ALWAYS']
    assert alter(et, et.model_copy(update={"tags": ()})) is None
    assert sqls(R["event_trigger"].drop(et, ctx())) == ['DROP EVENT TRIGGER "Audit"']


# --------------------------------------------------------------------------- triggers and rules


TRIGGER = Trigger(schema_name="s", table="Order", name="on update",
                  definition='CREATE TRIGGER "on update" BEFORE UPDATE ON s."Order" FOR EACH ROW EXECUTE FUNCTION s.f()',
                  function="function:s.f()")


@pytest.mark.parametrize(("enabled", "sql"), [
    ("D", 'ALTER TABLE s."Order" DISABLE TRIGGER "on update"'),
    ("R", 'ALTER TABLE s."Order" ENABLE REPLICA TRIGGER "on update"'),
    ("A", 'ALTER TABLE s."Order" ENABLE ALWAYS TRIGGER "on update"'),
])
def test_trigger_enable_state(enabled, sql):
    t = TRIGGER.model_copy(update={"enabled": enabled})
    assert sqls(R["trigger"].create(t, ctx())) == [TRIGGER.definition, sql]
    assert sqls(alter(TRIGGER, t)) == [sql]
    assert sqls(alter(t, TRIGGER)) == ['ALTER TABLE s."Order" ENABLE TRIGGER "on update"']


def test_trigger_misc():
    assert sqls(R["trigger"].create(TRIGGER, ctx())) == [TRIGGER.definition]
    on_view = TRIGGER.model_copy(update={"table_kind": "view", "enabled": "D"})
    assert sqls(R["trigger"].create(on_view, ctx())) == [TRIGGER.definition]
    foreign = TRIGGER.model_copy(update={"table_kind": "foreign_table", "enabled": "D"})
    assert sqls(R["trigger"].create(foreign, ctx()))[1] == 'ALTER FOREIGN TABLE s."Order" DISABLE TRIGGER "on update"'
    assert alter(TRIGGER, TRIGGER.model_copy(update={"definition": TRIGGER.definition.replace("BEFORE", "AFTER")})) is None
    commented = TRIGGER.model_copy(update={"comment": "c"})
    assert sqls(R["trigger"].create(commented, ctx()))[1] == 'COMMENT ON TRIGGER "on update" ON s."Order" IS \'c\''
    assert sqls(R["trigger"].drop(TRIGGER, ctx())) == ['DROP TRIGGER "on update" ON s."Order"']


def test_rule():
    rule = Rule(schema_name="s", table="t", name="Skip", enabled="D", comment="r",
                definition='CREATE RULE "Skip" AS\n    ON DELETE TO s.t DO INSTEAD NOTHING;')
    assert sqls(R["rule"].create(rule, ctx())) == [
        'CREATE RULE "Skip" AS\n    ON DELETE TO s.t DO INSTEAD NOTHING',
        'ALTER TABLE s.t DISABLE RULE "Skip"',
        'COMMENT ON RULE "Skip" ON s.t IS \'r\'',
    ]
    assert sqls(alter(rule, rule.model_copy(update={"enabled": "O"}))) == ['ALTER TABLE s.t ENABLE RULE "Skip"']
    assert sqls(R["rule"].drop(rule, ctx())) == ['DROP RULE "Skip" ON s.t']


# --------------------------------------------------------------------------- policies


POLICY = Policy(schema_name="s", table="T", name="own rows", command="r", roles=("PUBLIC", "App User"),
                using="(owner = CURRENT_USER)")


def test_policy_create_roles_keyword_and_quoting():
    assert sqls(R["policy"].create(POLICY, ctx())) == [
        'CREATE POLICY "own rows" ON s."T"\n  AS PERMISSIVE\n  FOR SELECT\n  TO PUBLIC, "App User"'
        "\n  USING ((owner = CURRENT_USER))"
    ]
    restrictive = POLICY.model_copy(update={"permissive": False, "command": "a", "using": None,
                                            "with_check": "true", "roles": ("public_",)})
    assert sqls(R["policy"].create(restrictive, ctx())) == [
        'CREATE POLICY "own rows" ON s."T"\n  AS RESTRICTIVE\n  FOR INSERT\n  TO public_\n  WITH CHECK (true)'
    ]


def test_policy_alter_in_place_or_recreate():
    new = POLICY.model_copy(update={"roles": ("app",), "using": "true", "with_check": "(x > 0)"})
    assert sqls(alter(POLICY, new)) == [
        'ALTER POLICY "own rows" ON s."T"\n  TO app\n  USING (true)\n  WITH CHECK ((x > 0))'
    ]
    assert alter(new, POLICY) is None  # dropping WITH CHECK is impossible in place
    assert alter(POLICY, POLICY.model_copy(update={"using": None})) is None
    assert alter(POLICY, POLICY.model_copy(update={"command": "*"})) is None
    assert alter(POLICY, POLICY.model_copy(update={"permissive": False})) is None
    assert sqls(R["policy"].drop(POLICY, ctx())) == ['DROP POLICY "own rows" ON s."T"']


# --------------------------------------------------------------------------- statistics


def test_statistics():
    st = Statistics(schema_name="s", name="Stats", table="s.t", target=500, owner="o",
                    definition='CREATE STATISTICS s."Stats" (ndistinct) ON a, b FROM s.t')
    assert sqls(R["statistics"].create(st, ctx())) == [st.definition, 'ALTER STATISTICS s."Stats" SET STATISTICS 500']
    assert sqls(alter(st, st.model_copy(update={"target": None}))) == ['ALTER STATISTICS s."Stats" SET STATISTICS -1']
    assert alter(st, st.model_copy(update={"definition": st.definition.replace("ndistinct", "mcv")})) is None
    assert sqls(R["statistics"].drop(st, ctx())) == ['DROP STATISTICS s."Stats"']


# --------------------------------------------------------------------------- foreign objects


def test_fdw_create_and_alter():
    w = ForeignDataWrapper(name="My FDW", handler="public.h", validator="public.v", options=("debug=true", "x=a'b"),
                           acl=("app=U",))
    assert sqls(R["foreign_data_wrapper"].create(w, ctx())) == [
        "CREATE FOREIGN DATA WRAPPER \"My FDW\" HANDLER public.h VALIDATOR public.v OPTIONS (debug 'true', x 'a''b')",
        'GRANT USAGE ON FOREIGN DATA WRAPPER "My FDW" TO app',
    ]
    new = w.model_copy(update={"handler": None, "validator": "public.v2", "options": ("debug=false", "y=1")})
    assert sqls(alter(w, new)) == [
        'ALTER FOREIGN DATA WRAPPER "My FDW" NO HANDLER',
        'ALTER FOREIGN DATA WRAPPER "My FDW" VALIDATOR public.v2',
        "ALTER FOREIGN DATA WRAPPER \"My FDW\" OPTIONS (SET debug 'false', DROP x, ADD y '1')",
    ]
    assert sqls(R["foreign_data_wrapper"].drop(w, ctx())) == ['DROP FOREIGN DATA WRAPPER "My FDW"']


def test_server_create_and_alter():
    srv = ForeignServer(name="remote", wrapper="My FDW", server_type="pg", server_version="16",
                        options=("host=db", "port=5432"), acl=("Ops=U",), comment="c")
    assert sqls(R["server"].create(srv, ctx())) == [
        "CREATE SERVER remote TYPE 'pg' VERSION '16' FOREIGN DATA WRAPPER \"My FDW\" OPTIONS (host 'db', port '5432')",
        "COMMENT ON SERVER remote IS 'c'",
        'GRANT USAGE ON FOREIGN SERVER remote TO "Ops"',
    ]
    new = srv.model_copy(update={"server_version": None, "options": ("host=db2",)})
    assert sqls(alter(srv, new)) == ["ALTER SERVER remote VERSION NULL OPTIONS (SET host 'db2', DROP port)"]
    assert alter(srv, srv.model_copy(update={"wrapper": "other"})) is None
    assert alter(srv, srv.model_copy(update={"server_type": "x"})) is None
    assert sqls(R["server"].drop(srv, ctx())) == ["DROP SERVER remote"]


def test_user_mapping_never_renders_masked_secret():
    um = UserMapping(name="App User", server="remote", options=("password=***", "user=app"))
    out = R["user_mapping"].create(um, ctx())
    assert sqls(out) == ["CREATE USER MAPPING FOR \"App User\" SERVER remote OPTIONS (\"user\" 'app')"]
    assert "***" not in out[0].sql
    assert [h.type for h in out[0].hazards] == [HazardType.UNTRACKED_DEPENDENCIES]
    assert "option password" in out[0].hazards[0].message and "set it by hand" in out[0].hazards[0].message
    public = UserMapping(name="PUBLIC", server="remote")
    assert sqls(R["user_mapping"].create(public, ctx())) == ["CREATE USER MAPPING FOR PUBLIC SERVER remote"]
    assert sqls(R["user_mapping"].drop(um, ctx())) == ['DROP USER MAPPING FOR "App User" SERVER remote']


def test_user_mapping_alter():
    old = UserMapping(name="u", server="s", options=("password=***", "user=a"))
    # The secret is unchanged as far as anyone can tell: only user is set.
    new = old.model_copy(update={"options": ("password=***", "user=b")})
    out = alter(old, new)
    assert sqls(out) == ["ALTER USER MAPPING FOR u SERVER s OPTIONS (SET \"user\" 'b')"]
    assert out[0].hazards == ()
    # A secret that appears cannot be copied: the hazard rides on the ALTER ...
    plain = UserMapping(name="u", server="s", options=("user=a",))
    out = alter(plain, new)
    assert sqls(out) == ["ALTER USER MAPPING FOR u SERVER s OPTIONS (SET \"user\" 'b')"]
    assert HazardType.UNTRACKED_DEPENDENCIES in out[0].hazard_types()
    # ... or, when nothing else changes, on the recreate.
    assert alter(plain, plain.model_copy(update={"options": ("password=***", "user=a")})) is None
    # Removing a secret is just a DROP.
    assert sqls(alter(old, plain)) == ["ALTER USER MAPPING FOR u SERVER s OPTIONS (DROP password)"]


def test_publication_create():
    pub = Publication(name="Pub", tables=('s."T" (a, b) WHERE (a > 1)', "s.u"), schemas=("Sales",),
                      operations=("update", "insert"), via_root=True, comment="p")
    assert sqls(R["publication"].create(pub, ctx())) == [
        'CREATE PUBLICATION "Pub" FOR TABLE s."T" (a, b) WHERE (a > 1), s.u, TABLES IN SCHEMA "Sales"'
        " WITH (publish = 'insert, update', publish_via_partition_root = true)",
        "COMMENT ON PUBLICATION \"Pub\" IS 'p'",
    ]
    assert sqls(R["publication"].create(Publication(name="all", all_tables=True), ctx())) == [
        'CREATE PUBLICATION "all" FOR ALL TABLES'
    ]
    assert sqls(R["publication"].create(Publication(name="p"), ctx())) == ["CREATE PUBLICATION p"]


def test_publication_alter():
    old = Publication(name="p", tables=('s."T x" (a) WHERE (a > 1)', "s.u"), schemas=("x",))
    new = old.model_copy(update={"tables": ("s.u",), "operations": ("insert",), "via_root": True})
    assert sqls(alter(old, new)) == [
        "ALTER PUBLICATION p SET TABLE s.u, TABLES IN SCHEMA x",
        "ALTER PUBLICATION p SET (publish = 'insert', publish_via_partition_root = true)",
    ]
    empty = old.model_copy(update={"tables": (), "schemas": ()})
    assert sqls(alter(old, empty)) == ['ALTER PUBLICATION p DROP TABLE s."T x", s.u, TABLES IN SCHEMA x']
    assert alter(old, old.model_copy(update={"all_tables": True, "tables": (), "schemas": ()})) is None
    assert sqls(R["publication"].drop(old, ctx())) == ["DROP PUBLICATION p"]


# --------------------------------------------------------------------------- default privileges


def test_default_privileges_global_functions_revoke_public():
    dp = DefaultPrivilege(name="Owner", object_type="f", acl=("Owner=X",))
    assert sqls(R["default_privilege"].create(dp, ctx())) == [
        'ALTER DEFAULT PRIVILEGES FOR ROLE "Owner" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC'
    ]
    assert sqls(R["default_privilege"].drop(dp, ctx())) == [
        'ALTER DEFAULT PRIVILEGES FOR ROLE "Owner" GRANT EXECUTE ON FUNCTIONS TO PUBLIC'
    ]


def test_default_privileges_global_tables_baseline_depends_on_version():
    # The owner keeps everything (MAINTAIN from 17 on); only the extra grant is rendered.
    dp = DefaultPrivilege(name="o", object_type="r", acl=("o=Dadmrtwx", "reader=r"))
    assert sqls(R["default_privilege"].create(dp, ctx(version_num=180000))) == [
        "ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON TABLES TO reader"
    ]
    assert sqls(R["default_privilege"].create(dp, ctx())) == [
        "ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON TABLES TO reader"
    ]
    on15 = DefaultPrivilege(name="o", object_type="r", acl=("o=Dadrtwx", "reader=r"))
    assert sqls(R["default_privilege"].create(on15, ctx(version_num=150004))) == [
        "ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT SELECT ON TABLES TO reader"
    ]
    # The owner revoked its own TRUNCATE.
    dp = DefaultPrivilege(name="o", object_type="r", acl=("o=admrtwx",))
    assert sqls(R["default_privilege"].create(dp, ctx())) == [
        "ALTER DEFAULT PRIVILEGES FOR ROLE o REVOKE TRUNCATE ON TABLES FROM o"
    ]


def test_default_privileges_in_schema_baseline_is_empty():
    dp = DefaultPrivilege(name="o", schema_name="App", object_type="S", acl=("PUBLIC=U", "app=r*U"))
    assert sqls(R["default_privilege"].create(dp, ctx())) == [
        'ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA "App" GRANT USAGE ON SEQUENCES TO PUBLIC',
        'ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA "App" GRANT USAGE ON SEQUENCES TO app',
        'ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA "App" GRANT SELECT ON SEQUENCES TO app WITH GRANT OPTION',
    ]
    assert sqls(R["default_privilege"].drop(dp, ctx())) == [
        'ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA "App" REVOKE USAGE ON SEQUENCES FROM PUBLIC',
        'ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA "App" REVOKE USAGE, SELECT ON SEQUENCES FROM app',
    ]


def test_default_privileges_alter():
    old = DefaultPrivilege(name="o", schema_name="s", object_type="T", acl=("a=U*",))
    new = old.model_copy(update={"acl": ("a=U", "b=U")})
    out = R["default_privilege"].alter(old, new, {"acl"}, ctx())
    assert sqls(out) == [
        "ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA s REVOKE GRANT OPTION FOR USAGE ON TYPES FROM a",
        "ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA s GRANT USAGE ON TYPES TO b",
    ]
    assert all(s.action == "alter" and s.key == new.key for s in out)
