"""The dependency and coverage loaders against a real server."""

from __future__ import annotations

from pgsd.model.snapshot import Filters
from tests.integration.test_catalog_relations import (  # noqa: F401 - fixtures are used by name
    _only_importable_loaders,
    db,
    snap,
)


def test_edges_between_relations(db):
    dsn, run = db
    run(
        """
        CREATE SCHEMA shop;
        CREATE TABLE shop.customers (id serial PRIMARY KEY, name text);
        CREATE TABLE shop.orders (
            id int PRIMARY KEY,
            customer_id int REFERENCES shop.customers (id),
            total numeric CHECK (total >= 0),
            doubled numeric GENERATED ALWAYS AS (total * 2) STORED
        );
        CREATE INDEX orders_total ON shop.orders (total);
        CREATE TABLE shop.parent (a int);
        CREATE TABLE shop.child () INHERITS (shop.parent);
        CREATE TABLE shop.log (at date) PARTITION BY RANGE (at);
        CREATE TABLE shop.log_1 PARTITION OF shop.log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE VIEW shop.v AS SELECT id, total FROM shop.orders;
        """
    )
    s = snap(dsn)
    edges = set(s.edges())
    expected = {
        ("table:shop.orders", "schema:shop"),
        ("column:shop.customers.id", "sequence:shop.customers_id_seq"),  # the nextval() default
        ("constraint:shop.orders.orders_customer_id_fkey", "constraint:shop.customers.customers_pkey"),
        ("constraint:shop.orders.orders_customer_id_fkey", "column:shop.customers.id"),
        ("constraint:shop.orders.orders_customer_id_fkey", "column:shop.orders.customer_id"),
        ("constraint:shop.orders.orders_total_check", "column:shop.orders.total"),
        ("column:shop.orders.doubled", "column:shop.orders.total"),
        ("index:shop.orders_total", "column:shop.orders.total"),
        ("table:shop.child", "table:shop.parent"),
        ("table:shop.log_1", "table:shop.log"),
        ("view:shop.v", "column:shop.orders.total"),
    }
    assert expected <= edges, expected - edges
    # Left out: an OWNED BY link back to the column (it would form a cycle with the
    # default), edges into the object's own table, and self-edges.
    assert ("sequence:shop.customers_id_seq", "column:shop.customers.id") not in edges
    assert not any(dep.startswith("column:shop.orders.") and ref == "table:shop.orders" for dep, ref in edges)
    assert not any(dep.startswith("constraint:shop.orders.") and ref == "table:shop.orders" for dep, ref in edges)
    assert all(dep != ref for dep, ref in edges)
    # Every edge joins two objects of the snapshot.
    keys = {o.key for o in s.objects}
    assert all(dep in keys and ref in keys for dep, ref in edges), {e for e in edges if not set(e) <= keys}


def test_edges_to_filtered_out_objects_are_dropped(db):
    dsn, run = db
    run(
        """
        CREATE SCHEMA a; CREATE SCHEMA b;
        CREATE TABLE a.t (id int PRIMARY KEY);
        CREATE TABLE b.u (id int REFERENCES a.t (id));
        """
    )
    s = snap(dsn, Filters(include_schemas=("b",)))
    keys = {o.key for o in s.objects}
    assert "constraint:b.u.u_id_fkey" in keys
    assert all(dep in keys and ref in keys for dep, ref in s.edges())


def test_coverage_counts_unmodelled_kinds(db):
    dsn, run = db
    run(
        """
        CREATE FUNCTION public.eq_ci(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT lower(a) = lower(b)';
        CREATE OPERATOR public.=~= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.eq_ci);
        CREATE TYPE public.pair AS (x int, y int);
        CREATE CAST (public.pair AS text) WITH INOUT;
        CREATE TEXT SEARCH CONFIGURATION public.my_cfg (COPY = pg_catalog.simple);
        CREATE TYPE public.span AS RANGE (subtype = int4);
        CREATE TYPE public.later;
        CREATE ACCESS METHOD heap_again TYPE TABLE HANDLER heap_tableam_handler;
        SELECT lo_create(0);
        CREATE EXTENSION hstore;
        """
    )
    s = snap(dsn)
    # hstore's own operators and casts are extension members; the range's implicit cast
    # to its multirange is internal: neither is counted. Text search configurations and
    # casts, operators and shell types are compared, so not counted; an access method and
    # a large object are not compared, so counted.
    assert s.not_compared == {"access_method": 1, "large_object": 1}
    keys = {o.key for o in s.objects}
    assert {"text_search_configuration:public.my_cfg", "cast:(public.pair AS text)",
            "operator:public.=~=(text, text)", "shell_type:public.later"} <= keys
    assert not any(k.startswith("cast:") and "hstore" in k for k in keys)
    s = snap(dsn, Filters(exclude_schemas=("public",)))
    assert s.not_compared == {"access_method": 1, "large_object": 1}


def test_edges_of_operators_and_text_search(db):
    """pg_depend rows of the operator and text search catalogs become edges, members included."""
    dsn, run = db
    run(
        """
        CREATE SCHEMA s;
        CREATE FUNCTION s.lt(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN $1 > $2;
        CREATE FUNCTION s.cmp(int, int) RETURNS int LANGUAGE sql IMMUTABLE RETURN btint4cmp($2, $1);
        CREATE OPERATOR s.<< (LEFTARG = int, RIGHTARG = int, FUNCTION = s.lt);
        CREATE OPERATOR FAMILY s.rev USING btree;
        CREATE OPERATOR CLASS s.rev FOR TYPE int USING btree FAMILY s.rev AS
            OPERATOR 1 s.<<, FUNCTION 1 s.cmp(int, int);
        CREATE TEXT SEARCH DICTIONARY s.d (TEMPLATE = simple);
        CREATE TEXT SEARCH CONFIGURATION s.c (PARSER = default);
        ALTER TEXT SEARCH CONFIGURATION s.c ADD MAPPING FOR word WITH s.d;
        CREATE TABLE s.t (n int, body text, cfg regconfig DEFAULT 's.c');
        CREATE INDEX t_rev ON s.t (n s.rev);
        CREATE INDEX t_fts ON s.t USING gin (to_tsvector('s.c'::regconfig, body));
        """
    )
    edges = set(snap(dsn).edges())
    expected = {
        ("operator:s.<<(integer, integer)", "function:s.lt(integer, integer)"),
        ("operator_class:s.rev USING btree", "operator:s.<<(integer, integer)"),
        ("operator_class:s.rev USING btree", "function:s.cmp(integer, integer)"),
        ("operator_class:s.rev USING btree", "operator_family:s.rev USING btree"),
        ("index:s.t_rev", "operator_class:s.rev USING btree"),
        ("text_search_configuration:s.c", "text_search_dictionary:s.d"),
        ("index:s.t_fts", "text_search_configuration:s.c"),
        ("column:s.t.cfg", "text_search_configuration:s.c"),
    }
    assert expected <= edges, expected - edges


def test_base_type_support_functions_depend_on_its_shell(db):
    """The type <-> support function cycle is cut at the shell: shell, functions, type."""
    dsn, run = db
    run(
        """
        CREATE TYPE public.n4;
        CREATE FUNCTION public.n4_in(cstring) RETURNS public.n4 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
        CREATE FUNCTION public.n4_out(public.n4) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
        CREATE TYPE public.n4 (INPUT = public.n4_in, OUTPUT = public.n4_out, INTERNALLENGTH = 4, PASSEDBYVALUE);
        CREATE FUNCTION public.n4_twice(public.n4) RETURNS text LANGUAGE sql RETURN $1::text || $1::text;
        CREATE TABLE public.t (v public.n4);
        """
    )
    edges = set(snap(dsn).edges())
    expected = {
        ("function:public.n4_in(cstring)", "shell_type:public.n4"),
        ("function:public.n4_out(public.n4)", "shell_type:public.n4"),
        ("base_type:public.n4", "function:public.n4_in(cstring)"),
        ("base_type:public.n4", "function:public.n4_out(public.n4)"),
        ("function:public.n4_twice(public.n4)", "base_type:public.n4"),
        ("column:public.t.v", "base_type:public.n4"),
    }
    assert expected <= edges, expected - edges
    assert ("function:public.n4_in(cstring)", "base_type:public.n4") not in edges


def test_rows_that_only_give_dropped_edges_stay_on_the_server(db):
    """The dependencies query leaves out TOAST references, an index's link to its own table
    and a domain constraint's link to its own domain; the edges are the same without them."""
    import psycopg  # noqa: PLC0415

    from pgsd.catalog.context import query_text  # noqa: PLC0415
    from pgsd.catalog.loaders.dependencies import DEPENDENCIES_COLUMNS  # noqa: PLC0415

    dsn, run = db
    run(
        """
        CREATE SCHEMA s;
        CREATE DOMAIN s.pos AS int CONSTRAINT pos_check CHECK (VALUE > 0);
        CREATE FUNCTION s.ok(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 < 100';
        CREATE DOMAIN s.small AS int CONSTRAINT small_check CHECK (s.ok(VALUE));
        CREATE TABLE s.t (id int PRIMARY KEY, body text, n s.pos, m s.small);
        CREATE INDEX t_lower ON s.t (lower(body));
        CREATE INDEX t_partial ON s.t (id) WHERE body IS NOT NULL;
        """
    )
    with psycopg.connect(dsn) as conn:
        major = conn.info.server_version // 10000
        rows = conn.execute(query_text("dependencies", major), {"include_schemas": [], "exclude_schemas": []}).fetchall()
        toast = {r[0] for r in conn.execute("SELECT reltoastrelid FROM pg_class WHERE oid = 's.t'::regclass")}
        table = conn.execute("SELECT 's.t'::regclass::oid").fetchone()[0]
        indexes = {r[0] for r in conn.execute("SELECT indexrelid FROM pg_index WHERE indrelid = 's.t'::regclass")}
        domains = {r[0] for r in conn.execute("SELECT oid FROM pg_type WHERE typname IN ('pos', 'small')")}
    col = {name: i for i, name in enumerate(DEPENDENCIES_COLUMNS)}
    assert toast and not any(r[col["refcat"]] == "pg_class" and r[col["refobjid"]] in toast for r in rows)
    assert not any(r[col["cat"]] == "pg_class" and r[col["objid"]] in indexes and r[col["refcat"]] == "pg_class"
                   and r[col["refobjid"]] == table and r[col["refobjsubid"]] == 0 for r in rows)
    assert not any(r[col["cat"]] == "pg_constraint" and r[col["refcat"]] == "pg_type" and r[col["refobjid"]] in domains
                   for r in rows)
    edges = set(snap(dsn).edges())
    assert ("index:s.t_lower", "column:s.t.body") in edges
    assert ("index:s.t_partial", "column:s.t.body") in edges
    assert ("column:s.t.n", "domain:s.pos") in edges
    assert ("domain:s.small", "function:s.ok(integer)") in edges  # the check's other links stay
    assert not any(ref == "table:s.t" for dep, ref in edges if dep.startswith("index:"))
