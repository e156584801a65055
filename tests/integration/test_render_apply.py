"""Rendered DDL runs on a real server, and leaves the catalog the way the model says.

Models are built by hand (no catalog loaders needed). Statements with ``requires`` are
held back until everything else has run, the way the planner orders them after what
they need.
"""

from __future__ import annotations

import psycopg
import pytest

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render import renderers
from pgsd.model.objects import (
    Collation,
    Column,
    CompositeAttribute,
    CompositeType,
    Constraint,
    DbObject,
    Domain,
    DomainCheck,
    EnumType,
    Extension,
    ForeignTable,
    Index,
    RangeType,
    Schema,
    Sequence,
    Table,
)
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot

R = renderers()
S = "Shop Floor"  # a schema name that must be quoted everywhere
Q = '"Shop Floor"'


def snapshot(objects: list[DbObject], version: int) -> Snapshot:
    server = ServerInfo(version=str(version // 10000), version_num=version, current_user="postgres",
                        current_database="t", is_superuser=True, in_recovery=False, encoding="UTF8",
                        can_create_in_database=True)
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), server=server)


def context(source: list[DbObject], target: list[DbObject], version: int, **options) -> RenderContext:
    return RenderContext(snapshot(source, version), snapshot(target, version), PlanOptions(**options))


def run(dsn: str, statements: list[Statement]) -> None:
    """Each statement on its own (autocommit), those with ``requires`` last."""
    ordered = [s for s in statements if not s.requires] + [s for s in statements if s.requires]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for s in ordered:
            try:
                conn.execute(s.sql)
            except psycopg.Error as e:
                raise AssertionError(f"{s.sql}\n-> {e}") from e


def create_all(objects: list[DbObject], ctx: RenderContext) -> list[Statement]:
    out: list[Statement] = []
    for obj in objects:
        if obj.kind != "column":
            out.extend(R[obj.kind].create(obj, ctx))
    return out


def query(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def changed_fields(old: DbObject, new: DbObject) -> set[str]:
    return {f for f in type(new).model_fields if getattr(old, f) != getattr(new, f)}


def alter(old: DbObject, new: DbObject, ctx: RenderContext) -> list[Statement]:
    out = R[new.kind].alter(old, new, changed_fields(old, new), ctx)
    assert out is not None, f"{new.key} cannot be altered in place"
    return out


@pytest.fixture
def version(pg_server) -> int:
    return pg_server.version_num


def col(table: str, name: str, type_: str, position: int, **kw) -> Column:
    return Column(schema_name=S, table=table, name=name, type=type_, position=position, **kw)


def shop_model(btree_gist_version: str) -> list[DbObject]:
    """One of (nearly) everything, in an order that satisfies the dependencies."""
    status = f"{Q}.status"
    orders = "order"
    ok = f'{Q}."order"'
    return [
        Schema(name=S, comment="the shop", acl=("pgsd_pwauth=U",)),
        Extension(name="btree_gist", schema_name=S, version=btree_gist_version),
        Collation(schema_name=S, name="Binary", provider="c", lc_collate="C", lc_ctype="C"),
        EnumType(schema_name=S, name="status", labels=("new", "it's paid", "back\\slash"), acl=("PUBLIC=U",)),
        Domain(schema_name=S, name="qty", base_type="integer", default="1", not_null=True, acl=("PUBLIC=U",),
               checks=(DomainCheck(name="positive", definition="CHECK ((VALUE > 0))", comment="no zero"),
                       DomainCheck(name="small", definition="CHECK ((VALUE < 1000)) NOT VALID", validated=False))),
        CompositeType(schema_name=S, name="money pair", acl=("PUBLIC=U",),
                      attributes=(CompositeAttribute(name="amount", type="numeric(12,2)"),
                                  CompositeAttribute(name="currency", type="text", collation=f"{Q}.\"Binary\""))),
        RangeType(schema_name=S, name="float_range", subtype="double precision", subtype_diff="float8mi",
                  multirange_name=f"{Q}.float_multi", acl=("PUBLIC=U",)),
        Sequence(schema_name=S, name="order_no", data_type="integer", max_value=99999, start=100, cache=5,
                 owned_by=f"column:{ok}.no", acl=("pgsd_pwauth=rU",)),
        Table(schema_name=S, name=orders, comment="orders", acl=("pgsd_pwauth=arw",), rls_enabled=True,
              replica_identity="i", replica_identity_index="order_pkey", cluster_index="order_state_idx",
              options=("fillfactor=90",)),
        col(orders, "id", "bigint", 1, identity="a", not_null=True,
            identity_sequence=(("start", "10"), ("increment", "5"), ("cycle", "true"), ("maxvalue", "100000"))),
        col(orders, "no", "integer", 2, default=f"nextval('{Q}.order_no'::regclass)", not_null=True),
        col(orders, "state", status, 3, default=f"'new'::{status}", comment="where it's at"),
        col(orders, "history", f"{status}[]", 4),
        col(orders, "User", "text", 5, collation=f"{Q}.\"Binary\"", storage="m", statistics=500,
            compression="pglz", acl=("pgsd_pwauth=x",)),
        col(orders, "qty", f"{Q}.qty", 6),
        col(orders, "total", "numeric(12,2)", 7, generated="s", default="((qty)::numeric * 2.5)"),
        col(orders, "price", f'{Q}."money pair"', 8),
        col(orders, "span", f"{Q}.float_range", 9),
        Constraint(schema_name=S, table=orders, name="order_pkey", type="p", definition="PRIMARY KEY (id)"),
        Constraint(schema_name=S, table=orders, name="select", type="u", deferrable=True, deferred=True,
                   definition="UNIQUE (no) DEFERRABLE INITIALLY DEFERRED"),
        Constraint(schema_name=S, table=orders, name="no_overlap", type="x",
                   definition="EXCLUDE USING gist (no WITH =, span WITH &&)"),
        Constraint(schema_name=S, table=orders, name="user check", type="c", validated=False,
                   definition="CHECK ((length(\"User\") > 0)) NOT VALID", comment="named"),
        Index(schema_name=S, table=orders, name="order_state_idx",
              definition=f"CREATE INDEX order_state_idx ON {ok} USING btree (state) WITH (fillfactor='70')"),
        Table(schema_name=S, name="line"),
        col("line", "order_id", "bigint", 1),
        Constraint(schema_name=S, table="line", name="line_order_fkey", type="f", references=ok,
                   definition=f"FOREIGN KEY (order_id) REFERENCES {ok}(id) ON DELETE CASCADE"),
        Table(schema_name=S, name="events", is_partitioned=True, partition_key="RANGE (at)"),
        col("events", "at", "date", 1, not_null=True),
        col("events", "kind", "text", 2),
        Table(schema_name=S, name="events 2024", partition_of=f"{Q}.events",
              partition_bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"),
        Table(schema_name=S, name="events_other", partition_of=f"{Q}.events", partition_bound="DEFAULT"),
        Index(schema_name=S, table="events", name="events_kind_idx", is_partitioned=True,
              definition=f"CREATE INDEX events_kind_idx ON ONLY {Q}.events USING btree (kind)"),
        Table(schema_name=S, name="base"),
        col("base", "a", "integer", 1, default="1"),
        Table(schema_name=S, name="child", inherits=(f"{Q}.base",), persistence="u"),
        col("child", "a", "integer", 1, is_local=False, default="2", not_null=True),
        col("child", "b", "text", 2),
        Table(schema_name=S, name="empty"),
    ]


def test_created_objects_exist_as_modelled(pg_server, new_db, version):
    dsn = new_db()
    [(gist,)] = query(dsn, "SELECT default_version FROM pg_available_extensions WHERE name = 'btree_gist'")
    objects = shop_model(gist)
    ctx = context(objects, [], version)
    run(dsn, create_all(objects, ctx))

    assert query(dsn, f"SELECT enum_range(NULL::{Q}.status)::text") == [('{new,"it\'s paid","back\\\\slash"}',)]
    assert query(dsn, f"""SELECT a.attname, a.attidentity, a.attgenerated, a.attstorage, a.attstattarget, a.attnotnull
                           FROM pg_attribute a WHERE a.attrelid = '{Q}."order"'::regclass AND a.attnum > 0
                           ORDER BY a.attnum""") == [
        ("id", "a", "", "p", None if version >= 170000 else -1, True),
        ("no", "", "", "p", None if version >= 170000 else -1, True),
        ("state", "", "", "p", None if version >= 170000 else -1, False),
        ("history", "", "", "x", None if version >= 170000 else -1, False),
        ("User", "", "", "m", 500, False),
        ("qty", "", "", "p", None if version >= 170000 else -1, False),
        ("total", "", "s", "m", None if version >= 170000 else -1, False),
        ("price", "", "", "x", None if version >= 170000 else -1, False),
        ("span", "", "", "x", None if version >= 170000 else -1, False),
    ]
    seq = query(dsn, f"""SELECT seqstart, seqincrement, seqmax, seqcycle FROM pg_sequence
                          WHERE seqrelid = pg_get_serial_sequence('{Q}."order"', 'id')::regclass""")
    assert seq == [(10, 5, 100000, True)]
    assert query(dsn, f"SELECT pg_get_serial_sequence('{Q}.\"order\"', 'no')") == [(f"{Q}.order_no",)]
    assert query(dsn, f"""SELECT relrowsecurity, relreplident, relpersistence FROM pg_class
                           WHERE oid = '{Q}."order"'::regclass""") == [(True, "i", "p")]
    assert query(dsn, f"SELECT indisclustered, indisreplident FROM pg_index WHERE indexrelid = "
                      f"'{Q}.order_state_idx'::regclass") == [(True, False)]
    assert query(dsn, f"SELECT relpersistence FROM pg_class WHERE oid = '{Q}.child'::regclass") == [("u",)]
    assert query(dsn, f"SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = '{Q}.child'::regclass") \
        == [("2",)]
    # The partitioned index cascaded to the partitions, and is valid.
    assert query(dsn, f"SELECT indisvalid FROM pg_index WHERE indexrelid = '{Q}.events_kind_idx'::regclass") == [(True,)]
    assert query(dsn, f"SELECT count(*) FROM pg_inherits WHERE inhparent = '{Q}.events_kind_idx'::regclass") == [(2,)]
    assert query(dsn, f"SELECT has_column_privilege('pgsd_pwauth', '{Q}.\"order\"', 'User', 'REFERENCES'),"
                      f" has_column_privilege('pgsd_pwauth', '{Q}.\"order\"', 'id', 'REFERENCES')") == [(True, False)]
    assert query(dsn, f"SELECT col_description('{Q}.\"order\"'::regclass, 3)") == [("where it's at",)]
    # Inserting through the identity, sequence, domain default and generated column works.
    pg_server.execute(dsn, f"INSERT INTO {Q}.\"order\" (\"User\") VALUES ('x')")
    assert query(dsn, f"SELECT id, no, qty, total::text FROM {Q}.\"order\"") == [(10, 100, 1, "2.50")]


def test_enum_changes_apply(pg_server, new_db, version):
    dsn = new_db()
    old = EnumType(schema_name=S, name="status", labels=("b", "d"), acl=("PUBLIC=U", "pgsd_pwauth=U"))
    table = Table(schema_name=S, name="t")
    c1 = col("t", "state", f"{Q}.status", 1, default=f"'b'::{Q}.status")
    c2 = col("t", "history", f"{Q}.status[]", 2)
    base = [Schema(name=S), old, table, c1, c2]
    run(dsn, create_all(base, context(base, [], version)))
    pg_server.execute(dsn, f"INSERT INTO {Q}.t VALUES ('b', ARRAY['b','d']::{Q}.status[]), ('d', NULL)")

    added = old.model_copy(update={"labels": ("a", "b", "c", "d", "e")})
    statements = alter(old, added, context([added], [old], version))
    assert all(not s.transactional for s in statements)
    run(dsn, statements)
    assert query(dsn, f"SELECT enum_range(NULL::{Q}.status)::text") == [("{a,b,c,d,e}",)]

    reordered = old.model_copy(update={"labels": ("e", "d", "b", "new")})
    src_c1 = c1.model_copy(update={"default": f"'new'::{Q}.status"})
    ctx = context([reordered, table, src_c1, c2], [added, table, c1, c2], version)
    assert R["enum"].breaks_dependents(added, reordered, {"labels"}, ctx)
    run(dsn, alter(added, reordered, ctx))
    assert query(dsn, f"SELECT enum_range(NULL::{Q}.status)::text") == [("{e,d,b,new}",)]
    assert query(dsn, f"SELECT state::text AS s, history::text AS h FROM {Q}.t ORDER BY state") == [
        ("d", None), ("b", "{b,d}")]
    assert query(dsn, f"SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = '{Q}.t'::regclass") == [
        (f"'new'::{Q}.status",)]
    assert query(dsn, f"SELECT has_type_privilege('pgsd_pwauth', '{Q}.status', 'USAGE')") == [(True,)]
    assert query(dsn, "SELECT count(*) FROM pg_type WHERE typname LIKE '%pgsd_old%'") == [(0,)]


def test_column_changes_apply(pg_server, new_db, version):
    dsn = new_db()
    table = Table(schema_name=S, name="t")
    old_cols = [
        col("t", "code", "text", 1, default="'7'::text"),
        col("t", "id", "integer", 2, default=f"nextval('{Q}.t_id_seq'::regclass)", not_null=True),
        col("t", "name", "character varying(10)", 3, collation='"C"'),
        col("t", "g", "integer", 4, generated="s", default="(id * 2)"),
        col("t", "ident", "bigint", 5, identity="d", not_null=True,
            identity_sequence=(("cache", "5"), ("cycle", "true"))),
        col("t", "note", "text", 6, storage="m", statistics=100),
    ]
    seq = Sequence(schema_name=S, name="t_id_seq", owned_by=old_cols[1].key)
    base = [Schema(name=S), seq, table, *old_cols]
    run(dsn, create_all(base, context(base, [], version)))
    pg_server.execute(dsn, f"INSERT INTO {Q}.t (code, name) VALUES ('42', 'abc')")

    new_cols = [
        col("t", "code", "integer", 1, default="0", not_null=True),
        col("t", "id", "integer", 2, identity="a", not_null=True, identity_sequence=(("start", "1000"),)),
        col("t", "name", "text", 3),
        col("t", "g", "integer", 4, default="5"),
        col("t", "ident", "integer", 5, identity="a", not_null=True, identity_sequence=(("increment", "3"),)),
        col("t", "note", "text", 6),
    ]
    ctx = context([table, *new_cols], [seq, table, *old_cols], version)
    statements: list[Statement] = []
    for o, n in zip(old_cols, new_cols, strict=True):
        statements += alter(o, n, ctx)
    added = col("t", "added", "timestamp with time zone", 7, default="now()", not_null=True, comment="new")
    statements += R["column"].create(added, ctx)
    statements += R["sequence"].drop(seq, ctx)  # serial -> identity: the old sequence goes
    run(dsn, statements)
    assert query(dsn, f"SELECT code, g, name FROM {Q}.t") == [(42, 2, "abc")]
    assert query(dsn, f"""SELECT attname, format_type(atttypid, atttypmod), attidentity, attgenerated, attnotnull,
                                 attstorage, coalesce((SELECT collname FROM pg_collation WHERE oid = attcollation), '-')
                            FROM pg_attribute
                           WHERE attrelid = '{Q}.t'::regclass AND attnum > 0 AND NOT attisdropped
                           ORDER BY attnum""") == [
        ("code", "integer", "", "", True, "p", "-"),
        ("id", "integer", "a", "", True, "p", "-"),
        ("name", "text", "", "", False, "x", "default"),
        ("g", "integer", "", "", False, "p", "-"),
        ("ident", "integer", "a", "", True, "p", "-"),
        ("note", "text", "", "", False, "x", "default"),
        ("added", "timestamp with time zone", "", "", True, "p", "-"),
    ]
    assert query(dsn, f"""SELECT seqincrement, seqcache, seqcycle FROM pg_sequence
                           WHERE seqrelid = pg_get_serial_sequence('{Q}.t', 'ident')::regclass""") == [(3, 1, False)]
    assert query(dsn, f"""SELECT seqstart FROM pg_sequence
                           WHERE seqrelid = pg_get_serial_sequence('{Q}.t', 'id')::regclass""") == [(1000,)]


def test_table_constraint_index_and_sequence_changes_apply(pg_server, new_db, version):
    dsn = new_db()
    parent_a = Table(schema_name=S, name="pa", is_partitioned=True, partition_key="LIST (k)")
    parent_b = Table(schema_name=S, name="pb", is_partitioned=True, partition_key="LIST (k)")
    part = Table(schema_name=S, name="part", partition_of=f"{Q}.pa", partition_bound="FOR VALUES IN (1)")
    ref = Table(schema_name=S, name="ref")
    t = Table(schema_name=S, name="t", options=("fillfactor=70",))
    cols = [col("pa", "k", "integer", 1), col("pb", "k", "integer", 1), col("ref", "id", "integer", 1),
            col("t", "a", "integer", 2), col("t", "r", "integer", 3)]
    pk = Constraint(schema_name=S, table="ref", name="ref_pkey", type="p", definition="PRIMARY KEY (id)")
    fk = Constraint(schema_name=S, table="t", name="t_r_fkey", type="f", validated=False,
                    definition=f"FOREIGN KEY (r) REFERENCES {Q}.ref(id) NOT VALID")
    check = Constraint(schema_name=S, table="t", name="positive", type="c", definition="CHECK ((a > 0))")
    idx = Index(schema_name=S, table="t", name="t_a_idx",
                definition=f"CREATE INDEX t_a_idx ON {Q}.t USING btree (a) WITH (fillfactor='70')",
                options=("fillfactor=70",))
    seq = Sequence(schema_name=S, name="q")
    loose = Table(schema_name=S, name="loose")
    base = [Schema(name=S), parent_a, parent_b, part, ref, t, *cols, pk, fk, seq, idx, loose]
    run(dsn, create_all(base, context(base, [], version)))

    moved = part.model_copy(update={"partition_of": f"{Q}.pb", "partition_bound": "FOR VALUES IN (2)"})
    t2 = t.model_copy(update={"options": ("autovacuum_enabled=false",), "rls_enabled": True,
                              "replica_identity": "f"})
    fk2 = fk.model_copy(update={"validated": True, "deferrable": True,
                                "definition": f"FOREIGN KEY (r) REFERENCES {Q}.ref(id) DEFERRABLE"})
    idx2 = idx.model_copy(update={"options": ("fillfactor=90",), "definition": idx.definition.replace("70", "90")})
    seq2 = seq.model_copy(update={"increment": 2, "max_value": 1000, "cycle": True, "data_type": "integer"})
    target = [parent_a, parent_b, part, ref, t, *cols, pk, fk, seq, idx]
    source = [parent_a, parent_b, moved, ref, t2, *cols, pk, fk2, seq2, idx2, check]
    ctx = context(source, target, version, concurrently=True, not_valid=True)
    statements = []
    loose2 = loose.model_copy(update={"persistence": "u"})
    for old, new in ((part, moved), (t, t2), (fk, fk2), (idx, idx2), (seq, seq2), (loose, loose2)):
        statements += alter(old, new, ctx)
    statements += R["constraint"].create(check, ctx)
    extra = Index(schema_name=S, table="t", name="t_r_idx", definition=f"CREATE INDEX t_r_idx ON {Q}.t USING btree (r)")
    statements += R["index"].create(extra, ctx)
    assert any(not s.transactional for s in statements)
    run(dsn, statements)

    assert query(dsn, f"SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = '{Q}.part'::regclass") \
        == [(f"{Q}.pb",)]
    assert query(dsn, f"SELECT reloptions, relrowsecurity, relreplident FROM pg_class "
                      f"WHERE oid = '{Q}.t'::regclass") == [(["autovacuum_enabled=false"], True, "f")]
    assert query(dsn, f"SELECT relpersistence FROM pg_class WHERE oid = '{Q}.loose'::regclass") == [("u",)]
    assert query(dsn, f"SELECT conname, convalidated, condeferrable FROM pg_constraint "
                      f"WHERE conrelid = '{Q}.t'::regclass ORDER BY 1") == [
        ("positive", True, False), ("t_r_fkey", True, True)]
    assert query(dsn, f"SELECT reloptions FROM pg_class WHERE oid = '{Q}.t_a_idx'::regclass") == [(["fillfactor=90"],)]
    assert query(dsn, f"SELECT seqincrement, seqmax, seqcycle FROM pg_sequence WHERE seqrelid = '{Q}.q'::regclass") \
        == [(2, 1000, True)]


def test_types_and_foreign_table_changes_apply(pg_server, new_db, version):
    dsn = new_db()
    pg_server.execute(dsn, "CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER file_fdw")
    d = Domain(schema_name=S, name="d", base_type="integer", default="1", acl=("PUBLIC=U",),
               checks=(DomainCheck(name="a", definition="CHECK ((VALUE > 0))"),))
    ct = CompositeType(schema_name=S, name="ct", acl=("PUBLIC=U",),
                       attributes=(CompositeAttribute(name="x", type="integer"),
                                   CompositeAttribute(name="y", type="text")))
    ft = ForeignTable(schema_name=S, name="remote", server="files", options=("filename=/tmp/a.csv", "format=csv"))
    fcols = [Column(schema_name=S, table="remote", table_kind="foreign_table", name="a", type="integer", position=1)]
    base = [Schema(name=S), d, ct, ft, *fcols]
    run(dsn, create_all(base, context(base, [], version)))

    d2 = d.model_copy(update={"default": None, "not_null": True, "checks": (
        DomainCheck(name="a", definition="CHECK ((VALUE > 1))"),
        DomainCheck(name="b", definition="CHECK ((VALUE < 100)) NOT VALID", validated=False, comment="b!"))})
    ct2 = ct.model_copy(update={"attributes": (CompositeAttribute(name="x", type="bigint"),
                                               CompositeAttribute(name="z", type="date"))})
    ft2 = ft.model_copy(update={"options": ("filename=/tmp/b.csv", "header=true")})
    fcols2 = [fcols[0].model_copy(update={"type": "bigint", "not_null": True})]
    ctx = context([d2, ct2, ft2, *fcols2], [d, ct, ft, *fcols], version)
    statements = alter(d, d2, ctx) + alter(ct, ct2, ctx) + alter(ft, ft2, ctx) + alter(fcols[0], fcols2[0], ctx)
    run(dsn, statements)
    assert query(dsn, f"SELECT conname, convalidated FROM pg_constraint WHERE contypid = '{Q}.d'::regtype "
                      "AND contype = 'c' ORDER BY 1") == [("a", True), ("b", False)]
    assert query(dsn, f"SELECT typnotnull, typdefault FROM pg_type WHERE oid = '{Q}.d'::regtype") == [(True, None)]
    assert query(dsn, f"""SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
                           WHERE attrelid = '{Q}.ct'::regclass AND attnum > 0 AND NOT attisdropped
                           ORDER BY attnum""") == [("x", "bigint"), ("z", "date")]
    assert query(dsn, f"SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = '{Q}.remote'::regclass") == [
        (["filename=/tmp/b.csv", "header=true"],)]
