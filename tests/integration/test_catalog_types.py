"""Catalog loaders for schemas, extensions, collations and user types (enum, domain,
composite, range) against a real server: create with SQL, read, alter, read again."""

from __future__ import annotations

import pytest

from pgsd.model.names import default_multirange_name
from pgsd.model.objects import Collation, CompositeType, Domain, EnumType, Extension, RangeType, Schema
from pgsd.model.snapshot import Filters
from tests.integration.test_catalog_relations import (  # noqa: F401 - fixtures are used by name
    _only_importable_loaders,
    db,
    get,
    major,
    reader_role,
    snap,
)


def test_schemas(db, reader_role):
    dsn, run = db
    run(
        f"""
        CREATE SCHEMA "Sales";
        COMMENT ON SCHEMA "Sales" IS 'money';
        GRANT USAGE ON SCHEMA "Sales" TO {reader_role};
        GRANT CREATE ON SCHEMA "Sales" TO {reader_role} WITH GRANT OPTION;
        """
    )
    s = snap(dsn)
    sales = get(s, 'schema:"Sales"')
    assert isinstance(sales, Schema)
    assert sales.comment == "money" and sales.acl == (f"{reader_role}=C*U",)
    assert get(s, "schema:public").owner
    assert not any(o.kind == "schema" and o.name.startswith("pg_") for o in s.objects)
    run(f'REVOKE ALL ON SCHEMA "Sales" FROM {reader_role}; COMMENT ON SCHEMA "Sales" IS NULL')
    sales = get(snap(dsn), 'schema:"Sales"')
    assert sales.acl == () and sales.comment is None
    s = snap(dsn, Filters(exclude_schemas=("public",)))
    assert s.get("schema:public") is None and s.get('schema:"Sales"') is not None


def test_extensions_and_their_members(db):
    dsn, run = db
    run("CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext; CREATE TABLE public.users (email ext.citext)")
    s = snap(dsn)
    ext = get(s, "extension:citext")
    assert isinstance(ext, Extension)
    assert ext.schema_name == "ext" and ext.version
    assert s.get("extension:plpgsql") is None
    # Members (the citext type, its functions) are not listed...
    assert not any(o.schema_name == "ext" and o.kind not in ("schema", "extension") for o in s.objects)
    # ... but a column of the extension's type depends on the extension.
    assert ("column:public.users.email", "extension:citext") in set(s.edges())
    run("COMMENT ON EXTENSION citext IS 'ci text'")
    assert get(snap(dsn), "extension:citext").comment == "ci text"


def test_collations(db):
    dsn, run = db
    run("""CREATE COLLATION public.c_copy (locale = 'C'); CREATE COLLATION public."Posix" (lc_collate = 'POSIX', lc_ctype = 'C')""")
    s = snap(dsn)
    c = get(s, "collation:public.c_copy")
    assert isinstance(c, Collation)
    assert (c.provider, c.lc_collate, c.lc_ctype, c.locale, c.deterministic, c.rules) == ("c", "C", "C", None, True, None)
    p = get(s, 'collation:public."Posix"')
    assert (p.lc_collate, p.lc_ctype) == ("POSIX", "C")
    run("COMMENT ON COLLATION public.c_copy IS 'copy'")
    assert get(snap(dsn), "collation:public.c_copy").comment == "copy"


def test_icu_collation(db, pg_server):
    dsn, run = db
    try:
        run("CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)")
    except Exception as e:  # noqa: BLE001 - servers built without ICU
        pytest.skip(f"no ICU: {e}")
    c = get(snap(dsn), "collation:public.ci")
    assert (c.provider, c.locale, c.lc_collate, c.lc_ctype, c.deterministic) == ("i", "und-u-ks-level2", None, None, False)


def test_enum(db, reader_role):
    dsn, run = db
    run(f"CREATE TYPE public.mood AS ENUM ('sad', 'ok'); GRANT USAGE ON TYPE public.mood TO {reader_role}")
    e = get(snap(dsn), "enum:public.mood")
    assert isinstance(e, EnumType)
    assert e.labels == ("sad", "ok")
    assert e.acl == ("PUBLIC=U", f"{reader_role}=U")
    run("ALTER TYPE public.mood ADD VALUE 'happy' AFTER 'sad'; REVOKE USAGE ON TYPE public.mood FROM PUBLIC")
    e = get(snap(dsn), "enum:public.mood")
    assert e.labels == ("sad", "happy", "ok")
    assert e.acl == (f"{reader_role}=U",)


def test_domain(db):
    dsn, run = db
    run(
        """
        CREATE DOMAIN public.code AS varchar(10) COLLATE "C" DEFAULT 'none' NOT NULL
            CONSTRAINT code_upper CHECK (VALUE = upper(VALUE))
            CONSTRAINT code_len CHECK (length(VALUE) > 1);
        COMMENT ON CONSTRAINT code_len ON DOMAIN public.code IS 'long enough';
        """
    )
    d = get(snap(dsn), "domain:public.code")
    assert isinstance(d, Domain)
    assert (d.base_type, d.default, d.not_null, d.collation) == (
        "character varying(10)", "'none'::character varying", True, 'pg_catalog."C"')
    assert [(c.name, c.definition, c.validated, c.comment) for c in d.checks] == [
        ("code_len", "CHECK ((length((VALUE)::text) > 1))", True, "long enough"),
        ("code_upper", "CHECK (((VALUE)::text = upper((VALUE)::text)))", True, None),
    ]
    run(
        """
        ALTER DOMAIN public.code DROP NOT NULL;
        ALTER DOMAIN public.code DROP DEFAULT;
        ALTER DOMAIN public.code DROP CONSTRAINT code_upper;
        ALTER DOMAIN public.code ADD CONSTRAINT code_x CHECK (VALUE <> 'x') NOT VALID;
        """
    )
    d = get(snap(dsn), "domain:public.code")
    assert not d.not_null and d.default is None
    assert [(c.name, c.validated) for c in d.checks] == [("code_len", True), ("code_x", False)]


def test_composite(db):
    dsn, run = db
    run('CREATE TYPE public.addr AS (street text COLLATE "C", "Zip" int); COMMENT ON TYPE public.addr IS \'where\'')
    s = snap(dsn)
    c = get(s, "composite:public.addr")
    assert isinstance(c, CompositeType)
    assert [(a.name, a.type, a.collation) for a in c.attributes] == [
        ("street", "text", 'pg_catalog."C"'), ("Zip", "integer", None)]
    assert c.comment == "where" and c.acl == ("PUBLIC=U",)
    run("ALTER TYPE public.addr ADD ATTRIBUTE city text, DROP ATTRIBUTE street")
    c = get(snap(dsn), "composite:public.addr")
    assert [a.name for a in c.attributes] == ["Zip", "city"]


def test_range(db, pg_server):
    dsn, run = db
    run(
        """
        CREATE FUNCTION public.f8diff(a float8, b float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS 'SELECT a - b';
        CREATE TYPE public.floatrange AS RANGE (subtype = float8, subtype_diff = public.f8diff);
        CREATE TYPE public.textrange AS RANGE (subtype = text, collation = "C");
        """
    )
    s = snap(dsn)
    r = get(s, "range:public.floatrange")
    assert isinstance(r, RangeType)
    assert (r.subtype, r.subtype_diff, r.subtype_opclass, r.collation, r.canonical, r.multirange_name) == (
        "double precision", "public.f8diff", None, None, None, None)
    assert get(s, "range:public.textrange").collation == 'pg_catalog."C"'
    assert ("range:public.floatrange", "function:public.f8diff(double precision, double precision)") in set(s.edges())
    if major(pg_server) >= 14:
        run("CREATE TYPE public.intr AS RANGE (subtype = int8, multirange_type_name = public.many_intr)")
        assert get(snap(dsn), "range:public.intr").multirange_name == "many_intr"


def test_default_multirange_name():
    assert default_multirange_name("floatrange") == "floatmultirange"
    assert default_multirange_name("span") == "span_multirange"
    assert len(default_multirange_name("x" * 63).encode()) <= 63


def test_type_registrations_map_columns_to_types(db):
    dsn, run = db
    run(
        """
        CREATE TYPE public.mood AS ENUM ('a');
        CREATE DOMAIN public.pos AS int CHECK (VALUE > 0);
        CREATE TYPE public.pair AS (x int, y int);
        CREATE TABLE public.t (m public.mood[], p public.pos, pr public.pair);
        """
    )
    edges = set(snap(dsn).edges())
    assert {("column:public.t.m", "enum:public.mood"), ("column:public.t.p", "domain:public.pos"),
            ("column:public.t.pr", "composite:public.pair")} <= edges


def test_name_filters_apply_to_types(db):
    dsn, run = db
    run("CREATE TYPE public.keep_me AS ENUM ('a'); CREATE TYPE public.skip_me AS ENUM ('b')")
    s = snap(dsn, Filters(exclude_objects=("skip_*",)))
    assert s.get("enum:public.keep_me") is not None and s.get("enum:public.skip_me") is None
