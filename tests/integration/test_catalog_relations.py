"""Catalog loaders for sequences, tables, columns, constraints and indexes, against a real
server: create with SQL, read, alter, read again; plus the whole-snapshot properties
(deterministic, equal for equal databases, JSON round trip, constant query count).

While other loaders are still being written, only the LOADERS entries whose modules
import are run (``loaders_that_import``); once every module exists that is the full list.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable

import pytest

import pgsd.catalog.inspect as inspect_mod
from pgsd.catalog.inspect import inspect_database
from pgsd.catalog.loaders import LOADERS
from pgsd.connect import ConnectionSpec, SidePool
from pgsd.connect.pool import ReadSession
from pgsd.model.objects import Column, Constraint, ForeignTable, Index, Sequence, Table
from pgsd.model.snapshot import Filters, Snapshot

READER_ROLE = "pgsd_cat_reader"


def loaders_that_import() -> tuple[tuple[str, str, str], ...]:
    """LOADERS minus entries whose module or function does not exist (yet)."""

    def ok(module: str, func: str) -> bool:
        try:
            return hasattr(importlib.import_module(module), func)
        except ImportError:
            return False

    return tuple(entry for entry in LOADERS if ok(entry[0], entry[1]))


@pytest.fixture(autouse=True)
def _only_importable_loaders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inspect_mod, "LOADERS", loaders_that_import())


def snap(dsn: str, filters: Filters | None = None) -> Snapshot:
    with SidePool(ConnectionSpec.parse(dsn)) as pool:
        return inspect_database(pool, filters)


def major(pg_server) -> int:
    return pg_server.version_num // 10000


@pytest.fixture
def db(pg_server, new_db) -> tuple[str, Callable[[str], None]]:
    """A fresh database and a function running SQL in it."""
    dsn = new_db()

    def run(text: str) -> None:
        pg_server.execute(dsn, text)

    return dsn, run


@pytest.fixture
def reader_role(pg_server) -> str:
    """A cluster-wide role to grant things to (created once, shared by workers, never dropped:
    another worker's databases may still hold grants to it)."""
    pg_server.execute(
        pg_server.admin_dsn,
        f"DO $$ BEGIN CREATE ROLE {READER_ROLE} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    )
    return READER_ROLE


def get(s: Snapshot, key: str):
    obj = s.get(key)
    assert obj is not None, f"{key} missing; have {sorted(o.key for o in s.objects)}"
    return obj


# --------------------------------------------------------------------------- tables


def test_table_fields_and_alter(db, reader_role):
    dsn, run = db
    run(
        f"""
        CREATE SCHEMA app;
        CREATE TABLE app.orders (id int PRIMARY KEY, total numeric NOT NULL, note text) WITH (fillfactor = 70, autovacuum_enabled = off);
        COMMENT ON TABLE app.orders IS 'orders';
        GRANT SELECT, INSERT ON app.orders TO {reader_role};
        CREATE UNIQUE INDEX orders_total_uidx ON app.orders (total);
        CREATE UNLOGGED TABLE app.scratch (x int);
        """
    )
    s = snap(dsn)
    t = get(s, "table:app.orders")
    assert isinstance(t, Table)
    assert t.owner and t.comment == "orders"
    assert t.acl == (f"{reader_role}=ar",)
    assert t.options == ("autovacuum_enabled=off", "fillfactor=70")
    assert (t.persistence, t.replica_identity, t.rls_enabled, t.rls_forced) == ("p", "d", False, False)
    assert t.tablespace is None and t.access_method is None and t.cluster_index is None
    assert t.inherits == () and t.partition_of is None and not t.is_partitioned
    assert get(s, "table:app.scratch").persistence == "u"

    run(
        f"""
        ALTER TABLE app.orders SET (fillfactor = 50), RESET (autovacuum_enabled);
        ALTER TABLE app.orders REPLICA IDENTITY USING INDEX orders_total_uidx;
        ALTER TABLE app.orders CLUSTER ON orders_pkey;
        ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
        GRANT UPDATE ON app.orders TO {reader_role} WITH GRANT OPTION;
        COMMENT ON TABLE app.orders IS NULL;
        ALTER TABLE app.scratch SET LOGGED;
        """
    )
    t = get(snap(dsn), "table:app.orders")
    assert t.options == ("fillfactor=50",)
    assert (t.replica_identity, t.replica_identity_index) == ("i", "orders_total_uidx")
    assert t.cluster_index == "orders_pkey"
    assert t.rls_enabled and t.rls_forced
    assert t.acl == (f"{reader_role}=arw*",)
    assert t.comment is None
    assert get(snap(dsn), "table:app.scratch").persistence == "p"


def test_partitions_and_inheritance(db):
    dsn, run = db
    run(
        """
        CREATE TABLE public.events (id int, at date NOT NULL, payload text) PARTITION BY RANGE (at);
        CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE public.events_other PARTITION OF public.events DEFAULT;
        CREATE INDEX events_at_idx ON public.events (at);
        CREATE TABLE public.base1 (a int);
        CREATE TABLE public.base2 (b int);
        CREATE TABLE public."Child" (c int) INHERITS (public.base2, public.base1);
        """
    )
    s = snap(dsn)
    parent = get(s, "table:public.events")
    assert parent.is_partitioned and parent.partition_key == "RANGE (at)"
    part = get(s, "table:public.events_2024")
    assert part.partition_of == "public.events" and part.inherits == ()
    assert part.partition_bound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    assert get(s, "table:public.events_other").partition_bound == "DEFAULT"
    # Columns of partitions come from the parent; the parent's index is listed once.
    assert not any(o.kind == "column" and o.table == "events_2024" for o in s.objects)
    idx = get(s, "index:public.events_at_idx")
    assert idx.is_partitioned
    assert [o.key for o in s.objects if o.kind == "index"] == ["index:public.events_at_idx"]
    child = get(s, 'table:public."Child"')
    assert child.inherits == ("public.base2", "public.base1")
    inherited = get(s, 'column:public."Child".a')
    assert not inherited.is_local
    assert get(s, 'column:public."Child".c').is_local

    run("ALTER TABLE public.events DETACH PARTITION public.events_2024")
    s = snap(dsn)
    assert get(s, "table:public.events_2024").partition_of is None
    assert any(o.kind == "column" and o.table == "events_2024" for o in s.objects)


def test_foreign_table(db):
    dsn, run = db
    run(
        """
        CREATE FOREIGN DATA WRAPPER dummy_fdw;
        CREATE SERVER remote FOREIGN DATA WRAPPER dummy_fdw;
        CREATE FOREIGN TABLE public.ft (a int OPTIONS (column_name 'remote_a'), b text NOT NULL)
            SERVER remote OPTIONS (table_name 'r', schema_name 'x');
        """
    )
    s = snap(dsn)
    ft = get(s, "foreign_table:public.ft")
    assert isinstance(ft, ForeignTable)
    assert ft.server == "remote" and ft.options == ("schema_name=x", "table_name=r")
    a = get(s, "column:public.ft.a")
    assert a.table_kind == "foreign_table" and a.fdw_options == ("column_name=remote_a",)
    assert get(s, "column:public.ft.b").not_null
    run("ALTER FOREIGN TABLE public.ft OPTIONS (DROP schema_name), ALTER COLUMN a OPTIONS (SET column_name 'ra')")
    s = snap(dsn)
    assert get(s, "foreign_table:public.ft").options == ("table_name=r",)
    assert get(s, "column:public.ft.a").fdw_options == ("column_name=ra",)


def test_typed_table(db):
    dsn, run = db
    run("CREATE TYPE public.pair AS (x int, y int); CREATE TABLE public.pairs OF public.pair (x PRIMARY KEY)")
    s = snap(dsn)
    assert get(s, "table:public.pairs").of_type == "public.pair"
    assert get(s, "column:public.pairs.y").type == "integer"


# --------------------------------------------------------------------------- columns


def test_column_fields_and_alter(db, pg_server, reader_role):
    dsn, run = db
    run(
        f"""
        CREATE TABLE public.t (
            id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 CACHE 20),
            small smallint GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -1),
            name text COLLATE "C" NOT NULL DEFAULT 'x',
            amount numeric(12,2),
            doubled numeric GENERATED ALWAYS AS (amount * 2) STORED,
            tags text[],
            "Mixed Case" int
        );
        ALTER TABLE public.t ALTER COLUMN amount SET STATISTICS 300, ALTER COLUMN tags SET STORAGE EXTERNAL;
        COMMENT ON COLUMN public.t.amount IS 'money';
        GRANT SELECT (amount), UPDATE (amount) ON public.t TO {reader_role};
        """
    )
    s = snap(dsn)
    idc = get(s, "column:public.t.id")
    assert isinstance(idc, Column)
    assert (idc.identity, idc.type, idc.not_null, idc.position) == ("a", "bigint", True, 1)
    assert idc.identity_sequence == (("start", "100"), ("cache", "20"))
    small = get(s, "column:public.t.small")
    assert small.identity == "d" and small.identity_sequence == (("increment", "-1"),)
    name = get(s, "column:public.t.name")
    assert name.collation == 'pg_catalog."C"' and name.default == "'x'::text" and name.not_null
    amount = get(s, "column:public.t.amount")
    assert amount.type == "numeric(12,2)" and amount.statistics == 300 and amount.comment == "money"
    assert amount.acl == (f"{reader_role}=rw",)
    assert amount.storage is None and amount.compression is None
    assert get(s, "column:public.t.tags").storage == "e"
    doubled = get(s, "column:public.t.doubled")
    assert doubled.generated == "s" and doubled.default == "(amount * (2)::numeric)"
    assert get(s, 'column:public.t."Mixed Case"').position == 7
    assert not any(o.kind == "sequence" for o in s.objects), "identity sequences are not Sequence objects"

    run(
        """
        ALTER TABLE public.t ALTER COLUMN id SET INCREMENT BY 5, ALTER COLUMN id RESTART;
        ALTER TABLE public.t ALTER COLUMN id SET START WITH 1, ALTER COLUMN id SET CACHE 1;
        ALTER TABLE public.t ALTER COLUMN name DROP NOT NULL, ALTER COLUMN name SET DEFAULT 'y';
        ALTER TABLE public.t ALTER COLUMN amount SET STATISTICS -1, ALTER COLUMN "Mixed Case" TYPE numeric(14,2);
        ALTER TABLE public.t ALTER COLUMN tags SET STORAGE EXTENDED;
        """
    )
    if major(pg_server) >= 14:
        run("ALTER TABLE public.t ALTER COLUMN name SET COMPRESSION pglz")
    s = snap(dsn)
    idc = get(s, "column:public.t.id")
    assert idc.identity_sequence == (("increment", "5"),)
    name = get(s, "column:public.t.name")
    assert not name.not_null and name.default == "'y'::text"
    if major(pg_server) >= 14:
        assert name.compression == "pglz"  # the method as CREATE TABLE names it
    amount = get(s, "column:public.t.amount")
    assert amount.statistics is None
    assert get(s, 'column:public.t."Mixed Case"').type == "numeric(14,2)"
    assert get(s, "column:public.t.tags").storage is None


def test_virtual_generated_column(db, pg_server):
    if major(pg_server) < 18:
        pytest.skip("virtual generated columns are PostgreSQL 18+")
    dsn, run = db
    run("CREATE TABLE public.v (a int, b int GENERATED ALWAYS AS (a + 1) VIRTUAL)")
    b = get(snap(dsn), "column:public.v.b")
    assert b.generated == "v" and b.default == "(a + 1)"


# --------------------------------------------------------------------------- constraints


def test_constraints(db, pg_server):
    dsn, run = db
    run(
        """
        CREATE TABLE public.customers (id int, email text, CONSTRAINT customers_pk PRIMARY KEY (id));
        CREATE UNIQUE INDEX customers_email_key ON public.customers (email);
        ALTER TABLE public.customers ADD CONSTRAINT email_uq UNIQUE USING INDEX customers_email_key;
        CREATE TABLE public.orders (
            id int PRIMARY KEY,
            customer_id int REFERENCES public.customers (id) ON DELETE CASCADE,
            qty int CONSTRAINT qty_pos CHECK (qty > 0) NO INHERIT,
            during int4range,
            CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&) DEFERRABLE INITIALLY DEFERRED
        );
        COMMENT ON CONSTRAINT qty_pos ON public.orders IS 'positive';
        CREATE TABLE public.sub () INHERITS (public.orders);
        """
    )
    s = snap(dsn)
    pk = get(s, "constraint:public.customers.customers_pk")
    assert isinstance(pk, Constraint)
    assert (pk.type, pk.definition, pk.index_name) == ("p", "PRIMARY KEY (id)", "customers_pk")
    uq = get(s, "constraint:public.customers.email_uq")
    assert uq.type == "u" and uq.index_name == "email_uq"
    fk = get(s, "constraint:public.orders.orders_customer_id_fkey")
    assert fk.type == "f" and fk.references == "public.customers" and fk.index_name is None
    assert fk.definition == "FOREIGN KEY (customer_id) REFERENCES public.customers(id) ON DELETE CASCADE"
    chk = get(s, "constraint:public.orders.qty_pos")
    assert chk.type == "c" and chk.no_inherit and chk.comment == "positive"
    assert chk.definition == "CHECK ((qty > 0)) NO INHERIT"
    ex = get(s, "constraint:public.orders.no_overlap")
    assert ex.type == "x" and ex.deferrable and ex.deferred and ex.index_name == "no_overlap"
    # Inherited copies and NOT NULL constraints (18) are not listed; backing indexes neither.
    assert not any(o.kind == "constraint" and o.table == "sub" for o in s.objects)
    assert {o.type for o in s.objects if o.kind == "constraint"} == {"p", "u", "f", "c", "x"}
    assert not any(o.kind == "index" for o in s.objects)

    run(
        """
        ALTER TABLE public.orders DROP CONSTRAINT qty_pos;
        ALTER TABLE public.orders ADD CONSTRAINT qty_pos CHECK (qty >= 0) NOT VALID;
        ALTER TABLE public.orders DROP CONSTRAINT orders_customer_id_fkey,
            ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers (id)
            DEFERRABLE;
        """
    )
    s = snap(dsn)
    chk = get(s, "constraint:public.orders.qty_pos")
    assert not chk.validated and not chk.no_inherit and chk.definition == "CHECK ((qty >= 0)) NOT VALID"
    fk = get(s, "constraint:public.orders.orders_customer_id_fkey")
    assert fk.deferrable and not fk.deferred
    if major(pg_server) >= 18:
        run("ALTER TABLE public.orders ADD CONSTRAINT lax CHECK (qty < 100) NOT ENFORCED")
        assert not get(snap(dsn), "constraint:public.orders.lax").enforced


# --------------------------------------------------------------------------- indexes


def test_indexes(db, pg_server):
    dsn, run = db
    run(
        """
        CREATE TABLE public.t (a int, b text);
        CREATE INDEX t_a_idx ON public.t (a) WITH (fillfactor = 60);
        CREATE UNIQUE INDEX t_lower_b ON public.t (lower(b)) WHERE a > 0;
        COMMENT ON INDEX public.t_a_idx IS 'by a';
        CREATE MATERIALIZED VIEW public.mv AS SELECT a FROM public.t;
        CREATE INDEX mv_a ON public.mv (a);
        """
    )
    s = snap(dsn)
    a = get(s, "index:public.t_a_idx")
    assert isinstance(a, Index)
    assert a.definition == "CREATE INDEX t_a_idx ON public.t USING btree (a) WITH (fillfactor='60')"
    assert a.options == ("fillfactor=60",) and a.comment == "by a" and not a.is_unique
    assert (a.table, a.table_kind, a.parent_key) == ("t", "table", "table:public.t")
    lb = get(s, "index:public.t_lower_b")
    assert lb.is_unique and lb.definition.endswith("(lower(b)) WHERE (a > 0)")
    mv = get(s, "index:public.mv_a")
    assert mv.table_kind == "materialized_view" and mv.parent_key == "materialized_view:public.mv"

    run("ALTER INDEX public.t_a_idx RESET (fillfactor); DROP INDEX public.t_lower_b")
    if major(pg_server) >= 15:
        run("CREATE UNIQUE INDEX t_b_nnd ON public.t (b) NULLS NOT DISTINCT")
    s = snap(dsn)
    assert get(s, "index:public.t_a_idx").options == ()
    assert s.get("index:public.t_lower_b") is None
    if major(pg_server) >= 15:
        assert "NULLS NOT DISTINCT" in get(s, "index:public.t_b_nnd").definition


# --------------------------------------------------------------------------- sequences


def test_sequences(db, pg_server, reader_role):
    dsn, run = db
    run(
        f"""
        CREATE SCHEMA s;
        CREATE SEQUENCE s.free AS integer INCREMENT 5 START 10 MINVALUE 10 MAXVALUE 1000 CACHE 3 CYCLE;
        GRANT USAGE ON SEQUENCE s.free TO {reader_role};
        CREATE TABLE s."Order" (id serial, n int GENERATED ALWAYS AS IDENTITY);
        """
    )
    s = snap(dsn)
    free = get(s, "sequence:s.free")
    assert isinstance(free, Sequence)
    assert (free.data_type, free.start, free.increment, free.min_value, free.max_value, free.cache, free.cycle) == (
        "integer", 10, 5, 10, 1000, 3, True)
    assert free.owned_by is None and free.acl == (f"{reader_role}=U",)
    serial = get(s, 'sequence:s."Order_id_seq"')
    assert serial.owned_by == 'column:s."Order".id'
    assert s.get(serial.owned_by) is not None
    assert get(s, 'column:s."Order".id').default == "nextval('s.\"Order_id_seq\"'::regclass)"
    assert [o.key for o in s.objects if o.kind == "sequence"] == ['sequence:s."Order_id_seq"', "sequence:s.free"]

    run("ALTER SEQUENCE s.free NO CYCLE INCREMENT 1 OWNED BY s.\"Order\".n")
    if major(pg_server) >= 15:
        run("ALTER SEQUENCE s.free SET UNLOGGED")
    free = get(snap(dsn), "sequence:s.free")
    assert not free.cycle and free.increment == 1 and free.owned_by == 'column:s."Order".n'
    if major(pg_server) >= 15:
        assert free.persistence == "u"


# --------------------------------------------------------------------------- filters


def test_filters_children_follow_their_table(db):
    dsn, run = db
    run(
        """
        CREATE SCHEMA a; CREATE SCHEMA b;
        CREATE TABLE a.keep (id int PRIMARY KEY, v int CHECK (v > 0));
        CREATE INDEX idx_on_keep ON a.keep (v);
        CREATE TABLE a.drop_me (id int PRIMARY KEY);
        CREATE INDEX keep_like_name ON a.drop_me (id);
        CREATE TABLE b.other (id int);
        CREATE SEQUENCE a.keep_seq;
        """
    )
    s = snap(dsn, Filters(include_objects=("keep*",)))
    keys = {o.key for o in s.objects}
    assert {"table:a.keep", "column:a.keep.id", "constraint:a.keep.keep_pkey", "constraint:a.keep.keep_v_check",
            "index:a.idx_on_keep", "sequence:a.keep_seq"} <= keys
    assert not any("drop_me" in k or "other" in k for k in keys)
    assert "index:a.keep_like_name" not in keys

    s = snap(dsn, Filters(exclude_objects=("idx_on_*",)))
    assert "index:a.idx_on_keep" not in {o.key for o in s.objects}
    assert "table:a.keep" in {o.key for o in s.objects}

    s = snap(dsn, Filters(exclude_schemas=("a",)))
    assert {o.key for o in s.objects if o.kind in ("table", "column")} == {"table:b.other", "column:b.other.id"}
    s = snap(dsn, Filters(include_schemas=("a",), exclude_objects=("a.drop_me",)))
    assert "table:a.keep" in {o.key for o in s.objects}
    assert not any("drop_me" in o.key or o.schema_name == "b" for o in s.objects)


# --------------------------------------------------------------------------- whole snapshots

SHOP = """
CREATE SCHEMA shop;
CREATE TYPE shop.status AS ENUM ('new', 'paid');
CREATE DOMAIN shop.qty AS int CHECK (VALUE > 0);
CREATE TABLE shop.customers (id serial PRIMARY KEY, name text NOT NULL, st shop.status DEFAULT 'new');
CREATE TABLE shop.orders (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    customer_id int NOT NULL REFERENCES shop.customers (id),
    qty shop.qty,
    placed date NOT NULL DEFAULT current_date
);
CREATE INDEX orders_placed ON shop.orders (placed);
CREATE TABLE shop.log (at date NOT NULL, msg text) PARTITION BY RANGE (at);
CREATE TABLE shop.log_2024 PARTITION OF shop.log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW shop.recent AS SELECT o.id, c.name FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id;
COMMENT ON TABLE shop.orders IS 'orders';
"""


def test_snapshot_is_deterministic_and_round_trips(db, new_db, pg_server):
    dsn, run = db
    run(SHOP)
    first, second = snap(dsn), snap(dsn)
    assert first.objects == second.objects and first.dependencies == second.dependencies
    other = new_db()
    pg_server.execute(other, SHOP)
    third = snap(other)
    assert first.objects == third.objects and first.dependencies == third.dependencies
    assert Snapshot.from_json(first.to_json()) == first
    assert [o.key for o in first.objects] == sorted(o.key for o in first.objects)
    assert len({o.key for o in first.objects}) == len(first.objects)


def _tables_sql(n: int) -> str:
    return f"""
    CREATE SCHEMA many;
    DO $$ BEGIN
      FOR i IN 1..{n} LOOP
        EXECUTE format('CREATE TABLE many.t%s (id serial PRIMARY KEY, ref int %s, v text DEFAULT ''x'' CHECK (v <> ''''))',
                       i, CASE WHEN i > 1 THEN format('REFERENCES many.t%s (id)', i - 1) ELSE '' END);
        EXECUTE format('CREATE INDEX t%s_v ON many.t%s (v)', i, i);
      END LOOP;
    END $$;
    """


def _count_queries(dsn: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Snapshot]:
    calls = []
    original_dicts, original_rows = ReadSession.fetch_dicts, ReadSession.fetch

    def counting_dicts(self, *args, **kwargs):
        calls.append(kwargs.get("step"))
        return original_dicts(self, *args, **kwargs)

    def counting_rows(self, *args, **kwargs):
        calls.append(kwargs.get("step"))
        return original_rows(self, *args, **kwargs)

    monkeypatch.setattr(ReadSession, "fetch_dicts", counting_dicts)
    monkeypatch.setattr(ReadSession, "fetch", counting_rows)
    try:
        s = snap(dsn)
    finally:
        monkeypatch.setattr(ReadSession, "fetch_dicts", original_dicts)
        monkeypatch.setattr(ReadSession, "fetch", original_rows)
    return len(calls), s


def test_query_count_does_not_grow_with_tables(new_db, pg_server, monkeypatch):
    small, large = new_db(), new_db()
    pg_server.execute(small, _tables_sql(10))
    pg_server.execute(large, _tables_sql(300))
    n_small, _s_small = _count_queries(small, monkeypatch)
    n_large, s_large = _count_queries(large, monkeypatch)
    assert n_small == n_large
    assert sum(o.kind == "table" for o in s_large.objects) == 300
    assert sum(o.kind == "column" for o in s_large.objects) == 900
    assert sum(o.kind == "constraint" for o in s_large.objects) == 300 * 3 - 1
    assert sum(o.kind == "index" for o in s_large.objects) == 300


def test_unprivileged_role_reads_everything(db, pg_server):
    """Catalogs are world-readable: a role with no privileges on the objects gets the same
    tables, columns and constraints (and coverage, which touches pg_subscription)."""
    dsn, run = db
    run(SHOP)
    name = f"pgsd_ro_{uuid.uuid4().hex[:8]}"
    run(f"CREATE ROLE {name} LOGIN PASSWORD 'pw' IN ROLE pgsd_pwauth")
    try:
        spec = ConnectionSpec.parse(dsn).with_changes(user=name, password="pw")
        with SidePool(spec) as pool:
            limited = inspect_database(pool)
        full = snap(dsn)
        kinds = ("table", "column", "constraint", "index", "sequence", "enum", "domain")
        assert [o for o in limited.objects if o.kind in kinds] == [o for o in full.objects if o.kind in kinds]
        assert limited.dependencies == full.dependencies
    finally:
        pg_server.execute(pg_server.admin_dsn, f"DROP ROLE IF EXISTS {name}")
