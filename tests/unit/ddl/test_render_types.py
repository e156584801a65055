"""Rendering of schemas, extensions, collations, enums, domains, composite and range types (no database)."""

from __future__ import annotations

import re

import pytest

from pgsd.ddl.context import PlanOptions, RenderContext
from pgsd.ddl.plan import HazardType, Statement
from pgsd.ddl.render import renderers
from pgsd.ddl.render.types import enum_additions
from pgsd.model.objects import (
    Collation,
    Column,
    CompositeAttribute,
    CompositeType,
    DbObject,
    Domain,
    DomainCheck,
    EnumType,
    Extension,
    RangeType,
    Schema,
    Table,
)
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot

R = renderers()


def snap(objects: list[DbObject], version: int) -> Snapshot:
    server = ServerInfo(version=str(version // 10000), version_num=version, current_user="u", current_database="d",
                        is_superuser=True, in_recovery=False, encoding="UTF8", can_create_in_database=True)
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), server=server)


def ctx(source: list[DbObject] = (), target: list[DbObject] = (), *, version: int = 180000, **options) -> RenderContext:
    return RenderContext(snap(list(source), version), snap(list(target), version), PlanOptions(**options))


def sqls(statements: list[Statement] | None) -> list[str]:
    assert statements is not None
    return [s.sql for s in statements]


def alter(old: DbObject, new: DbObject, c: RenderContext | None = None) -> list[Statement] | None:
    changed = {f for f in type(new).model_fields if getattr(old, f) != getattr(new, f)}
    return R[new.kind].alter(old, new, changed, c or ctx([new], [old]))


# --------------------------------------------------------------------------- schemas, extensions, collations


def test_schema():
    s = Schema(name="Sales Team", comment="team", acl=("app=U",))
    assert sqls(R["schema"].create(s, ctx())) == [
        'CREATE SCHEMA "Sales Team"',
        "COMMENT ON SCHEMA \"Sales Team\" IS 'team'",
        'GRANT USAGE ON SCHEMA "Sales Team" TO app',
    ]
    assert sqls(R["schema"].drop(s, ctx())) == ['DROP SCHEMA "Sales Team"']
    assert sqls(alter(s, Schema(name="Sales Team", acl=("app=UC",)))) == [
        "COMMENT ON SCHEMA \"Sales Team\" IS NULL", 'GRANT CREATE ON SCHEMA "Sales Team" TO app']


def test_extension():
    e = Extension(name="uuid-ossp", schema_name="ext", version="1.1", comment="uuids", acl=("x=U",))
    assert sqls(R["extension"].create(e, ctx())) == [
        "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\" WITH SCHEMA ext VERSION '1.1'",
        "COMMENT ON EXTENSION \"uuid-ossp\" IS 'uuids'",
    ]
    assert R["extension"].create(e, ctx(extension_versions=False))[0].sql == \
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA ext'
    new = Extension(name="uuid-ossp", schema_name="public", version="1.2", owner="bob", acl=("y=U",))
    assert sqls(alter(e, new)) == [
        'ALTER EXTENSION "uuid-ossp" SET SCHEMA public',
        "ALTER EXTENSION \"uuid-ossp\" UPDATE TO '1.2'",
        "COMMENT ON EXTENSION \"uuid-ossp\" IS NULL",
    ]
    assert sqls(R["extension"].drop(e, ctx())) == ['DROP EXTENSION "uuid-ossp"']


def test_collation():
    icu = Collation(schema_name="s", name="ci", provider="i", locale="und-u-ks-level2", deterministic=False,
                    rules="&a < b")
    assert R["collation"].create(icu, ctx())[0].sql == (
        "CREATE COLLATION s.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false, rules = '&a < b')")
    assert "rules" not in R["collation"].create(icu, ctx(version=150000))[0].sql
    libc = Collation(schema_name="s", name="Mixed", provider="c", lc_collate="C", lc_ctype="en_US.utf8")
    assert R["collation"].create(libc, ctx())[0].sql == (
        "CREATE COLLATION s.\"Mixed\" (provider = libc, lc_collate = 'C', lc_ctype = 'en_US.utf8')")
    same = Collation(schema_name="s", name="c", provider="c", lc_collate="C", lc_ctype="C")
    assert R["collation"].create(same, ctx())[0].sql == "CREATE COLLATION s.c (provider = libc, locale = 'C')"
    assert alter(icu, icu.model_copy(update={"deterministic": True})) is None
    assert sqls(R["collation"].drop(icu, ctx())) == ["DROP COLLATION s.ci"]


# --------------------------------------------------------------------------- enums


def test_enum_create_quotes_labels_and_names():
    e = EnumType(schema_name="s", name="user", labels=("it's", "back\\slash", "Ünïcode"), acl=("PUBLIC=U", "app=U"))
    assert sqls(R["enum"].create(e, ctx())) == [
        "CREATE TYPE s.\"user\" AS ENUM ('it''s', E'back\\\\slash', 'Ünïcode')",
        'GRANT USAGE ON TYPE s."user" TO app',
    ]
    # Without PUBLIC's default USAGE, it is revoked.
    private = EnumType(schema_name="s", name="e", labels=("a",))
    assert sqls(R["enum"].create(private, ctx()))[1:] == ["REVOKE USAGE ON TYPE s.e FROM PUBLIC"]
    assert sqls(R["enum"].drop(e, ctx())) == ['DROP TYPE s."user"']


@pytest.mark.parametrize(("old", "new", "expected"), [
    (("a", "b", "c"), ("x", "a", "y", "b", "c", "z"),
     ["ADD VALUE 'x' BEFORE 'a'", "ADD VALUE 'y' BEFORE 'b'", "ADD VALUE 'z' AFTER 'c'"]),
    (("a", "c"), ("a", "b1", "b2", "c"), ["ADD VALUE 'b1' BEFORE 'c'", "ADD VALUE 'b2' BEFORE 'c'"]),
    (("a",), ("a", "b", "c"), ["ADD VALUE 'b' AFTER 'a'", "ADD VALUE 'c' AFTER 'b'"]),
    ((), ("a", "b"), ["ADD VALUE 'a'", "ADD VALUE 'b' AFTER 'a'"]),
    (("o'k",), ("n'ew", "o'k"), ["ADD VALUE 'n''ew' BEFORE 'o''k'"]),
])
def test_enum_additions_keep_exact_order(old, new, expected):
    assert enum_additions(old, new) == expected
    # Replaying the clauses reproduces the new order exactly.
    labels = list(old)
    for clause in expected:
        m = re.fullmatch(r"ADD VALUE '((?:[^']|'')*)'(?: (BEFORE|AFTER) '((?:[^']|'')*)')?", clause)
        label, where, anchor = m.group(1).replace("''", "'"), m.group(2), (m.group(3) or "").replace("''", "'")
        if where == "BEFORE":
            labels.insert(labels.index(anchor), label)
        elif where == "AFTER":
            labels.insert(labels.index(anchor) + 1, label)
        else:
            labels.append(label)
    assert tuple(labels) == new


def test_enum_add_values_run_outside_transaction():
    old = EnumType(schema_name="s", name="st", labels=("a", "c"))
    new = EnumType(schema_name="s", name="st", labels=("a", "b", "c"))
    out = alter(old, new)
    assert sqls(out) == ["ALTER TYPE s.st ADD VALUE 'b' BEFORE 'c'"]
    assert not out[0].transactional and not out[0].hazards
    assert not R["enum"].breaks_dependents(old, new, {"labels"}, ctx())


def test_enum_recreate_converts_columns():
    old = EnumType(schema_name="s", name="status", labels=("new", "paid", "gone"), acl=("PUBLIC=U", "app=U"),
                   owner="owner1", comment="states")
    new = EnumType(schema_name="s", name="status", labels=("paid", "new"), acl=("PUBLIC=U", "app=U"),
                   owner="owner1", comment="states")
    table = Table(schema_name="s", name="Order")
    plain = Column(schema_name="s", table="Order", name="state", type="s.status",
                   default="'new'::s.status", position=1)
    history = Column(schema_name="s", table="Order", name="history", type="s.status[]", position=2)
    src_plain = plain.model_copy(update={"default": "'paid'::s.status"})
    other = Column(schema_name="s", table="Order", name="other", type="text", position=3)
    c = ctx([new, table, src_plain, history, other], [old, table, plain, history, other])
    assert R["enum"].breaks_dependents(old, new, {"labels"}, c)
    out = alter(old, new, c)
    assert sqls(out) == [
        "ALTER TYPE s.status RENAME TO status__pgsd_old",
        "CREATE TYPE s.status AS ENUM ('paid', 'new')",
        "COMMENT ON TYPE s.status IS 'states'",
        "GRANT USAGE ON TYPE s.status TO app",
        "ALTER TYPE s.status OWNER TO owner1",
        'ALTER TABLE s."Order" ALTER COLUMN history TYPE s.status[] USING history::text[]::s.status[]',
        'ALTER TABLE s."Order" ALTER COLUMN state DROP DEFAULT',
        'ALTER TABLE s."Order" ALTER COLUMN state TYPE s.status USING state::text::s.status',
        "ALTER TABLE s.\"Order\" ALTER COLUMN state SET DEFAULT 'paid'::s.status",
        "DROP TYPE s.status__pgsd_old",
    ]
    # Losing 'gone' can make the conversion fail: every rebuild statement says so.
    for s in out:
        assert HazardType.DATA_LOSS in s.hazard_types()
        assert "'gone'" in next(h for h in s.hazards if h.type is HazardType.DATA_LOSS).message
    assert all(s.transactional for s in out)


def test_enum_reorder_without_removal_is_not_data_loss_and_long_names_fit():
    name = "e" * 63
    old = EnumType(schema_name="s", name=name, labels=("a", "b"), acl=("PUBLIC=U",))
    new = EnumType(schema_name="s", name=name, labels=("b", "a"), acl=("PUBLIC=U",))
    out = alter(old, new)
    assert not any(s.hazards for s in out)
    renamed = out[0].sql.rsplit(" ", 1)[1]
    assert len(renamed.encode()) <= 63 and renamed.endswith("__pgsd_old") and renamed != name
    assert out[-1].sql == f"DROP TYPE s.{renamed}"


# --------------------------------------------------------------------------- domains


def test_domain_create():
    d = Domain(schema_name="s", name="Email", base_type="text", acl=("PUBLIC=U",), collation='"C"', default="''::text", not_null=True,
               checks=(DomainCheck(name="has_at", definition="CHECK ((VALUE ~~ '%@%'::text))", comment="needs @"),
                       DomainCheck(name="short", definition="CHECK ((length(VALUE) < 100)) NOT VALID",
                                   validated=False)))
    assert sqls(R["domain"].create(d, ctx())) == [
        "CREATE DOMAIN s.\"Email\" AS text COLLATE \"C\" DEFAULT ''::text NOT NULL"
        " CONSTRAINT has_at CHECK ((VALUE ~~ '%@%'::text))",
        "ALTER DOMAIN s.\"Email\" ADD CONSTRAINT short CHECK ((length(VALUE) < 100)) NOT VALID",
        "COMMENT ON CONSTRAINT has_at ON DOMAIN s.\"Email\" IS 'needs @'",
    ]
    assert sqls(R["domain"].drop(d, ctx())) == ['DROP DOMAIN s."Email"']


def test_domain_alter():
    a = DomainCheck(name="a", definition="CHECK ((VALUE > 0))")
    b_nv = DomainCheck(name="b", definition="CHECK ((VALUE < 10)) NOT VALID", validated=False)
    b = DomainCheck(name="b", definition="CHECK ((VALUE < 10))")
    c = DomainCheck(name="c", definition="CHECK ((VALUE <> 5)) NOT VALID", validated=False)
    old = Domain(schema_name="s", name="d", base_type="integer", default="1", checks=(a, b_nv))
    new = Domain(schema_name="s", name="d", base_type="integer", not_null=True,
                 checks=(DomainCheck(name="a", definition="CHECK ((VALUE > 1))"), b, c))
    out = alter(old, new)
    assert sqls(out) == [
        "ALTER DOMAIN s.d DROP DEFAULT",
        "ALTER DOMAIN s.d SET NOT NULL",
        "ALTER DOMAIN s.d DROP CONSTRAINT a",
        "ALTER DOMAIN s.d ADD CONSTRAINT a CHECK ((VALUE > 1))",
        "ALTER DOMAIN s.d VALIDATE CONSTRAINT b",
        "ALTER DOMAIN s.d ADD CONSTRAINT c CHECK ((VALUE <> 5)) NOT VALID",
    ]
    assert out[1].hazard_types() == {HazardType.LONG_LOCK}
    # A new base type or collation rebuilds the domain under its name (columns converted).
    for update in ({"base_type": "bigint"}, {"collation": '"C"'}):
        rebuilt = sqls(alter(old, old.model_copy(update=update)))
        assert rebuilt[0] == "ALTER TYPE s.d RENAME TO d__pgsd_old"
        assert rebuilt[1].startswith("CREATE DOMAIN s.d AS ")
        assert rebuilt[-1] == "DROP TYPE s.d__pgsd_old"


# --------------------------------------------------------------------------- composite types


def attr(name: str, type_: str = "integer", collation: str | None = None) -> CompositeAttribute:
    return CompositeAttribute(name=name, type=type_, collation=collation)


def test_composite_create_and_alter():
    t = CompositeType(schema_name="s", name="pair", attributes=(attr("left"), attr("Right", "text", '"C"')),
                      acl=("PUBLIC=U",))
    assert sqls(R["composite"].create(t, ctx())) == ['CREATE TYPE s.pair AS ("left" integer, "Right" text COLLATE "C")']
    new = CompositeType(schema_name="s", name="pair", attributes=(attr("left", "bigint"), attr("extra", "text")),
                        acl=("PUBLIC=U",))
    out = alter(t, new)
    assert sqls(out) == [
        'ALTER TYPE s.pair DROP ATTRIBUTE "Right" CASCADE',
        'ALTER TYPE s.pair ALTER ATTRIBUTE "left" TYPE bigint CASCADE',
        "ALTER TYPE s.pair ADD ATTRIBUTE extra text CASCADE",
    ]
    assert R["composite"].breaks_dependents(t, new, {"attributes"}, ctx())
    assert not R["composite"].breaks_dependents(t, t.model_copy(update={"attributes": (*t.attributes, attr("z"))}),
                                                {"attributes"}, ctx())
    # An attribute added anywhere but the end cannot be placed: recreate.
    assert alter(t, t.model_copy(update={"attributes": (attr("first"), *t.attributes)})) is None


def test_composite_stored_in_a_table():
    t = CompositeType(schema_name="s", name="pair", attributes=(attr("a"), attr("b")))
    table = Table(schema_name="s", name="t")
    c = Column(schema_name="s", table="t", name="p", type="s.pair", position=1)
    dropped = t.model_copy(update={"attributes": (attr("a"),)})
    out = alter(t, dropped, ctx([dropped, table, c], [t, table, c]))
    assert sqls(out) == ["ALTER TYPE s.pair DROP ATTRIBUTE b CASCADE"]
    assert out[0].hazard_types() == {HazardType.DATA_LOSS}
    # A stored attribute cannot be retyped in place: the type is rebuilt, values
    # converted attribute by attribute.
    retyped = t.model_copy(update={"attributes": (attr("b"), attr("a", "bigint"))})
    assert sqls(alter(t, retyped, ctx([retyped, table, c], [t, table, c]))) == [
        "ALTER TYPE s.pair RENAME TO pair__pgsd_old",
        "CREATE TYPE s.pair AS (b integer, a bigint)",
        "REVOKE USAGE ON TYPE s.pair FROM PUBLIC",  # its ACL says so
        "ALTER TABLE s.t ALTER COLUMN p TYPE s.pair USING ROW((p).b, (p).a::bigint)::s.pair",
        "DROP TYPE s.pair__pgsd_old",
    ]


# --------------------------------------------------------------------------- range types


def test_range():
    r = RangeType(schema_name="s", name="float_range", subtype="double precision", subtype_opclass="float8_ops",
                  subtype_diff="float8mi", multirange_name="s.float_multirange", acl=("PUBLIC=U",))
    assert sqls(R["range"].create(r, ctx())) == [
        "CREATE TYPE s.float_range AS RANGE (SUBTYPE = double precision, SUBTYPE_OPCLASS = float8_ops,"
        " SUBTYPE_DIFF = float8mi, MULTIRANGE_TYPE_NAME = s.float_multirange)"]
    assert "MULTIRANGE" not in R["range"].create(r, ctx(version=130000))[0].sql
    named = r.model_copy(update={"multirange_name": "float_multirange"})  # as the loader reads it
    assert sqls(alter(named, named.model_copy(update={"subtype_diff": None}))) == [
        "ALTER TYPE s.float_range RENAME TO float_range__pgsd_old",
        "ALTER FUNCTION s.float_range(double precision, double precision) RENAME TO float_range__pgsd_old",
        "ALTER FUNCTION s.float_range(double precision, double precision, text) RENAME TO float_range__pgsd_old",
        "ALTER TYPE s.float_multirange RENAME TO float_multirange__pgsd_old",
        "ALTER FUNCTION s.float_multirange() RENAME TO float_multirange__pgsd_old",
        "ALTER FUNCTION s.float_multirange(s.float_range__pgsd_old) RENAME TO float_multirange__pgsd_old",
        "ALTER FUNCTION s.float_multirange(VARIADIC s.float_range__pgsd_old[]) RENAME TO float_multirange__pgsd_old",
        "CREATE TYPE s.float_range AS RANGE (SUBTYPE = double precision, SUBTYPE_OPCLASS = float8_ops,"
        " MULTIRANGE_TYPE_NAME = float_multirange)",
        "DROP TYPE s.float_range__pgsd_old",
    ]
    assert sqls(R["range"].drop(r, ctx())) == ["DROP TYPE s.float_range"]
