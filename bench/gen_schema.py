#!/usr/bin/env python3
"""Deterministic generator of a large, realistic PostgreSQL schema for benchmarks.

The benchmarks compare schema-diff tools (pgsd and others) on two databases: one
built from the *base* schema and one built from a *variant* of it.  This script
writes either of them as plain SQL.

Usage::

    python bench/gen_schema.py --tables N [--seed S] [--variant]
                               [--change-rate R] [-o FILE]

``--tables N``
    Number of tables of the base schema.  Everything else scales with it:
    about one schema per 50 tables (at least 2, named ``app_00``, ``app_01``...),
    per schema three enums, three domains and a few standalone sequences;
    tables of 5-30 columns (identity / serial / bigserial / uuid keys, integer,
    bigint, numeric(p,s), text, varchar(n), boolean, timestamptz, date, jsonb,
    uuid, text[] / integer[] arrays, enum and domain columns, nextval() defaults
    of standalone sequences), defaults, NOT NULLs, primary keys, UNIQUE and
    CHECK constraints, foreign keys to earlier tables of the same schema with
    varied ON DELETE actions; about two indexes per table (partial, expression,
    GIN, BRIN, unique); about one view per 10 tables (some on other views);
    one materialized view with a unique index per 50 tables; about one
    plpgsql function per 10 tables plus two per schema; triggers using trigger
    functions; COMMENTs on tables, columns, views, functions and sequences;
    GRANTs to the roles ``bench_reader`` and ``bench_writer`` (created by
    guarded DO blocks, since roles are cluster-wide).
``--seed S``
    Seed of ``random.Random`` (default 1).  Same arguments give byte-identical
    output.
``--variant``
    Generate the same base model (same seed), then apply deterministic
    mutations to about 5% of the objects (see ``mutate``) and print the result
    as a complete standalone schema -- not as ALTER statements -- so a second
    database can be built from it.  Dependent objects are kept consistent
    (dropping a table also drops the FKs, views, functions and triggers that
    use it; only unused columns are dropped).  Some widened columns are read by
    views on purpose, a case a diff tool has to handle.
``--change-rate R``
    Scale of the variant's mutations (default 0.05).
``-o FILE``
    Write to FILE instead of standard output.

The output uses one statement per object and no psql meta-commands: it loads
with ``psql -v ON_ERROR_STOP=1 -f FILE`` and with a single psycopg
``conn.execute(text)`` (autocommit connection) into a fresh, empty database on
PostgreSQL 13+ (tested with 15 and 18).  Statements are grouped in explicit
``BEGIN; ... COMMIT;`` batches of 200, because one transaction holding a lock
on every new relation runs out of lock table (max_locks_per_transaction) at a
few thousand tables; so do not load it with ``psql --single-transaction``.
Python 3.11 standard library only.
"""
from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field

ROLES = ("bench_reader", "bench_writer")
STATEMENTS_PER_TRANSACTION = 200
PRIV_ORDER = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER",
              "USAGE", "EXECUTE")
WRITER_PRIVS = ("SELECT", "INSERT", "UPDATE", "DELETE")
ON_DELETE = ("NO ACTION", "NO ACTION", "RESTRICT", "CASCADE", "CASCADE", "SET NULL")

NOUNS = (
    "customer", "order", "invoice", "product", "account", "payment", "shipment",
    "supplier", "employee", "department", "project", "task", "ticket", "event",
    "session", "device", "address", "contact", "campaign", "coupon", "review",
    "category", "warehouse", "stock", "subscription", "plan", "refund", "message",
    "notice", "document", "asset", "vendor", "contract", "lead", "deal", "region",
    "store", "cart", "wishlist", "rating", "booking", "room", "course", "lesson",
    "member", "team", "report", "metric", "alert", "job",
)

COLUMN_NAMES = {
    "int": ("quantity", "sort_order", "retry_count", "score", "seat_count", "age_days",
            "attempts", "line_no", "capacity", "duration_min"),
    "bigint": ("view_count", "bytes_used", "external_ref", "event_total", "balance_cents",
               "visits"),
    "smallint": ("level_no", "weekday", "flag_bits", "tier"),
    "numeric": ("amount", "price", "unit_price", "discount", "tax_rate", "weight_kg", "cost",
                "total", "fee", "margin"),
    "text": ("description", "notes", "display_name", "title", "body", "summary", "email",
             "url", "comment_text", "address_line"),
    "varchar": ("code", "sku", "phone", "country_code", "currency", "slug", "label",
                "reference", "city", "postal_code"),
    "bool": ("is_active", "is_deleted", "is_verified", "is_archived", "enabled", "is_public",
             "is_primary"),
    "ts": ("updated_at", "deleted_at", "last_seen_at", "starts_at", "ends_at", "published_at",
           "processed_at", "expires_at"),
    "date": ("birth_date", "due_date", "valid_from", "valid_to", "period_start", "period_end",
             "ship_date"),
    "jsonb": ("metadata", "attributes", "settings", "payload", "extra", "config"),
    "uuid": ("external_id", "public_id", "token", "correlation_id"),
    "text[]": ("tags", "labels", "aliases", "keywords"),
    "int[]": ("score_list", "slot_ids", "bucket_ids"),
}
KIND_WEIGHTS = {
    "int": 10, "bigint": 5, "smallint": 2, "numeric": 10, "text": 12, "varchar": 12,
    "bool": 8, "ts": 6, "date": 5, "jsonb": 5, "uuid": 3, "text[]": 3, "int[]": 2,
    "enum": 6, "domain": 5, "seq": 1,
}
FIXED_TYPES = {
    "int": "integer", "bigint": "bigint", "smallint": "smallint", "text": "text",
    "bool": "boolean", "ts": "timestamptz", "date": "date", "jsonb": "jsonb", "uuid": "uuid",
    "text[]": "text[]", "int[]": "integer[]",
}
DEFAULTS = {
    "int": ("0", "1", "10", "100"),
    "bigint": ("0", "1", "1000"),
    "smallint": ("0", "1", "5"),
    "numeric": ("0", "0.00", "1.00", "9.99"),
    "text": ("''", "'n/a'", "'unknown'"),
    "varchar": ("''", "'n/a'", "'XX'", "'new'"),
    "bool": ("false", "true"),
    "ts": ("now()", "CURRENT_TIMESTAMP", "(now() + '30 days'::interval)"),
    "date": ("CURRENT_DATE", "(CURRENT_DATE + 7)", "'2000-01-01'::date"),
    "jsonb": ("'{}'::jsonb", "'[]'::jsonb"),
    "uuid": ("gen_random_uuid()",),
    "text[]": ("'{}'::text[]", "ARRAY['new']::text[]"),
    "int[]": ("'{}'::integer[]", "ARRAY[0]"),
}
TEXTLIKE = ("text", "varchar")
NUMERIC_KINDS = ("int", "bigint", "smallint", "numeric")
GROUPABLE = ("enum", "bool", "varchar", "date", "smallint")
ENUM_KIND_VALUES = ("standard", "premium", "internal", "external", "trial", "legacy",
                    "partner", "wholesale")


def lit(s: str) -> str:
    """SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


# ---------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------

@dataclass(eq=False)
class Enum:
    schema: str
    name: str
    values: list[str]
    col_names: tuple[str, ...]

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(eq=False)
class Domain:
    schema: str
    name: str
    base: str
    check: str
    defaults: tuple[str, ...]
    col_names: tuple[str, ...]
    textlike: bool = False
    numeric: bool = False

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(eq=False)
class Sequence:
    schema: str
    name: str
    as_type: str
    start: int
    increment: int
    cache: int
    maxvalue: int | None = None
    cycle: bool = False
    comment: str | None = None
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(eq=False)
class Column:
    name: str
    kind: str                       # logical kind, see KIND_WEIGHTS ('pk' kinds too)
    type: str = ""                  # fixed SQL type (enum / domain / serial ...)
    n: int | None = None            # varchar length
    p: int | None = None            # numeric precision
    s: int | None = None            # numeric scale
    not_null: bool = False
    default: str | None = None
    identity: str | None = None     # 'ALWAYS' / 'BY DEFAULT'
    identity_opts: str = ""
    comment: str | None = None
    ref: object | None = None       # Enum / Domain / Sequence the column uses

    def sqltype(self) -> str:
        if self.kind == "varchar":
            return f"varchar({self.n})"
        if self.kind == "numeric":
            return f"numeric({self.p},{self.s})"
        if self.type:
            return self.type
        return FIXED_TYPES[self.kind]

    @property
    def fixed(self) -> bool:
        """Key-like column whose type/default/nullability is never mutated."""
        return self.identity is not None or self.kind in ("serial", "seq", "pkuuid", "fk")


@dataclass(eq=False)
class Check:
    name: str
    expr: str
    alt: str
    cols: tuple[str, ...]


@dataclass(eq=False)
class Unique:
    name: str
    cols: tuple[str, ...]


@dataclass(eq=False)
class ForeignKey:
    name: str
    cols: tuple[str, ...]
    ref_table: str
    ref_cols: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"


@dataclass(eq=False)
class Table:
    schema: str
    name: str
    noun: str
    columns: list[Column] = field(default_factory=list)
    pk_name: str = ""
    pk: tuple[str, ...] = ()
    uniques: list[Unique] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    fks: list[ForeignKey] = field(default_factory=list)
    comment: str | None = None
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"

    def col(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def cols_of(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]

    def has(self, name: str) -> bool:
        return self.col(name) is not None

    def unique_col_name(self, base: str) -> str:
        names = {c.name for c in self.columns}
        name, i = base, 1
        while name in names:
            i += 1
            name = f"{base}_{i}"
        return name


@dataclass(eq=False)
class Index:
    schema: str
    name: str
    table: str                      # qname of table or materialized view
    keys: list[str]
    cols: tuple[str, ...]           # columns used by keys and predicate
    method: str = "btree"
    where: str | None = None
    unique: bool = False
    on_matview: bool = False

    def definition(self) -> tuple:
        return (self.method, tuple(self.keys), self.where, self.unique)


@dataclass(eq=False)
class View:
    schema: str
    name: str
    kind: str
    items: list[tuple[str, str]]    # (expression, alias)
    from_sql: str
    deps: set[str]
    col_deps: set[tuple[str, str]]
    where: str | None = None
    alt_where: str | None = None
    group_by: list[str] = field(default_factory=list)
    materialized: bool = False
    base: str | None = None         # table qname for single-table views (for appending cols)
    alias: str = "t"
    comment: str | None = None
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def out_cols(self) -> list[str]:
        return [a for _, a in self.items]


@dataclass(eq=False)
class Function:
    schema: str
    name: str
    kind: str
    args: list[tuple[str, str, str | None]]   # (name, type, default)
    rtype: str
    volatility: str = "VOLATILE"
    table: str | None = None
    params: dict = field(default_factory=dict)
    alt: bool = False
    col_deps: set[tuple[str, str]] = field(default_factory=set)
    comment: str | None = None
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def signature(self) -> str:
        return f"{self.qname}({', '.join(t for _, t, _ in self.args)})"


@dataclass(eq=False)
class Trigger:
    name: str
    table: str
    timing: str
    events: str
    function: str
    level: str = "ROW"
    when: str | None = None
    col_deps: set[tuple[str, str]] = field(default_factory=set)


@dataclass(eq=False)
class Schema:
    name: str
    enums: list[Enum] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)
    sequences: list[Sequence] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)   # qnames, creation order
    names: set[str] = field(default_factory=set)      # relation/type/function names in use
    comment: str | None = None

    def reg(self, base: str) -> str:
        base = base[:56]
        name, i = base, 1
        while name in self.names:
            i += 1
            name = f"{base}_{i}"
        self.names.add(name)
        return name


@dataclass(eq=False)
class Model:
    schemas: list[Schema] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    indexes: list[Index] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    table_counter: int = 0

    def schema(self, name: str) -> Schema:
        for s in self.schemas:
            if s.name == name:
                return s
        raise KeyError(name)


# ---------------------------------------------------------------------------
# generation of the base model
# ---------------------------------------------------------------------------

class Generator:
    def __init__(self, ntables: int, seed: int):
        self.ntables = ntables
        self.rng = random.Random(seed)
        self.m = Model()

    # -- per-schema objects -------------------------------------------------
    def gen_schema(self, idx: int) -> Schema:
        rng = self.rng
        s = Schema(f"app_{idx:02d}")
        s.comment = f"Application module {idx}"
        for name, vals, cols in (
            ("status_t", ["draft", "active", "suspended", "archived"], ("status", "state")),
            ("priority_t", ["low", "normal", "high", "urgent"], ("priority",)),
        ):
            s.enums.append(Enum(s.name, s.reg(name), vals, cols))
        kind_vals = rng.sample(ENUM_KIND_VALUES, rng.randint(3, 5))
        noun = rng.choice(NOUNS)
        s.enums.append(Enum(s.name, s.reg(f"{noun}_kind_t"), kind_vals, ("kind", f"{noun}_kind")))
        s.domains.append(Domain(s.name, s.reg("email_t"), "text",
                                "VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+$'", (),
                                ("contact_email", "billing_email"), textlike=True))
        s.domains.append(Domain(s.name, s.reg("money_t"), "numeric(12,2)", "VALUE >= 0",
                                ("0", "0.00"), ("balance", "credit_limit", "gross_price"),
                                numeric=True))
        s.domains.append(Domain(s.name, s.reg("code_t"), "varchar(32)",
                                "char_length(VALUE) >= 2", ("'XX'", "'NA'"),
                                ("short_code", "ext_code"), textlike=True))
        nseq = max(1, round(self.ntables / max(2, round(self.ntables / 50)) / 20))
        for _ in range(nseq):
            s.sequences.append(self.gen_sequence(s, rng))
        return s

    def gen_sequence(self, s: Schema, rng: random.Random) -> Sequence:
        noun = rng.choice(NOUNS)
        seq = Sequence(s.name, s.reg(f"{noun}_no_seq"), rng.choice(["bigint", "bigint", "integer"]),
                       rng.choice([1, 1000, 100000]), rng.choice([1, 1, 1, 5, 10]),
                       rng.choice([1, 1, 20, 50]))
        if rng.random() < 0.2:
            seq.maxvalue = 999999999
            seq.cycle = rng.random() < 0.5
        if rng.random() < 0.5:
            seq.comment = f"Number generator for {noun} documents"
        seq.grants = {"bench_writer": ("SELECT", "USAGE")} if rng.random() < 0.7 else {}
        return seq

    def util_functions(self, s: Schema) -> None:
        self.m.functions.append(Function(
            s.name, s.reg("set_updated_at"), "set_updated_at", [], "trigger",
            comment="Sets updated_at on every UPDATE"))
        self.m.functions.append(Function(
            s.name, s.reg("days_between"), "days_between",
            [("p_from", "date", None), ("p_to", "date", None)], "integer", "IMMUTABLE",
            comment="Number of days between two dates",
            grants={"bench_reader": ("EXECUTE",), "bench_writer": ("EXECUTE",)}))

    # -- columns -------------------------------------------------------------
    def gen_column(self, t: Table, s: Schema, rng: random.Random, kind: str | None = None) -> Column:
        kinds = list(KIND_WEIGHTS)
        if kind is None:
            kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        if kind == "seq" and (not s.sequences or t.cols_of("seq")):
            kind = "bigint"
        if kind == "enum":
            e = rng.choice(s.enums)
            c = Column(t.unique_col_name(rng.choice(e.col_names)), "enum", e.qname, ref=e)
            if rng.random() < 0.6:
                c.not_null = True
                c.default = f"{lit(e.values[0])}::{e.qname}"
            return c
        if kind == "domain":
            d = rng.choice(s.domains)
            c = Column(t.unique_col_name(rng.choice(d.col_names)), "domain", d.qname, ref=d)
            if d.defaults and rng.random() < 0.4:
                c.default = rng.choice(d.defaults)
            return c
        if kind == "seq":
            seq = rng.choice(s.sequences)
            c = Column(t.unique_col_name(seq.name.replace("_seq", "")), "seq", seq.as_type,
                       not_null=True, default=f"nextval({lit(seq.qname)}::regclass)", ref=seq)
            return c
        pool = COLUMN_NAMES[kind]
        base = rng.choice(pool)
        for _ in range(3):
            if not t.has(base):
                break
            base = rng.choice(pool)
        c = Column(t.unique_col_name(base), kind)
        if kind == "varchar":
            c.n = rng.choice([20, 50, 50, 100, 255])
        elif kind == "numeric":
            c.p, c.s = rng.choice([(10, 2), (10, 2), (12, 4), (5, 2), (14, 2)])
        r = rng.random()
        if r < 0.35:
            c.default = rng.choice(DEFAULTS[kind])
            c.not_null = rng.random() < 0.7
        elif r < 0.5:
            c.not_null = True
        if kind == "ts" and c.name == "deleted_at":
            c.default, c.not_null = None, False
        if rng.random() < 0.12:
            c.comment = f"{c.name.replace('_', ' ').capitalize()} of the {t.noun}"
        return c

    def gen_check(self, t: Table, rng: random.Random) -> Check | None:
        cands = t.cols_of("int", "numeric", "smallint", "text", "varchar")
        if not cands:
            return None
        c = rng.choice(cands)
        n = c.name
        if c.kind in ("int", "smallint"):
            expr, alt = rng.choice([(f"{n} >= 0", f"{n} > 0"),
                                    (f"{n} BETWEEN 0 AND 1000", f"{n} BETWEEN 0 AND 5000")])
        elif c.kind == "numeric":
            lim = 10 ** (c.p - c.s) - 1
            expr, alt = rng.choice([(f"{n} >= 0", f"{n} >= 0::numeric AND {n} < {lim}"),
                                    (f"{n} <= {lim // 2}", f"{n} <= {lim}")])
        else:
            expr, alt = rng.choice([(f"char_length({n}) <= 200", f"char_length({n}) <= 500"),
                                    (f"{n} <> ''", f"btrim({n}) <> ''")])
        return Check("", expr, alt, (n,))

    # -- tables --------------------------------------------------------------
    def gen_table(self, s: Schema, rng: random.Random) -> Table:
        m = self.m
        idx = m.table_counter
        m.table_counter += 1
        noun = rng.choice(NOUNS)
        width = max(4, len(str(self.ntables)))
        t = Table(s.name, s.reg(f"{noun}_{idx:0{width}d}"), noun)
        pk_kind = rng.choices(["always", "bydefault", "serial", "bigserial", "uuid"],
                              weights=[35, 15, 15, 20, 15])[0]
        if pk_kind == "always":
            pk = Column("id", "pk", "bigint", identity="ALWAYS")
        elif pk_kind == "bydefault":
            pk = Column("id", "pk", "integer", identity="BY DEFAULT")
            if rng.random() < 0.3:
                pk.identity_opts = f"START WITH {rng.choice([100, 1000, 10000])}"
        elif pk_kind == "serial":
            pk = Column("id", "serial", "serial")
        elif pk_kind == "bigserial":
            pk = Column("id", "serial", "bigserial")
        else:
            pk = Column("id", "pkuuid", "uuid", not_null=True, default="gen_random_uuid()")
        if pk.identity or pk.kind == "serial":
            s.names.add(f"{t.name}_id_seq")
        t.columns.append(pk)
        t.pk = ("id",)
        t.pk_name = s.reg(f"{t.name}_pkey")

        ncols = rng.randint(5, 30)
        # foreign keys to earlier tables of the same schema
        if s.tables:
            nfk = rng.choices([0, 1, 2, 3], weights=[30, 40, 20, 10])[0]
            recent = s.tables[-40:]
            for pq in rng.sample(recent, min(nfk, len(recent))):
                self.add_fk(t, m.tables[pq], rng, s)
        if rng.random() < 0.85:
            t.columns.append(Column("created_at", "ts", not_null=True, default="now()"))
        while len(t.columns) < ncols:
            t.columns.append(self.gen_column(t, s, rng))
        # constraints
        for _ in range(rng.choices([0, 1, 2], weights=[45, 40, 15])[0]):
            ck = self.gen_check(t, rng)
            if ck and all(ck.expr != o.expr for o in t.checks):
                ck.name = f"{t.name}_{ck.cols[0]}_check"
                if any(o.name == ck.name for o in t.checks):
                    ck.name += f"{len(t.checks) + 1}"
                t.checks.append(ck)
        dates = t.cols_of("date")
        if len(dates) >= 2 and rng.random() < 0.5:
            a, b = dates[0].name, dates[1].name
            t.checks.append(Check(f"{t.name}_{b}_after_{a}", f"{b} IS NULL OR {b} >= {a}",
                                  f"{b} IS NULL OR {b} > {a}", (a, b)))
        ucands = t.cols_of("uuid", "varchar", "domain")
        if ucands and rng.random() < 0.35:
            c = rng.choice(ucands)
            cols = (c.name,)
            if t.fks and rng.random() < 0.3:
                cols = (t.fks[0].cols[0], c.name)
            t.uniques.append(Unique(s.reg(f"{t.name}_{'_'.join(cols)}_key"), cols))
        # metadata
        if rng.random() < 0.6:
            t.comment = f"{noun.capitalize()} records of module {s.name}"
        if rng.random() < 0.9:
            t.grants["bench_reader"] = ("SELECT",)
        r = rng.random()
        if r < 0.7:
            t.grants["bench_writer"] = WRITER_PRIVS
        elif r < 0.8:
            t.grants["bench_writer"] = ("SELECT", "INSERT")
        m.tables[t.qname] = t
        s.tables.append(t.qname)
        # indexes and triggers
        defs: set = set()
        for _ in range(rng.choice([1, 2, 2, 2, 3])):
            ix = self.gen_index(t, s, rng, avoid=defs)
            if ix:
                m.indexes.append(ix)
        if t.has("updated_at") and rng.random() < 0.3:
            self.add_updated_at_trigger(t, s)
        return t

    def add_fk(self, t: Table, parent: Table, rng: random.Random, s: Schema) -> None:
        pcol = parent.col("id")
        ctype = {"bigint": "bigint", "integer": "integer", "serial": "integer",
                 "bigserial": "bigint", "uuid": "uuid"}[pcol.type]
        c = Column(t.unique_col_name(f"{parent.noun}_id"), "fk", ctype,
                   not_null=rng.random() < 0.6)
        t.columns.append(c)
        actions = [a for a in ON_DELETE if not (a == "SET NULL" and c.not_null)]
        fk = ForeignKey(f"{t.name}_{c.name}_fkey", (c.name,), parent.qname, ("id",),
                        rng.choice(actions))
        if rng.random() < 0.1:
            fk.on_update = "CASCADE"
        t.fks.append(fk)

    def add_updated_at_trigger(self, t: Table, s: Schema) -> None:
        self.m.triggers.append(Trigger(f"{t.name}_set_updated_at", t.qname, "BEFORE", "UPDATE",
                                       f"{s.name}.set_updated_at",
                                       col_deps={(t.qname, "updated_at")}))

    # -- indexes -------------------------------------------------------------
    def gen_index(self, t: Table, s: Schema, rng: random.Random, name: str | None = None,
                  avoid: set | None = None) -> Index | None:
        existing = set() if avoid is None else avoid
        opts = []
        fkcols = [fk.cols[0] for fk in t.fks]
        textcols = [c for c in t.columns if c.kind in TEXTLIKE
                    or (c.kind == "domain" and c.ref.textlike)]
        jsoncols, arrcols = t.cols_of("jsonb"), t.cols_of("text[]", "int[]")
        tscols, uuidcols = t.cols_of("ts"), t.cols_of("uuid")
        plain = [c for c in t.columns if c.kind in ("int", "bigint", "smallint", "numeric", "varchar",
                                                    "date", "ts", "enum", "fk", "bool")]
        if fkcols:
            opts += ["fk"] * 3
        if textcols:
            opts += ["lower"] * 2
        if jsoncols:
            opts += ["gin_json", "json_expr"]
        if arrcols:
            opts += ["gin_arr"]
        if tscols:
            opts += ["ts", "brin"]
        if uuidcols:
            opts += ["unique"]
        if plain:
            opts += ["partial"] * 2 + ["plain"]
        if len(plain) >= 2:
            opts += ["multi"]
        if not opts:
            return None
        for _ in range(6):
            kind = rng.choice(opts)
            ix = Index(s.name, "", t.qname, [], ())
            if kind == "fk":
                c = rng.choice(fkcols)
                ix.keys, ix.cols = [c], (c,)
            elif kind == "lower":
                c = rng.choice(textcols).name
                ix.keys, ix.cols = [f"lower({c})"], (c,)
                ix.unique = rng.random() < 0.2
            elif kind == "gin_json":
                c = rng.choice(jsoncols).name
                ix.method = "gin"
                ix.keys = [rng.choice([c, f"{c} jsonb_path_ops"])]
                ix.cols = (c,)
            elif kind == "json_expr":
                c = rng.choice(jsoncols).name
                ix.keys, ix.cols = [f"({c} ->> {lit(rng.choice(['type', 'source', 'ref']))})"], (c,)
            elif kind == "gin_arr":
                c = rng.choice(arrcols).name
                ix.method, ix.keys, ix.cols = "gin", [c], (c,)
            elif kind == "ts":
                c = rng.choice(tscols).name
                ix.keys, ix.cols = [f"{c} DESC"], (c,)
            elif kind == "brin":
                c = rng.choice(tscols).name
                ix.method, ix.keys, ix.cols = "brin", [c], (c,)
            elif kind == "unique":
                c = rng.choice(uuidcols).name
                ix.unique, ix.keys, ix.cols = True, [c], (c,)
            elif kind == "multi":
                a, b = rng.sample(plain, 2)
                ix.keys, ix.cols = [a.name, b.name], (a.name, b.name)
            else:
                c = rng.choice(plain).name
                ix.keys, ix.cols = [c], (c,)
                if kind == "partial":
                    pred, pcol = self.predicate(t, rng, exclude=c)
                    ix.where = pred
                    ix.cols = (c, pcol) if pcol != c else (c,)
            if ix.definition() in existing:
                continue
            existing.add(ix.definition())
            ix.name = name or s.reg(f"{t.name}_{'_'.join(ix.cols)}_idx")
            return ix
        return None

    def predicate(self, t: Table, rng: random.Random, exclude: str | None = None,
                  alias: str = "") -> tuple[str, str]:
        """A boolean predicate over one column of t: (sql, column)."""
        p = f"{alias}." if alias else ""
        cands = []
        for c in t.columns:
            if c.name == exclude:
                continue
            if c.kind == "bool":
                cands.append((f"{p}{c.name}", c.name))
            elif c.kind == "ts" and c.name == "deleted_at":
                cands.append((f"{p}{c.name} IS NULL", c.name))
            elif c.kind == "enum" and c.ref.values[-1] != c.ref.values[0]:
                cands.append((f"{p}{c.name} <> {lit(c.ref.values[-1])}::{c.ref.qname}", c.name))
        if not cands:
            c = rng.choice([c for c in t.columns if c.name != exclude] or t.columns)
            return f"{p}{c.name} IS NOT NULL", c.name
        return rng.choice(cands)

    # -- views ---------------------------------------------------------------
    def gen_view(self, s: Schema, rng: random.Random, materialized: bool = False) -> View | None:
        m = self.m
        tables = [m.tables[q] for q in s.tables]
        if not tables:
            return None
        own_views = [v for v in m.views if v.schema == s.name and not v.materialized]
        r = rng.random()
        if materialized:
            cands = [t for t in tables if self.group_col(t)]
            if not cands:
                return None
            t = rng.choice(cands)
            v = self.agg_view(s, t, rng, "mv")
            v.materialized = True
            return v
        if own_views and r < 0.3:
            base = rng.choice(own_views)
            cols = base.out_cols
            keep = [cols[0]] + sorted(rng.sample(cols[1:], min(len(cols) - 1, rng.randint(1, 4))),
                                      key=cols.index)
            v = View(s.name, s.reg(f"{base.name}_ext"), "onview",
                     [(f"b.{c}", c) for c in keep], f"{base.qname} b", {base.qname},
                     {(base.qname, c) for c in keep}, alias="b")
            v.where = f"b.{keep[0]} IS NOT NULL" if rng.random() < 0.5 else None
            v.alt_where = None if v.where else f"b.{keep[0]} IS NOT NULL"
            return v
        with_fk = [t for t in tables if t.fks]
        if with_fk and r < 0.55:
            t = rng.choice(with_fk)
            fk = rng.choice(t.fks)
            p = m.tables[fk.ref_table]
            ccols = [c.name for c in t.columns[1:] if c.kind not in ("jsonb",)]
            pcols = [c.name for c in p.columns[1:] if c.kind in ("text", "varchar", "enum", "domain",
                                                                   "numeric", "date", "ts")]
            pick_c = sorted(rng.sample(ccols, min(len(ccols), rng.randint(2, 5))),
                            key=ccols.index)
            pick_p = rng.sample(pcols, min(len(pcols), rng.randint(1, 2)))
            items = [("c.id", "id")] + [(f"c.{c}", c) for c in pick_c]
            outs = {a for _, a in items}
            for pc in pick_p:
                alias = f"{p.noun}_{pc}"
                if alias not in outs:
                    items.append((f"p.{pc}", alias))
                    outs.add(alias)
            jt = "LEFT JOIN" if not t.col(fk.cols[0]).not_null else "JOIN"
            v = View(s.name, s.reg(f"{t.name}_with_{p.noun}_v"), "join", items,
                     f"{t.qname} c {jt} {p.qname} p ON p.id = c.{fk.cols[0]}",
                     {t.qname, p.qname},
                     {(t.qname, c) for c in pick_c + [fk.cols[0], "id"]}
                     | {(p.qname, c) for c in pick_p + ["id"]}, alias="c")
            pred, pc = self.predicate(t, rng, alias="c")
            v.col_deps.add((t.qname, pc))
            if rng.random() < 0.5:
                v.where, v.alt_where = pred, None
            else:
                v.where, v.alt_where = None, pred
            return v
        gcands = [t for t in tables if self.group_col(t)]
        if gcands and r < 0.75:
            return self.agg_view(s, rng.choice(gcands), rng, "v")
        t = rng.choice(tables)
        cols = [c.name for c in t.columns[1:]]
        pick = sorted(rng.sample(cols, min(len(cols), rng.randint(2, 6))), key=cols.index)
        v = View(s.name, s.reg(f"{t.name}_v"), "simple",
                 [("t.id", "id")] + [(f"t.{c}", c) for c in pick], f"{t.qname} t", {t.qname},
                 {(t.qname, c) for c in pick + ["id"]}, base=t.qname)
        pred, pc = self.predicate(t, rng, alias="t")
        v.col_deps.add((t.qname, pc))
        pred2, pc2 = self.predicate(t, rng, alias="t")
        v.col_deps.add((t.qname, pc2))
        v.where = pred
        v.alt_where = pred2 if pred2 != pred else None
        return v

    @staticmethod
    def group_col(t: Table) -> Column | None:
        for c in t.columns:
            if c.kind in GROUPABLE or c.kind == "fk":
                return c
        return None

    def agg_view(self, s: Schema, t: Table, rng: random.Random, suffix: str) -> View:
        g = self.group_col(t)
        gcands = [c for c in t.columns if c.kind in GROUPABLE or c.kind == "fk"]
        g = rng.choice(gcands) if gcands else g
        items = [(f"t.{g.name}", g.name), ("count(*)", "row_count")]
        deps = {(t.qname, g.name)}
        nums = t.cols_of("numeric", "int", "bigint")
        if nums:
            n = rng.choice(nums)
            items.append((f"sum(t.{n.name})", f"total_{n.name}"))
            deps.add((t.qname, n.name))
        if t.has("created_at"):
            items.append(("max(t.created_at)", "last_created_at"))
            deps.add((t.qname, "created_at"))
        v = View(s.name, s.reg(f"{t.name}_by_{g.name}_{suffix}"), "agg", items, f"{t.qname} t",
                 {t.qname}, deps, group_by=[f"t.{g.name}"])
        pred, pc = self.predicate(t, rng, exclude=g.name, alias="t")
        v.col_deps.add((t.qname, pc))
        if rng.random() < 0.5:
            v.where, v.alt_where = pred, None
        else:
            v.where, v.alt_where = None, pred
        return v

    def add_view(self, s: Schema, rng: random.Random, materialized: bool = False) -> View | None:
        v = self.gen_view(s, rng, materialized)
        if v is None:
            return None
        if rng.random() < 0.5:
            v.comment = f"{'Materialized summary' if materialized else 'Convenience view'} over {v.from_sql.split()[0]}"
        v.grants["bench_reader"] = ("SELECT",)
        if rng.random() < 0.3:
            v.grants["bench_writer"] = ("SELECT",)
        self.m.views.append(v)
        if materialized:
            g = v.items[0][1]
            self.m.indexes.append(Index(s.name, s.reg(f"{v.name}_{g}_idx"), v.qname, [g], (g,),
                                        unique=True, on_matview=True))
        return v

    # -- functions and triggers -------------------------------------------------
    def add_table_function(self, s: Schema, t: Table, rng: random.Random,
                           kind: str | None = None) -> Function | None:
        m = self.m
        nums = t.cols_of("numeric", "int")
        texts = t.cols_of("text", "varchar")
        if kind is None:
            kinds = ["count"]
            if nums and t.fks:
                kinds.append("total")
            if texts:
                kinds.append("trg_normalize")
            if nums:
                kinds.append("trg_guard")
            kind = rng.choice(kinds)
        if kind == "count":
            f = Function(s.name, s.reg(f"{t.name}_count"), "count",
                         [("p_since", "timestamptz", "NULL")] if t.has("created_at") else [],
                         rng.choice(["integer", "bigint"]), "STABLE", t.qname)
            if t.has("created_at"):
                f.col_deps.add((t.qname, "created_at"))
            f.grants = {"bench_reader": ("EXECUTE",)} if rng.random() < 0.5 else {}
        elif kind == "total":
            n = rng.choice(nums)
            fk = rng.choice(t.fks)
            ptype = t.col(fk.cols[0]).type
            f = Function(s.name, s.reg(f"{t.name}_total_{n.name}"), "total",
                         [("p_key", ptype, None)], "numeric", "STABLE", t.qname,
                         {"col": n.name, "key": fk.cols[0]})
            f.col_deps |= {(t.qname, n.name), (t.qname, fk.cols[0])}
            f.grants = {"bench_writer": ("EXECUTE",)} if rng.random() < 0.5 else {}
        else:
            c = rng.choice(texts if kind == "trg_normalize" else nums)
            f = Function(s.name, s.reg(f"{t.name}_{'normalize' if kind == 'trg_normalize' else 'guard'}_{c.name}"),
                         kind, [], "trigger", "VOLATILE", t.qname, {"col": c.name})
            f.col_deps.add((t.qname, c.name))
        if rng.random() < 0.5:
            f.comment = f"{kind.replace('_', ' ')} helper for {t.name}"
        m.functions.append(f)
        if f.rtype == "trigger":
            when = f"(NEW.{f.params['col']} IS NOT NULL)" if rng.random() < 0.4 else None
            m.triggers.append(Trigger(s.reg(f"{f.name}_trg")[:63], t.qname, "BEFORE",
                                      rng.choice(["INSERT OR UPDATE", "INSERT",
                                                  f"INSERT OR UPDATE OF {f.params['col']}"]),
                                      f.qname, when=when, col_deps=set(f.col_deps)))
        return f

    # -- whole model ---------------------------------------------------------
    def build(self) -> Model:
        m, rng = self.m, self.rng
        nschemas = max(2, round(self.ntables / 50))
        for i in range(nschemas):
            s = self.gen_schema(i)
            m.schemas.append(s)
            self.util_functions(s)
        for si, s in enumerate(m.schemas):
            lo = si * self.ntables // nschemas
            hi = (si + 1) * self.ntables // nschemas
            n = hi - lo
            for _ in range(n):
                self.gen_table(s, rng)
            if not n:
                continue
            for _ in range(max(1, round(n / 10))):
                self.add_view(s, rng)
            for _ in range(max(1, round(n / 50))):
                self.add_view(s, rng, materialized=True)
            for _ in range(max(1, round(n / 10))):
                t = m.tables[rng.choice(s.tables)]
                self.add_table_function(s, t, rng)
        return m


# ---------------------------------------------------------------------------
# variant mutations
# ---------------------------------------------------------------------------

class Mutator:
    def __init__(self, gen: Generator, seed: int, rate: float):
        self.g = gen
        self.m = gen.m
        self.rng = random.Random(seed * 1000003 + 77)
        self.rate = rate
        self.n = gen.ntables
        self.log: list[str] = []

    def count(self, base: int, weight: float) -> int:
        """Number of mutations of one kind: base * weight * rate/0.05, at least 1."""
        return max(1, round(base * weight * self.rate / 0.05))

    # -- helpers -------------------------------------------------------------
    def used_columns(self) -> set[tuple[str, str]]:
        used: set[tuple[str, str]] = set()
        for t in self.m.tables.values():
            q = t.qname
            used.update((q, c) for c in t.pk)
            for u in t.uniques:
                used.update((q, c) for c in u.cols)
            for ck in t.checks:
                used.update((q, c) for c in ck.cols)
            for fk in t.fks:
                used.update((q, c) for c in fk.cols)
                used.update((fk.ref_table, c) for c in fk.ref_cols)
        for ix in self.m.indexes:
            used.update((ix.table, c) for c in ix.cols)
        for v in self.m.views:
            used |= v.col_deps
        for f in self.m.functions:
            used |= f.col_deps
        for tr in self.m.triggers:
            used |= tr.col_deps
        return used

    def tables(self) -> list[Table]:
        return list(self.m.tables.values())

    def drop_relations(self, names: set[str]) -> None:
        m = self.m
        removed = set(names)
        changed = True
        while changed:
            changed = False
            for v in m.views:
                if v.qname not in removed and v.deps & removed:
                    removed.add(v.qname)
                    changed = True
        for q in list(removed):
            if q in m.tables:
                t = m.tables.pop(q)
                m.schema(t.schema).tables.remove(q)
        m.views = [v for v in m.views if v.qname not in removed]
        m.indexes = [ix for ix in m.indexes if ix.table not in removed]
        m.triggers = [tr for tr in m.triggers if tr.table not in removed]
        m.functions = [f for f in m.functions if f.table not in removed]
        live = {f.qname for f in m.functions}
        m.triggers = [tr for tr in m.triggers if tr.function in live]
        for t in m.tables.values():
            t.fks = [fk for fk in t.fks if fk.ref_table not in removed]

    def pick(self, seq: list, k: int) -> list:
        return self.rng.sample(seq, max(0, min(k, len(seq))))

    # -- the mutations ---------------------------------------------------------
    def run(self) -> list[str]:
        rng, m, g = self.rng, self.m, self.g
        log = self.log

        # dropped tables (with their FKs, views, functions and triggers)
        drop = self.pick(self.tables(), self.count(self.n, 0.005))
        before_views = len(m.views)
        self.drop_relations({t.qname for t in drop})
        log.append(f"dropped tables: {len(drop)} (cascading to {before_views - len(m.views)} views)")

        # added tables
        k = self.count(self.n, 0.005)
        for _ in range(k):
            s = rng.choice([s for s in m.schemas if s.tables] or m.schemas)
            g.gen_table(s, rng)
        log.append(f"added tables: {k}")

        # dropped columns (only unused ones)
        used = self.used_columns()
        cands = [(t, c) for t in self.tables() for c in t.columns
                 if (t.qname, c.name) not in used and len(t.columns) > 3]
        k = 0
        for t, c in self.pick(cands, self.count(self.n, 0.005)):
            if c in t.columns:
                t.columns.remove(c)
                k += 1
        log.append(f"dropped columns: {k}")

        # added columns
        k = self.count(self.n, 0.01)
        for t in self.pick(self.tables(), k):
            c = g.gen_column(t, m.schema(t.schema), rng)
            if c.not_null and c.default is None:
                c.not_null = False
            t.columns.append(c)
        log.append(f"added columns: {k}")

        used = self.used_columns()
        viewcols = {(q, c) for v in m.views for (q, c) in v.col_deps if q in m.tables}

        # widened types; some of them read by views on purpose
        def widenable(t: Table, c: Column) -> bool:
            return (c.kind in ("int", "smallint") or (c.kind == "varchar" and c.n <= 255)
                    or (c.kind == "numeric" and c.p <= 14))
        cands = [(t, c) for t in self.tables() for c in t.columns if widenable(t, c)]
        in_view = [tc for tc in cands if (tc[0].qname, tc[1].name) in viewcols]
        k = self.count(self.n, 0.015)
        chosen: list[tuple[Table, Column]] = []
        for kind in ("int", "varchar", "numeric"):     # one of each, read by a view if possible
            pool = ([tc for tc in in_view if tc[1].kind == kind]
                    or [tc for tc in cands if tc[1].kind == kind])
            chosen += self.pick(pool, 1)
        taken = {id(tc[1]) for tc in chosen}
        chosen += self.pick([tc for tc in in_view if id(tc[1]) not in taken],
                            max(0, k // 4 - len(chosen)))
        taken = {id(tc[1]) for tc in chosen}
        chosen += self.pick([tc for tc in cands if id(tc[1]) not in taken], k - len(chosen))
        nview = sum(1 for t, c in chosen if (t.qname, c.name) in viewcols)
        for t, c in chosen:
            if c.kind == "int":
                c.kind = "bigint"
            elif c.kind == "smallint":
                c.kind = "int"
            elif c.kind == "varchar":
                c.n = 100 if c.n < 100 else c.n * 2
            else:
                c.p += 2
        log.append(f"widened columns: {len(chosen)} ({nview} read by views)")

        # changed defaults
        cands = [(t, c) for t in self.tables() for c in t.columns
                 if not c.fixed and (c.kind in DEFAULTS or c.kind == "enum"
                                     or (c.kind == "domain" and c.ref.defaults))]
        k = self.count(self.n, 0.005)
        for t, c in self.pick(cands, k):
            if c.kind == "enum":
                opts = [f"{lit(v)}::{c.ref.qname}" for v in c.ref.values]
            elif c.kind == "domain":
                opts = list(c.ref.defaults)
            else:
                opts = list(DEFAULTS[c.kind])
            opts = [o for o in opts if o != c.default]
            if c.default is not None and (not c.not_null) and rng.random() < 0.3 or not opts:
                c.default = None
            else:
                c.default = rng.choice(opts)
        log.append(f"changed defaults: {k}")

        # NOT NULL toggles
        cands = [(t, c) for t in self.tables() for c in t.columns
                 if not c.fixed and c.name not in t.pk]
        k = self.count(self.n, 0.005)
        for t, c in self.pick(cands, k):
            c.not_null = not c.not_null
        log.append(f"NOT NULL toggled: {k}")

        # changed CHECK constraints
        cands = [(t, ck) for t in self.tables() for ck in t.checks]
        k = self.count(self.n, 0.003)
        for t, ck in self.pick(cands, k):
            ck.expr, ck.alt = ck.alt, ck.expr
        log.append(f"changed CHECKs: {min(k, len(cands))}")

        # FK ON DELETE changes
        cands = [(t, fk) for t in self.tables() for fk in t.fks]
        k = self.count(self.n, 0.003)
        for t, fk in self.pick(cands, k):
            nullable = not t.col(fk.cols[0]).not_null
            opts = [a for a in ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL")
                    if a != fk.on_delete and (nullable or a != "SET NULL")]
            fk.on_delete = rng.choice(opts)
        log.append(f"changed FK ON DELETE: {min(k, len(cands))}")

        # indexes: dropped / redefined / added
        plain = [ix for ix in m.indexes if not ix.on_matview]
        k = self.count(self.n, 0.01)
        dropped = set(id(ix) for ix in self.pick(plain, k))
        m.indexes = [ix for ix in m.indexes if id(ix) not in dropped]
        plain = [ix for ix in m.indexes if not ix.on_matview]
        k2 = 0
        for ix in self.pick(plain, self.count(self.n, 0.01)):
            # same name and keys, different definition: toggle the partial predicate,
            # or add a second key column when there is none to toggle
            t = m.tables[ix.table]
            if ix.where is not None:
                ix.where = None
                ix.cols = tuple(c for c in ix.cols if any(c in k for k in ix.keys))
            elif ix.method == "btree" and not ix.unique and rng.random() < 0.5:
                extra = [c for c in t.cols_of("int", "bigint", "date", "ts", "enum", "bool")
                         if c.name not in ix.cols]
                if not extra:
                    continue
                c = rng.choice(extra)
                ix.keys = ix.keys + [c.name]
                ix.cols = ix.cols + (c.name,)
            else:
                pred, pcol = g.predicate(t, rng, exclude=ix.cols[0])
                ix.where = pred
                ix.cols = ix.cols + ((pcol,) if pcol not in ix.cols else ())
            k2 += 1
        k3 = 0
        defs: dict[str, set] = {}
        for o in m.indexes:
            defs.setdefault(o.table, set()).add(o.definition())
        for t in self.pick(self.tables(), self.count(self.n, 0.01)):
            ix = g.gen_index(t, m.schema(t.schema), rng, avoid=defs.setdefault(t.qname, set()))
            if ix:
                m.indexes.append(ix)
                k3 += 1
        log.append(f"indexes: {len(dropped)} dropped, {k2} redefined, {k3} added")

        # views: changed bodies, added, dropped
        changed = 0
        for v in self.pick(m.views, self.count(len(m.views), 0.05)):
            if v.where != v.alt_where:
                v.where, v.alt_where = v.alt_where, v.where
            elif v.base:
                t = m.tables[v.base]
                extra = [c for c in t.columns if c.name not in v.out_cols]
                if not extra:
                    continue
                c = rng.choice(extra)
                v.items.append((f"t.{c.name}", c.name))
                v.col_deps.add((t.qname, c.name))
            changed += 1
        added = 0
        for s in self.pick([s for s in m.schemas if s.tables], self.count(len(m.views), 0.02)):
            if g.add_view(s, rng):
                added += 1
        depended = {d for v in m.views for d in v.deps}
        vdrop = self.pick([v for v in m.views if v.qname not in depended and not v.materialized],
                          self.count(len(m.views), 0.02))
        self.drop_relations({v.qname for v in vdrop})
        log.append(f"views: {changed} bodies changed, {added} added, {len(vdrop)} dropped")

        # functions: changed bodies, return type change, added, dropped
        nf = len(m.functions)
        fchanged = self.pick(m.functions, self.count(nf, 0.05))
        for f in fchanged:
            f.alt = not f.alt
        rt = [f for f in m.functions if f.rtype == "integer"]
        rt_changed = self.pick(rt, max(1, self.count(nf, 0.01)))
        for f in rt_changed:
            f.rtype = "bigint"
        fadded = 0
        for _ in range(self.count(nf, 0.02)):
            t = rng.choice(self.tables())
            if g.add_table_function(m.schema(t.schema), t, rng,
                                    kind=rng.choice(["count", "total"]) if t.fks and
                                    t.cols_of("numeric", "int") else "count"):
                fadded += 1
        keep = {id(f) for f in rt_changed}
        fdrop = self.pick([f for f in m.functions if f.rtype != "trigger" and id(f) not in keep],
                          self.count(nf, 0.02))
        ids = {id(f) for f in fdrop}
        m.functions = [f for f in m.functions if id(f) not in ids]
        log.append(f"functions: {len(fchanged)} bodies changed, {len(rt_changed)} return type "
                   f"integer->bigint, {fadded} added, {len(fdrop)} dropped")

        # enums gaining a value
        k = self.count(len(m.schemas), 0.02)
        es = self.pick([e for s in m.schemas for e in s.enums], k)
        for i, e in enumerate(es):
            if e.name.startswith("status_t") and i % 2 == 0:
                e.values.insert(1, "pending")       # in the middle (ADD VALUE ... BEFORE)
            else:
                e.values.append("retired" if "retired" not in e.values else "obsolete")
        log.append(f"enums gaining a value: {len(es)}")

        # triggers: dropped / added
        ntr = len(m.triggers)
        tdrop = self.pick(m.triggers, self.count(ntr, 0.05))
        ids = {id(tr) for tr in tdrop}
        m.triggers = [tr for tr in m.triggers if id(tr) not in ids]
        has_trg = {tr.table for tr in m.triggers if tr.function.endswith(".set_updated_at")}
        cands = [t for t in self.tables() if t.has("updated_at") and t.qname not in has_trg]
        tadd = self.pick(cands, self.count(ntr, 0.05))
        for t in tadd:
            g.add_updated_at_trigger(t, m.schema(t.schema))
        nt = 0
        for t in self.pick(self.tables(), self.count(ntr, 0.02)):
            if t.cols_of("numeric", "int"):
                g.add_table_function(m.schema(t.schema), t, rng, kind="trg_guard")
                nt += 1
        log.append(f"triggers: {len(tdrop)} dropped, {len(tadd) + nt} added "
                   f"({nt} with a new trigger function)")

        # sequences
        seqs = [q for s in m.schemas for q in s.sequences]
        k = self.count(len(seqs), 0.1)
        for q in self.pick(seqs, k):
            if rng.random() < 0.5:
                q.increment = q.increment * 5 if q.increment > 1 else 10
            else:
                q.cache = 1 if q.cache > 1 else 25
        log.append(f"sequence options changed: {k}")

        # comments
        k = self.count(self.n, 0.01)
        for t in self.pick(self.tables(), k):
            r = rng.random()
            if t.comment is None:
                t.comment = f"{t.noun.capitalize()} data (added comment)"
            elif r < 0.25:
                t.comment = None
            else:
                t.comment += " (revised)"
            cols = [c for c in t.columns if c.comment]
            if cols:
                c = rng.choice(cols)
                c.comment += " (revised)"
        log.append(f"comments changed: {k} tables (+ a column comment each where present)")

        # grants
        k = self.count(self.n, 0.01)
        for t in self.pick(self.tables(), k):
            r = rng.random()
            if r < 0.3 and "bench_reader" in t.grants:
                del t.grants["bench_reader"]
            elif r < 0.6:
                t.grants["bench_writer"] = ("SELECT", "INSERT") \
                    if t.grants.get("bench_writer") == WRITER_PRIVS else WRITER_PRIVS
            else:
                t.grants["bench_writer"] = tuple(t.grants.get("bench_writer", ())) + ("TRUNCATE",) \
                    if "TRUNCATE" not in t.grants.get("bench_writer", ()) else ("SELECT",)
        log.append(f"grants changed: {k}")
        return log


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------

def privs(p: tuple[str, ...]) -> str:
    return ", ".join(sorted(set(p), key=PRIV_ORDER.index))


def render_column(c: Column) -> str:
    out = f"    {c.name} {c.sqltype()}"
    if c.identity:
        out += f" GENERATED {c.identity} AS IDENTITY"
        if c.identity_opts:
            out += f" ({c.identity_opts})"
    if c.default is not None:
        out += f" DEFAULT {c.default}"
    if c.not_null and not c.identity:
        out += " NOT NULL"
    return out


def render_table(t: Table) -> str:
    lines = [render_column(c) for c in t.columns]
    lines.append(f"    CONSTRAINT {t.pk_name} PRIMARY KEY ({', '.join(t.pk)})")
    for u in t.uniques:
        lines.append(f"    CONSTRAINT {u.name} UNIQUE ({', '.join(u.cols)})")
    for ck in t.checks:
        lines.append(f"    CONSTRAINT {ck.name} CHECK ({ck.expr})")
    for fk in t.fks:
        s = (f"    CONSTRAINT {fk.name} FOREIGN KEY ({', '.join(fk.cols)}) "
             f"REFERENCES {fk.ref_table} ({', '.join(fk.ref_cols)})")
        if fk.on_update != "NO ACTION":
            s += f" ON UPDATE {fk.on_update}"
        if fk.on_delete != "NO ACTION":
            s += f" ON DELETE {fk.on_delete}"
        lines.append(s)
    return f"CREATE TABLE {t.qname} (\n" + ",\n".join(lines) + "\n);\n"


def function_body(f: Function) -> str:
    if f.kind == "set_updated_at":
        if f.alt:
            return ("BEGIN\n    IF NEW IS DISTINCT FROM OLD THEN\n        NEW.updated_at := now();\n"
                    "    END IF;\n    RETURN NEW;\nEND")
        return "BEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND"
    if f.kind == "days_between":
        return f"BEGIN\n    RETURN {'abs(p_to - p_from)' if f.alt else 'p_to - p_from'};\nEND"
    if f.kind == "count":
        if f.args:
            op = ">" if f.alt else ">="
            where = f" WHERE p_since IS NULL OR created_at {op} p_since"
        else:
            where = " WHERE id IS NOT NULL" if f.alt else ""
        return (f"DECLARE\n    n {f.rtype};\nBEGIN\n    SELECT count(*) INTO n FROM {f.table}{where};\n"
                f"    RETURN n;\nEND")
    if f.kind == "total":
        c, key = f.params["col"], f.params["key"]
        expr = f"round(coalesce(sum({c}), 0), 2)" if f.alt else f"coalesce(sum({c}), 0)"
        return f"BEGIN\n    RETURN (SELECT {expr} FROM {f.table} WHERE {key} = p_key);\nEND"
    if f.kind == "trg_normalize":
        c = f.params["col"]
        expr = f"btrim(NEW.{c})" if f.alt else f"lower(btrim(NEW.{c}))"
        return f"BEGIN\n    NEW.{c} := {expr};\n    RETURN NEW;\nEND"
    if f.kind == "trg_guard":
        c = f.params["col"]
        cond = f"NEW.{c} < 0 OR NEW.{c} > 1000000" if f.alt else f"NEW.{c} < 0"
        msg = f"{c} out of range" if f.alt else f"{c} must not be negative"
        return (f"BEGIN\n    IF {cond} THEN\n        RAISE EXCEPTION {lit(msg)};\n    END IF;\n"
                f"    RETURN NEW;\nEND")
    raise ValueError(f.kind)


def render_function(f: Function) -> str:
    args = ", ".join(f"{n} {t}" + (f" DEFAULT {d}" if d is not None else "") for n, t, d in f.args)
    return (f"CREATE FUNCTION {f.qname}({args}) RETURNS {f.rtype}\n"
            f"    LANGUAGE plpgsql {f.volatility}\n    AS $$\n{function_body(f)}\n$$;\n")


def render_view(v: View) -> str:
    kw = "MATERIALIZED VIEW" if v.materialized else "VIEW"
    sql = f"CREATE {kw} {v.qname} AS\n SELECT " + ",\n    ".join(
        e if e.split(".")[-1] == a else f"{e} AS {a}" for e, a in v.items)
    sql += f"\n   FROM {v.from_sql}"
    if v.where:
        sql += f"\n  WHERE {v.where}"
    if v.group_by:
        sql += f"\n  GROUP BY {', '.join(v.group_by)}"
    return sql + ";\n"


def render_index(ix: Index) -> str:
    using = f" USING {ix.method}" if ix.method != "btree" else ""
    sql = (f"CREATE {'UNIQUE ' if ix.unique else ''}INDEX {ix.name} ON {ix.table}{using} "
           f"({', '.join(ix.keys)})")
    if ix.where:
        sql += f" WHERE {ix.where}"
    return sql + ";\n"


def render_sequence(q: Sequence) -> str:
    sql = (f"CREATE SEQUENCE {q.qname} AS {q.as_type} INCREMENT BY {q.increment} "
           f"START WITH {q.start}")
    if q.maxvalue:
        sql += f" MAXVALUE {q.maxvalue}"
    sql += f" CACHE {q.cache}"
    if q.cycle:
        sql += " CYCLE"
    return sql + ";\n"


def grant_lines(kind: str, name: str, grants: dict[str, tuple[str, ...]]) -> list[str]:
    return [f"GRANT {privs(p)} ON {kind} {name} TO {role};\n"
            for role, p in sorted(grants.items()) if p]


def render(m: Model, header: str) -> str:
    out: list[str] = [f"-- {header}\n", "-- generated by bench/gen_schema.py; do not edit\n\n"]
    w = out.append
    for role in ROLES:
        w(f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
          f"EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n")
    w("\n")
    for s in m.schemas:
        w(f"CREATE SCHEMA {s.name};\n")
    w("\n-- types and sequences\n")
    for s in m.schemas:
        for e in s.enums:
            w(f"CREATE TYPE {e.qname} AS ENUM ({', '.join(lit(v) for v in e.values)});\n")
        for d in s.domains:
            w(f"CREATE DOMAIN {d.qname} AS {d.base} CONSTRAINT {d.name}_check CHECK ({d.check});\n")
        for q in s.sequences:
            w(render_sequence(q))
    w("\n-- functions\n")
    for f in m.functions:
        w(render_function(f))
    w("\n-- tables\n")
    for t in m.tables.values():
        w(render_table(t))
    w("\n-- indexes\n")
    for ix in m.indexes:
        if not ix.on_matview:
            w(render_index(ix))
    w("\n-- triggers\n")
    for tr in m.triggers:
        w(f"CREATE TRIGGER {tr.name} {tr.timing} {tr.events} ON {tr.table} FOR EACH {tr.level}"
          + (f" WHEN {tr.when}" if tr.when else "") + f" EXECUTE FUNCTION {tr.function}();\n")
    w("\n-- views\n")
    mv_idx: dict[str, list[Index]] = {}
    for ix in m.indexes:
        if ix.on_matview:
            mv_idx.setdefault(ix.table, []).append(ix)
    for v in m.views:
        w(render_view(v))
        for ix in mv_idx.get(v.qname, []):
            w(render_index(ix))
    w("\n-- comments\n")
    for s in m.schemas:
        if s.comment:
            w(f"COMMENT ON SCHEMA {s.name} IS {lit(s.comment)};\n")
        for q in s.sequences:
            if q.comment:
                w(f"COMMENT ON SEQUENCE {q.qname} IS {lit(q.comment)};\n")
    for t in m.tables.values():
        if t.comment:
            w(f"COMMENT ON TABLE {t.qname} IS {lit(t.comment)};\n")
        for c in t.columns:
            if c.comment:
                w(f"COMMENT ON COLUMN {t.qname}.{c.name} IS {lit(c.comment)};\n")
    for v in m.views:
        if v.comment:
            kw = "MATERIALIZED VIEW" if v.materialized else "VIEW"
            w(f"COMMENT ON {kw} {v.qname} IS {lit(v.comment)};\n")
    for f in m.functions:
        if f.comment:
            w(f"COMMENT ON FUNCTION {f.signature} IS {lit(f.comment)};\n")
    w("\n-- privileges\n")
    for s in m.schemas:
        w(f"GRANT USAGE ON SCHEMA {s.name} TO {', '.join(ROLES)};\n")
        for q in s.sequences:
            out.extend(grant_lines("SEQUENCE", q.qname, q.grants))
    for t in m.tables.values():
        out.extend(grant_lines("TABLE", t.qname, t.grants))
    for v in m.views:
        out.extend(grant_lines("TABLE", v.qname, v.grants))
    for f in m.functions:
        out.extend(grant_lines("FUNCTION", f.signature, f.grants))
    return "".join(batch_transactions(out))


def batch_transactions(pieces: list[str], size: int = STATEMENTS_PER_TRANSACTION) -> list[str]:
    """Wrap the statements in BEGIN/COMMIT batches of `size` statements.

    Loading everything in one transaction (as a single multi-statement
    ``conn.execute`` does implicitly) would take a lock per created relation and
    run out of lock table (max_locks_per_transaction) for a few thousand tables.
    Pieces starting with "--" or a newline are comments, not statements.
    """
    res: list[str] = []
    n, open_tx = 0, False
    for piece in pieces:
        is_stmt = not piece.startswith(("--", "\n"))
        if is_stmt and not open_tx:
            res.append("BEGIN;\n")
            open_tx, n = True, 0
        res.append(piece)
        if is_stmt:
            n += 1
            if n >= size:
                res.append("COMMIT;\n")
                open_tx = False
    if open_tx:
        res.append("COMMIT;\n")
    return res


def generate(ntables: int, seed: int = 1, variant: bool = False,
             change_rate: float = 0.05) -> tuple[str, list[str]]:
    """Return (sql, mutation log) for the base schema or its variant."""
    g = Generator(ntables, seed)
    m = g.build()
    log: list[str] = []
    if variant:
        log = Mutator(g, seed, change_rate).run()
    header = f"pgsd benchmark schema: --tables {ntables} --seed {seed}" + (
        f" --variant --change-rate {change_rate}" if variant else "")
    return render(m, header), log


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", type=int, required=True, help="number of tables of the base schema")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--variant", action="store_true",
                    help="apply deterministic mutations to about 5%% of the objects")
    ap.add_argument("--change-rate", type=float, default=0.05,
                    help="scale of the variant's mutations (default 0.05)")
    ap.add_argument("-o", "--output", help="output file (default: standard output)")
    ap.add_argument("--log", action="store_true",
                    help="print the list of applied mutations to standard error")
    a = ap.parse_args(argv)
    if a.tables < 1:
        ap.error("--tables must be at least 1")
    sql, log = generate(a.tables, a.seed, a.variant, a.change_rate)
    if a.log:
        for line in log:
            print(line, file=sys.stderr)
    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(sql)
    else:
        sys.stdout.write(sql)
    return 0


if __name__ == "__main__":
    sys.exit(main())
