"""Columns: the clause inside CREATE TABLE / ADD COLUMN, and in-place ALTER COLUMN.

A column is its own object (``column:s.t.c``), but it only ever appears in SQL through
its table: inside ``CREATE TABLE`` (the table renderer calls ``column_definition``), or
as ``ALTER TABLE s.t ADD/DROP/ALTER COLUMN`` when the table already exists. The helpers
here are also what the table and enum renderers use for the statements that follow a
column (storage, statistics, comment, column grants) and for re-typing columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import PRIVILEGE_WORDS, Renderer, acl_map, hazard, stmt
from pgsd.ddl.render.foreign import options_changes, options_clause
from pgsd.ddl.render.partitions import after_parent_column
from pgsd.ddl.steps import Edge, Step, must_run
from pgsd.model.names import qualified, quote_ident, quote_literal, quote_role
from pgsd.model.objects import Column, DbObject, Domain
from pgsd.model.snapshot import Snapshot

NEWEST = 180000


def server_version(ctx: RenderContext) -> int:
    """The version the SQL will run on (the target's); the newest supported when unknown."""
    server = ctx.target.server or ctx.source.server
    return server.version_num if server is not None else NEWEST


def alter_prefix(col: Column) -> str:
    """``ALTER TABLE s.t`` (or ``ALTER FOREIGN TABLE``) for a column's table."""
    word = "FOREIGN TABLE" if col.table_kind == "foreign_table" else "TABLE"
    return f"ALTER {word} {col.table_name}"


def column_ref(col: Column) -> str:
    return f"{col.table_name}.{quote_ident(col.name)}"


# --------------------------------------------------------------------------- identity options

_SEQ_ORDER = ("increment", "minvalue", "maxvalue", "start", "cache", "cycle")
_TRUE = frozenset({"t", "true", "yes", "on", "1"})


def _is_true(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _option_clause(option: str, value: str) -> str:
    """One sequence option as CREATE/ADD GENERATED write it (``INCREMENT BY 2``)."""
    if option == "increment":
        return f"INCREMENT BY {int(value)}"
    if option == "minvalue":
        return f"MINVALUE {int(value)}"
    if option == "maxvalue":
        return f"MAXVALUE {int(value)}"
    if option == "start":
        return f"START WITH {int(value)}"
    if option == "cache":
        return f"CACHE {int(value)}"
    if option == "cycle":
        return "CYCLE" if _is_true(value) else "NO CYCLE"
    raise ValueError(f"unknown identity sequence option {option!r}")


def identity_options(pairs: tuple[tuple[str, str], ...]) -> str:
    """`` (INCREMENT BY 2 START WITH 10)`` in a fixed order, or '' when all are defaults."""
    opts = dict(pairs)
    parts = [_option_clause(o, opts[o]) for o in _SEQ_ORDER if o in opts]
    return f" ({' '.join(parts)})" if parts else ""


def identity_option_changes(old: Column, new: Column) -> list[str]:
    """``SET ...`` clauses turning old's identity sequence options into new's.

    An option that disappears goes back to its default: no min/max value, cache 1,
    no cycle, increment 1, and a start at the (new) lower bound of the direction.
    """
    before, after = dict(old.identity_sequence), dict(new.identity_sequence)
    increment = int(after.get("increment", "1"))
    out: list[str] = []
    for option in _SEQ_ORDER:
        if before.get(option) == after.get(option):
            continue
        if option in after:
            out.append(f"SET {_option_clause(option, after[option])}")
            continue
        out.append({
            "increment": "SET INCREMENT BY 1",
            "minvalue": "SET NO MINVALUE",
            "maxvalue": "SET NO MAXVALUE",
            "cache": "SET CACHE 1",
            "cycle": "SET NO CYCLE",
            "start": "SET START WITH "
            + (after.get("minvalue", "1") if increment > 0 else after.get("maxvalue", "-1")),
        }[option])
    if "start" not in before and "start" not in after:
        # a bare start follows the bounds: moving them moves it
        was, now = _default_start(old), _default_start(new)
        if was != now:
            out.append(f"SET START WITH {now}")
    return out


def _default_start(col: Column) -> int:
    low, high = _identity_bounds(col, col.identity_sequence)
    return low if int(dict(col.identity_sequence).get("increment", "1")) > 0 else high


_SMALLINT, _INT, _BIGINT = 2**15 - 1, 2**31 - 1, 2**63 - 1
_TYPE_MAX = {"smallint": _SMALLINT, "integer": _INT, "bigint": _BIGINT}


def bounds_catch_up(sequence: str, old: tuple[int, int], new: tuple[int, int], increment: int) -> list[str]:
    """``SELECT setval(...)`` that moves a sequence inside narrowed bounds before they apply.

    ``sequence`` is SQL giving its regclass. PostgreSQL refuses a MINVALUE above the
    current value (a MAXVALUE below it): the value moves to the new bound first, only
    when it lies outside, so values already handed out are never handed out again. An
    ascending sequence moved down to a lower MAXVALUE is exhausted, honestly; one moved
    up to a higher MINVALUE next returns that bound (descending: the mirror image).
    """
    (old_min, old_max), (new_min, new_max) = old, new
    out = []
    where = f"format('%I.%I', schemaname, sequencename)::regclass = {sequence}"
    current = "coalesce(last_value, start_value)"
    if new_min > old_min:
        called = "true" if increment < 0 else "false"
        out.append(f"SELECT setval({sequence}, {new_min}, {called}) FROM pg_sequences "
                   f"WHERE {where} AND {current} < {new_min}")
    if new_max < old_max:
        called = "false" if increment < 0 else "true"
        out.append(f"SELECT setval({sequence}, {new_max}, {called}) FROM pg_sequences "
                   f"WHERE {where} AND {current} > {new_max}")
    return out


def _identity_bounds(col: Column, options: tuple[tuple[str, str], ...]) -> tuple[int, int]:
    opts = dict(options)
    increment = int(opts.get("increment", "1"))
    top = _TYPE_MAX.get(split_type(col.type)[0], _BIGINT)
    low = int(opts["minvalue"]) if "minvalue" in opts else (1 if increment > 0 else -top - 1)
    high = int(opts["maxvalue"]) if "maxvalue" in opts else (top if increment > 0 else -1)
    return low, high


def identity_catch_up(old: Column, new: Column) -> list[str]:
    """``bounds_catch_up`` for an identity column's sequence (found by the column)."""
    sequence = identity_sequence_sql(new)
    increment = int(dict(new.identity_sequence).get("increment", "1"))
    return bounds_catch_up(sequence, _identity_bounds(old, old.identity_sequence),
                           _identity_bounds(new, new.identity_sequence), increment)


AWAY_SUFFIX = "__pgsd_old"


def away_name(name: str) -> str:
    """``name__pgsd_old``, shortened so PostgreSQL's 63-byte truncation cannot make it ``name``."""
    return name.encode()[: 63 - len(AWAY_SUFFIX)].decode(errors="ignore") + AWAY_SUFFIX


def carry_value(into: str, from_: str) -> str:
    """Where a sequence left off, carried into another (both SQL regclass expressions)."""
    return (f"SELECT setval({into}, v) FROM (SELECT pg_sequence_last_value({from_}) AS v) AS last "
            "WHERE v IS NOT NULL")


def serial_sequences(col: Column, ctx: RenderContext) -> list[DbObject]:
    """Target sequences owned by ``col`` that the source does not have: a serial's, going away."""
    return [s for s in ctx.target.of_kind("sequence")
            if getattr(s, "owned_by", None) == col.key and ctx.in_source(s.key) is None]


def identity_sequence_sql(col: Column) -> str:
    return f"pg_get_serial_sequence({quote_literal(col.table_name)}, {quote_literal(quote_ident(col.name))})::regclass"


# --------------------------------------------------------------------------- column clause


def column_definition(col: Column, ctx: RenderContext) -> str:
    """``name type [COMPRESSION m] [COLLATE c] [GENERATED ...|DEFAULT x] [NOT NULL]``.

    STORAGE and STATISTICS are not here: STORAGE is only inline-able from PG 16 and
    STATISTICS never is, so both follow as ALTER COLUMN (``column_followups``).
    """
    parts = [quote_ident(col.name), col.type]
    if col.fdw_options:
        parts.append(options_clause(col.fdw_options).strip())
    if col.compression and server_version(ctx) >= 140000:
        parts.append(f"COMPRESSION {compression_method(col.compression)}")
    if col.collation:
        parts.append(f"COLLATE {col.collation}")
    if col.generated and col.default is not None:
        kind = "VIRTUAL" if col.generated == "v" else "STORED"
        parts.append(f"GENERATED ALWAYS AS ({col.default}) {kind}")
    elif col.identity:
        how = "ALWAYS" if col.identity == "a" else "BY DEFAULT"
        parts.append(f"GENERATED {how} AS IDENTITY{identity_options(col.identity_sequence)}")
    elif col.default is not None:
        parts.append(f"DEFAULT {col.default}")
    if col.not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


_STORAGE_WORDS = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
_COMPRESSION_WORDS = {"p": "pglz", "l": "lz4"}


def compression_method(value: str) -> str:
    """The method's name; a catalog letter (snapshots written before names were read) too."""
    return quote_ident(_COMPRESSION_WORDS.get(value, value))


_OPTION_KEY = re.compile(r"[a-z_][a-z0-9_]*\Z")
_OPTION_VALUE = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")


def _attribute_option(item: str) -> tuple[str, str]:
    """``n_distinct=-0.5`` -> (``n_distinct``, ``-0.5``); anything unexpected quoted."""
    key, _, value = item.partition("=")
    return (key if _OPTION_KEY.match(key) else quote_ident(key),
            value if _OPTION_VALUE.match(value) else quote_literal(value))


def attribute_options(options: tuple[str, ...]) -> str:
    """``n_distinct=-0.5, n_distinct_inherited=100`` for ALTER COLUMN ... SET (...)."""
    return ", ".join("=".join(_attribute_option(o)) for o in options)


def attribute_option_changes(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(``RESET (k, ...)`` keys, ``SET (k=v, ...)`` items) turning old's per-column options into new's."""
    before = dict(o.partition("=")[::2] for o in old)
    after = dict(o.partition("=")[::2] for o in new)
    reset = [_attribute_option(f"{k}=")[0] for k in sorted(before) if k not in after]
    set_ = tuple(o for o in new if before.get(o.partition("=")[0]) != o.partition("=")[2])
    return (", ".join(reset) or None, attribute_options(set_) or None)


def storage_again(col: Column, ctx: RenderContext) -> list[str]:
    """``ALTER COLUMN`` clauses that set ``col``'s own storage and compression again after
    ALTER COLUMN ... TYPE, which resets both to the new type's defaults."""
    alter = f"{alter_prefix(col)} ALTER COLUMN {quote_ident(col.name)}"
    out = []
    if col.storage:
        out.append(f"{alter} SET STORAGE {_STORAGE_WORDS.get(col.storage, col.storage)}")
    if col.compression and col.table_kind != "foreign_table" and server_version(ctx) >= 140000:
        out.append(f"{alter} SET COMPRESSION {compression_method(col.compression)}")
    return out


def column_followups(col: Column, ctx: RenderContext, renderer: ColumnRenderer) -> list[Statement]:
    """What a new column needs after it exists: storage, statistics, options, comment, grants."""
    out: list[Statement] = []
    statistics = col.statistics is not None and col.statistics >= 0
    if col.storage or statistics or col.options:  # most columns have none of these
        alter = f"{alter_prefix(col)} ALTER COLUMN {quote_ident(col.name)}"
        if col.storage:
            out.append(stmt(f"{alter} SET STORAGE {_STORAGE_WORDS.get(col.storage, col.storage)}", col, "alter"))
        if statistics:
            out.append(stmt(f"{alter} SET STATISTICS {col.statistics}", col, "alter"))
        if col.options:
            out.append(stmt(f"{alter} SET ({attribute_options(col.options)})", col, "alter"))
    if col.comment is not None:
        out.append(renderer.comment_statement(col))
    out.extend(renderer.grant_statements(None, col))
    return out


def column_grants_after_table_revoke(old_acl: tuple[str, ...], table: DbObject, ctx: RenderContext,
                                     renderer: ColumnRenderer) -> list[Statement]:
    """GRANTs that put back the source's column privileges a table-level REVOKE takes along.

    ``REVOKE p ON TABLE t FROM r`` also revokes ``p`` on every column of ``t`` from ``r``
    (and ``REVOKE GRANT OPTION FOR p`` the option), whether or not the columns changed:
    each column of the source holding a revoked privilege gets it granted again, after
    the table's own grant statements.
    """
    before, after = acl_map(old_acl), acl_map(table.acl)
    taken: dict[str, dict[str, bool]] = {}
    """grantee -> {privilege: True when only its grant option goes}"""
    for grantee, was in before.items():
        now = after.get(grantee, {})
        for p, option in was.items():
            if p not in now:
                taken.setdefault(grantee, {})[p] = False
            elif option and not now[p]:
                taken.setdefault(grantee, {})[p] = True
    out: list[Statement] = []
    if not taken:
        return out
    for col in ctx.children(table.key, "column"):
        assert isinstance(col, Column)
        if not col.acl:
            continue
        held = acl_map(col.acl)
        left: list[str] = []  # the column's privileges as the REVOKE leaves them
        touched = False
        for grantee, privs in held.items():
            gone = taken.get(grantee, {})
            letters = ""
            for p, option in privs.items():
                if p in gone and not gone[p]:
                    touched = True
                    continue
                if p in gone and option:
                    touched = True
                    letters += p
                    continue
                letters += p + ("*" if option else "")
            if letters:
                left.append(f"{'' if grantee == 'PUBLIC' else grantee}={letters}")
        if touched:
            out.extend(renderer.grant_statements(tuple(left), col))
    return out


# --------------------------------------------------------------------------- type changes

_INTEGERS = frozenset({"smallint", "integer", "bigint"})
_NUMBERS = _INTEGERS | {"numeric", "real", "double precision"}
_STRINGS = frozenset({"text", "character varying", "character", "name", "bpchar"})
_DATETIMES = frozenset({"date", "timestamp without time zone", "timestamp with time zone"})
_TIMES = frozenset({"time without time zone", "time with time zone"})
_BITS = frozenset({"bit", "bit varying"})
_NETWORK = frozenset({"inet", "cidr"})
_COMPATIBLE = (_NUMBERS, _STRINGS, _DATETIMES, _TIMES, _BITS, _NETWORK)
_TYPMOD = re.compile(r"\(([^)]*)\)")


def split_type(type_text: str) -> tuple[str, str | None, int]:
    """``character varying(20)[]`` -> (``character varying``, ``20``, 1).

    Quoted (user) type names are kept whole: their parentheses are part of the name.
    """
    text = type_text.strip()
    dims = 0
    while text.endswith("[]"):
        text = text[:-2].rstrip()
        dims += 1
    if '"' in text:
        return text, None, dims
    match = _TYPMOD.search(text)
    mods = match.group(1).replace(" ", "") if match else None
    base = " ".join(_TYPMOD.sub("", text).split())
    return base, mods, dims


def _is_user_type(base: str) -> bool:
    """User types come schema-qualified (loaders read with search_path = pg_catalog)."""
    return "." in base or '"' in base


def needs_using(old_type: str, new_type: str) -> bool:
    """True unless an implicit or assignment cast surely exists from old to new.

    Leaving USING out matters: with an assignment cast, ``varchar(10) -> varchar(5)``
    fails on a long value, whereas ``USING c::varchar(5)`` would silently truncate it.
    """
    ob, _, od = split_type(old_type)
    nb, _, nd = split_type(new_type)
    if od != nd:
        return True
    if ob == nb:
        return False
    if nb in _STRINGS:
        return False  # every type has an assignment I/O cast to the string types
    return not any(ob in family and nb in family for family in _COMPATIBLE)


_SMALLER_INTEGERS = ("smallint", "integer", "bigint")
# Casts between built-in types of different families (pg_cast), as (from, to); strings
# convert to and from everything by I/O and are not listed.
_CASTS = frozenset({
    ("boolean", "integer"), ("integer", "boolean"),
    ("numeric", "money"), ("integer", "money"), ("bigint", "money"), ("money", "numeric"),
    ("integer", "bit"), ("bigint", "bit"), ("bit", "integer"), ("bit", "bigint"),
    ("time without time zone", "interval"), ("interval", "time without time zone"),
    ("timestamp without time zone", "time without time zone"), ("timestamp with time zone", "time without time zone"),
    ("timestamp with time zone", "time with time zone"),
    ("json", "jsonb"), ("jsonb", "json"),
    *(("jsonb", t) for t in ("boolean", "numeric", "smallint", "integer", "bigint", "real", "double precision")),
    ("macaddr", "macaddr8"), ("macaddr8", "macaddr"),
})
_CASTS_18 = frozenset({*(("bytea", t) for t in _SMALLER_INTEGERS), *((t, "bytea") for t in _SMALLER_INTEGERS)})


def conversion_exists(old_type: str, new_type: str, version: int = NEWEST) -> bool:
    """Whether PostgreSQL can convert old_type values to new_type (``USING c::new``).

    A cast in pg_cast between built-in types, an I/O conversion to or from a string
    type, or a user type (converted through text, which its input function parses).
    A change in array dimensions converts only to a plain string type: text into an
    array is a conversion only the user knows (``--using``).
    """
    ob, _, od = split_type(old_type)
    nb, _, nd = split_type(new_type)
    if od != nd:
        return nd == 0 and nb in _STRINGS
    if ob == nb or ob in _STRINGS or nb in _STRINGS or _is_user_type(ob) or _is_user_type(nb):
        return True
    if any(ob in family and nb in family for family in _COMPATIBLE):
        return True
    return (ob, nb) in _CASTS or (version >= 180000 and (ob, nb) in _CASTS_18)


def user_using(col: Column, ctx: RenderContext) -> str | None:
    """The USING expression the user gave for this column (``--using``), if any."""
    return ctx.options.using.get(col.key)


def using_expression(col_name: str, old_type: str, new_type: str) -> str:
    """``c::new``, through text when both are user types (enum to enum has no cast)."""
    ident = quote_ident(col_name)
    ob, _, od = split_type(old_type)
    nb, _, _ = split_type(new_type)
    if _is_user_type(ob) and _is_user_type(nb):
        return f"{ident}::text{'[]' * od}::{new_type}"
    return f"{ident}::{new_type}"


def _int(mods: str | None, index: int = 0) -> int | None:
    if mods is None:
        return None
    try:
        return int(mods.split(",")[index])
    except (ValueError, IndexError):
        return None


DomainBases = Mapping[str, tuple[str, bool]]
"""Domain name -> (its base type, whether it has constraints: CHECK or NOT NULL)."""


def domain_bases(*snapshots: Snapshot) -> dict[str, tuple[str, bool]]:
    """The domains of the snapshots (the first one's win), for ``needs_rewrite``."""
    out: dict[str, tuple[str, bool]] = {}
    for snap in reversed(snapshots):
        for d in snap.of_kind("domain"):
            assert isinstance(d, Domain)
            out[d.qualified_name] = (d.base_type, bool(d.checks) or d.not_null)
    return out


def _through_domains(type_text: str, domains: DomainBases, *, checked: bool) -> str | None:
    """The type a domain stands for (nested domains followed); None when converting to it
    must check constraints (``checked`` and the domain has some), which reads every row."""
    seen: set[str] = set()
    while type_text in domains and type_text not in seen:
        seen.add(type_text)
        base, constrained = domains[type_text]
        if checked and constrained:
            return None
        type_text = base
    return type_text


def needs_rewrite(old_type: str, new_type: str, domains: DomainBases | None = None) -> bool:
    """False only for the binary-coercible changes PostgreSQL applies without a rewrite.

    A domain counts as its base type: from a domain to its base type and to a domain
    without constraints over the same type is a relabel (no rewrite); to a domain with
    CHECK or NOT NULL constraints, PostgreSQL rewrites the table to check every row.
    """
    if domains:
        old_base = _through_domains(old_type, domains, checked=False)
        new_base = _through_domains(new_type, domains, checked=True)
        if old_base is None or new_base is None:
            return True
        old_type, new_type = old_base, new_base
    ob, om, od = split_type(old_type)
    nb, nm, nd = split_type(new_type)
    if od != nd:
        return True
    if ob == nb and om == nm:
        return False
    if od:
        return True  # any change of an array's element type converts each element: a rewrite
    if ob == "character varying" and nb == "text":
        return False
    if ob == "text" and nb == "character varying" and nm is None:
        return False
    if ob == nb and ob in ("character varying", "bit varying"):
        return nm is not None and (om is None or (_int(nm) or 0) < (_int(om) or 0))
    if ob == nb == "numeric":
        if nm is None:
            return False
        if om is None:
            return True
        return not ((_int(nm, 1) or 0) == (_int(om, 1) or 0) and (_int(nm) or 0) >= (_int(om) or 0))
    if ob == nb and ob in ("timestamp without time zone", "timestamp with time zone", "time without time zone",
                           "time with time zone", "interval"):
        return nm is not None and (om is None or (_int(nm) or 0) < (_int(om) or 0))
    return not (ob == "cidr" and nb == "inet")


# --------------------------------------------------------------------------- volatility

_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
_CALL = re.compile(r'((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)\s*\(')
_VOLATILE = frozenset({
    "nextval", "setval", "random", "random_normal", "gen_random_uuid", "gen_random_bytes", "uuidv4", "uuidv7",
    "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp", "timeofday",
    "txid_current", "pg_current_xact_id",
})


def is_volatile(expression: str) -> bool:
    """Whether a default may be volatile (so ADD COLUMN must rewrite the table).

    Known volatile built-ins, and any schema-qualified (user) function, whose volatility
    the model does not record, count as volatile; other built-ins (now(), casts) do not.
    """
    text = _STRING_LITERAL.sub("''", expression)
    for match in _CALL.finditer(text):
        name = match.group(1)
        if "." in name.replace('"."', "."):
            schema, _, func = name.partition(".")
            if schema.strip().strip('"') != "pg_catalog":
                return True
            name = func
        if name.strip().strip('"').lower() in _VOLATILE:
            return True
    return False


# --------------------------------------------------------------------------- renderer

# Default storage of built-in types (typstorage), for going back to it before PG 16.
_DEFAULT_STORAGE = {
    **dict.fromkeys(("text", "character varying", "character", "bytea", "numeric", "jsonb", "json", "xml",
                     "bit varying", "tsvector", "tsquery", "inet", "cidr", "bit"), "EXTENDED"),
    **dict.fromkeys(("smallint", "integer", "bigint", "real", "double precision", "boolean", "date",
                     "timestamp without time zone", "timestamp with time zone", "time without time zone",
                     "time with time zone", "interval", "uuid", "money", "oid", "name", "point"), "PLAIN"),
}


_RECREATES_TABLE = frozenset({"is_partitioned", "partition_key", "of_type", "server"})
"""Table fields only a new table can change (TableRenderer / ForeignTableRenderer.alter_specific)."""


def kept_sequences(table_key: str, ctx: RenderContext) -> list[tuple[DbObject, str]]:
    """Sequences a re-created table keeps: (the target's sequence, the column that owns it).

    A sequence owned by a column goes with its table (``DROP TABLE``). When the table is
    only re-created (made partitioned, say) and the source's sequence is still owned by
    the same column, it is let go of first (``OWNED BY NONE``) and owned again by the new
    table's column: it keeps its value, and what else uses it (another table's default)
    is left alone instead of being dropped with it.
    """
    old, new = ctx.in_target(table_key), ctx.in_source(table_key)
    if old is None or new is None or type(old) is not type(new):
        return []
    if not any(getattr(old, f, None) != getattr(new, f, None) for f in _RECREATES_TABLE):
        return []
    out = []
    for col in ctx.children(table_key, "column", side="target"):
        for key in ctx.owned_sequences.get(col.key, ()):
            seq, again = ctx.in_target(key), ctx.in_source(key)
            if seq is not None and again is not None and getattr(again, "owned_by", None) == col.key:
                out.append((seq, col.key))
    return out


def follows_type(col: Column, ctx: RenderContext) -> bool:
    """A column of a table typed by the same composite on both sides: its existence and
    type come from the type's attributes (ALTER TYPE ... CASCADE carries them), and
    PostgreSQL refuses to add, drop or retype it on the table itself."""
    key = col.parent_key or ""
    before = getattr(ctx.in_target(key), "of_type", None)
    return before is not None and before == getattr(ctx.in_source(key), "of_type", None)


class ColumnRenderer(Renderer):
    """ADD / DROP / ALTER COLUMN on an existing table; columns of new tables are the table's."""

    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, Column)
        return f"COLUMN {column_ref(obj)}"

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        """Column privileges: ``GRANT SELECT (c), UPDATE (c) ON TABLE s.t TO r``."""
        assert isinstance(new, Column)
        if not old_acl and not new.acl:
            return []  # most columns have no privileges of their own
        before = acl_map(old_acl or ())
        after = acl_map(new.acl)
        col = quote_ident(new.name)
        target = f"TABLE {new.table_name}"

        def words(letters: list[str]) -> str:
            return ", ".join(f"{PRIVILEGE_WORDS.get(p, p)} ({col})" for p in letters)

        out: list[Statement] = []
        for grantee in sorted(set(before) | set(after)):
            was, now = before.get(grantee, {}), after.get(grantee, {})
            who = quote_role(grantee)
            revoke = sorted(p for p in was if p not in now)
            revoke_option = sorted(p for p in was if p in now and was[p] and not now[p])
            grant = sorted(p for p in now if p not in was or (now[p] and not was[p]))
            if revoke:
                out.append(stmt(f"REVOKE {words(revoke)} ON {target} FROM {who}", new, "alter"))
            if revoke_option:
                out.append(stmt(f"REVOKE GRANT OPTION FOR {words(revoke_option)} ON {target} FROM {who}", new, "alter"))
            plain = [p for p in grant if not now[p]]
            with_option = [p for p in grant if now[p]]
            if plain:
                out.append(stmt(f"GRANT {words(plain)} ON {target} TO {who}", new, "alter"))
            if with_option:
                out.append(stmt(f"GRANT {words(with_option)} ON {target} TO {who} WITH GRANT OPTION", new, "alter"))
        return out

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Column)
        if follows_type(obj, ctx):
            # ADD ATTRIBUTE ... CASCADE brings it; what is the column's own comes after
            after = (f"composite:{ctx.in_source(obj.parent_key or '').of_type}",)  # type: ignore[union-attr]
            own = [*self._typed_options(obj), *column_followups(obj, ctx, self)] or [self.comment_statement(obj)]
            return [s.model_copy(update={"requires": after}) for s in own]
        hazards = []
        where = column_ref(obj)
        if obj.generated == "s":
            hazards.append(hazard(HazardType.TABLE_REWRITE, f"adding stored generated column {where} rewrites {obj.table_name}"))
        elif obj.identity:
            hazards.append(hazard(HazardType.TABLE_REWRITE, f"adding identity column {where} rewrites {obj.table_name}"))
        elif obj.default is not None and not obj.generated and is_volatile(obj.default):
            hazards.append(hazard(HazardType.TABLE_REWRITE,
                                  f"the default of {where} may be volatile: adding it rewrites {obj.table_name}"))
        if obj.not_null and obj.default is None and not obj.identity and obj.table_kind != "foreign_table":
            hazards.append(hazard(HazardType.FAILS_IF_ROWS,
                                  f"adding {where} NOT NULL without a default fails if {obj.table_name} has rows"))
        sql = f"{alter_prefix(obj)} ADD COLUMN {column_definition(obj, ctx)}"
        return [stmt(sql, obj, "create", *hazards, creates=self.brings(obj, ctx)),
                *column_followups(obj, ctx, self)]

    def brings(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """ADD COLUMN on a parent adds the column to the tables that inherit from it too."""
        return tuple(ctx.inherited_columns_in_source.get(obj.key, ()))

    def _typed_options(self, col: Column) -> list[Statement]:
        alter = f"{alter_prefix(col)} ALTER COLUMN {quote_ident(col.name)}"
        out = [stmt(f"{alter} SET NOT NULL", col, "alter")] if col.not_null else []
        if col.default is not None:
            out.append(stmt(f"{alter} SET DEFAULT {col.default}", col, "alter"))
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Column)
        if follows_type(obj, ctx):
            return []  # DROP ATTRIBUTE ... CASCADE takes it
        why = f"drops column {column_ref(obj)} and its data"
        again = ctx.in_source(obj.key)
        if isinstance(again, Column) and again.type != obj.type and obj.table_kind != "foreign_table" \
                and not conversion_exists(obj.type, again.type, server_version(ctx)) and user_using(obj, ctx) is None:
            why += (f" to add it again as {again.type}: no conversion from {obj.type} exists"
                    f" (give one with --using {obj.table_name}.{quote_ident(obj.name)}=EXPRESSION)")
        return [stmt(f"{alter_prefix(obj)} DROP COLUMN {quote_ident(obj.name)}", obj, "drop",
                     hazard(HazardType.DATA_LOSS, why),
                     drops=self.takes_along(obj, ctx))]

    def takes_along(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """The sequences it owns (but those its re-created table keeps, see ``kept_sequences``),
        and the columns of inheriting tables that exist only through it."""
        kept = {seq.key for seq, _ in kept_sequences(obj.parent_key or "", ctx)}
        return (*(s for s in ctx.owned_sequences.get(obj.key, ()) if s not in kept),
                *ctx.inherited_columns.get(obj.key, ()))

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        return bool({"type", "collation"} & changed)

    def ordering(self, action: str, old: DbObject | None, new: DbObject | None, changed: set[str],
                 ctx: RenderContext) -> list[Edge]:
        """A column is in place before its table's own alters run, with two exceptions.

        After DETACH PARTITION the columns are the table's own (before, ATTACH hid them);
        and a table-level REVOKE also takes back column grants, so a column's grants and
        comment come after the table's alters.
        """
        if action == "drop" and old is not None and old.parent_key is not None:
            return self._dropped_after_no_inherit(old, ctx)
        if action not in ("create", "alter") or new is None or new.parent_key is None:
            return []
        table = new.parent_key
        old_table, new_table = ctx.in_target(table), ctx.in_source(table)
        detaching = bool(getattr(old_table, "partition_of", None)) and not getattr(new_table, "partition_of", None)
        only_grants = action == "alter" and changed <= {"acl", "comment"}
        if detaching or only_grants:
            return [must_run(Step(new.key, f"{action}_starts")).after(Step(table, "alter_ends"))]
        return [must_run(Step(table, "alter_starts")).after(Step(new.key, f"{action}_ends"))]

    @staticmethod
    def _dropped_after_no_inherit(old: DbObject, ctx: RenderContext) -> list[Edge]:
        """A column its table also inherits cannot be dropped ("cannot drop inherited column")
        until the table's alter has said NO INHERIT to the parent that goes."""
        assert old.parent_key is not None
        before, after = ctx.in_target(old.parent_key), ctx.in_source(old.parent_key)
        gone_parents = set(getattr(before, "inherits", ())) - set(getattr(after, "inherits", ()))
        if after is None or not gone_parents:
            return []
        return [must_run(Step(old.key, "dropped")).after(Step(old.parent_key, "alter_ends"))]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        """The least disruptive ALTER COLUMN steps, in an order PostgreSQL accepts (see _ColumnAlter)."""
        assert isinstance(old, Column) and isinstance(new, Column)
        if "position" in changed:
            return None  # a column cannot move: drop and add it
        return _ColumnAlter(old, new, changed, ctx).statements()


class _ColumnAlter:
    """The ALTER COLUMN steps from one version of a column to another, in this order:

    FDW options; generated expression; identity removal; type (its default dropped
    around it); default; NOT NULL (before an identity is added: it requires one);
    identity; storage details. ``statements()`` is None when only a drop and add will do.
    """

    def __init__(self, old: Column, new: Column, changed: set[str], ctx: RenderContext) -> None:
        self.old, self.new, self.changed, self.ctx = old, new, changed, ctx
        self.version = server_version(ctx)
        self.foreign = new.table_kind == "foreign_table"
        self.alter = f"{alter_prefix(new)} ALTER COLUMN {quote_ident(new.name)}"
        self.where = column_ref(new)
        self.out: list[Statement] = []
        self.default_done = False
        self.plain_old_default = old.default if not old.generated else None
        self.plain_new_default = new.default if not new.generated else None
        self.given = user_using(new, ctx)
        """The user's USING expression for this column (``--using``), if any."""

    def add(self, sql: str, *hz: Hazard) -> None:
        self.out.append(stmt(sql, self.new, "alter", *hz))

    def statements(self) -> list[Statement] | None:
        if "fdw_options" in self.changed:
            clause = options_changes(self.old.fdw_options, self.new.fdw_options)
            if clause:
                self.add(f"{self.alter}{clause}")
        if not self._generated():
            return None
        if "identity" in self.changed and self.old.identity and not self.new.identity:
            self._identity_removed()
        old, new = self.old, self.new
        if "type" in self.changed and not self.foreign and not new.generated and self.given is None \
                and not conversion_exists(old.type, new.type, self.version):
            return None  # dropped and added: ColumnRenderer.drop says why
        if {"type", "collation"} & self.changed:
            self._type()
        if "default" in self.changed and not self.default_done:
            if self.plain_new_default is not None:
                self.add(f"{self.alter} SET DEFAULT {self.plain_new_default}")
            elif self.plain_old_default is not None:
                self.add(f"{self.alter} DROP DEFAULT")
        self._not_null_and_identity()
        self._storage()
        if self.out and not self.foreign:
            self.out.extend(after_parent_column(new, self.ctx))  # its ALTERs reached the partitions
        return self.out

    def _identity_removed(self) -> None:
        """DROP IDENTITY (before NOT NULL can be dropped, before a default is set); a serial's
        new sequence, created before, carries on where the identity left off."""
        new = self.new
        for seq in self.ctx.source.of_kind("sequence"):
            if getattr(seq, "owned_by", None) == new.key and new.default and seq.qualified_name in new.default:
                self.add(carry_value(f"{quote_literal(seq.qualified_name)}::regclass", identity_sequence_sql(self.old)))
        self.add(f"{self.alter} DROP IDENTITY")

    def _generated(self) -> bool:
        """A generated expression dropped or changed in place; False when that is impossible."""
        old, new, alter = self.old, self.new, self.alter
        if "generated" in self.changed:
            if not (old.generated == "s" and new.generated is None and self.version >= 130000):
                return False
            self.add(f"{alter} DROP EXPRESSION")
            if new.default is not None:
                self.add(f"{alter} SET DEFAULT {new.default}")
        elif new.generated and "default" in self.changed:
            if new.generated == "s" and self.version >= 170000:
                self.add(f"{alter} SET EXPRESSION AS ({new.default})",
                         hazard(HazardType.TABLE_REWRITE,
                                f"recomputing generated column {self.where} rewrites {new.table_name}"))
            elif new.generated == "v" and self.version >= 180000:
                self.add(f"{alter} SET EXPRESSION AS ({new.default})")
            else:
                return False
        else:
            return True
        self.default_done = True
        return True

    def _type(self) -> None:
        """New type or collation; a plain default is dropped before and set again after.

        A typed table's column follows ALTER TYPE ... CASCADE instead; a user's USING
        expression (``--using``) wins over the one pgsd would write.
        """
        old, new, alter = self.old, self.new, self.alter
        if follows_type(new, self.ctx):
            return
        type_changed = "type" in self.changed
        if self.plain_old_default is not None and not self.default_done:
            self.add(f"{alter} DROP DEFAULT")
        sql = f"{alter} TYPE {new.type}"
        if new.collation:
            sql += f" COLLATE {new.collation}"
        elif not type_changed:
            sql += ' COLLATE "default"'  # back to the type's own collation
        hz = []
        if type_changed and not self.foreign:
            if self.given is not None and not new.generated:
                sql += f" USING {self.given}"
            elif not new.generated and needs_using(old.type, new.type):
                sql += f" USING {using_expression(new.name, old.type, new.type)}"
            if needs_rewrite(old.type, new.type, domain_bases(self.ctx.source, self.ctx.target)):
                hz.append(hazard(HazardType.TABLE_REWRITE,
                                 f"changing {self.where} from {old.type} to {new.type} rewrites {new.table_name}"))
        elif not self.foreign:
            hz.append(hazard(HazardType.ACCESS_EXCLUSIVE_LOCK,
                             f"changing the collation of {self.where} locks {new.table_name}"
                             " and rebuilds its indexes on it"))
        self.add(sql, *hz)
        if self.plain_new_default is not None and not self.default_done:
            self.add(f"{alter} SET DEFAULT {self.plain_new_default}")
        self.default_done = True

    def _not_null_and_identity(self) -> None:
        """NOT NULL (SET before an identity is added; DROP after one is removed), then the identity."""
        old, new, alter, changed = self.old, self.new, self.alter, self.changed
        adding_identity = "identity" in changed and new.identity and not old.identity
        if ("not_null" in changed and new.not_null) or (adding_identity and not old.not_null):
            hz = [] if self.foreign else [hazard(HazardType.LONG_LOCK, f"SET NOT NULL scans {new.table_name}"
                                                 " for nulls under an ACCESS EXCLUSIVE lock")]
            stats = self.ctx.target.table_stats.get(new.parent_key)
            if not self.foreign and stats is not None and old.name in stats.null_columns:
                hz.append(hazard(HazardType.FAILS_IF_ROWS,
                                 f"the statistics of {new.table_name} show nulls in {quote_ident(old.name)}: "
                                 "SET NOT NULL fails until they are filled"))
            self.add(f"{alter} SET NOT NULL", *hz)
        elif "not_null" in changed and not new.not_null:
            self.add(f"{alter} DROP NOT NULL")
        if adding_identity:
            # a serial's sequence steps aside (else the identity's is named ..._seq1) and
            # hands over where it left off; the planner drops it under its new name
            serials = serial_sequences(old, self.ctx) if not self.foreign else []
            for seq in serials:
                self.add(f"ALTER SEQUENCE {seq.qualified_name} RENAME TO {quote_ident(away_name(seq.name))}")
                self.add(f"ALTER SEQUENCE {qualified(seq.schema_name, away_name(seq.name))} OWNED BY NONE")
            how = "ALWAYS" if new.identity == "a" else "BY DEFAULT"
            self.add(f"{alter} ADD GENERATED {how} AS IDENTITY{identity_options(new.identity_sequence)}")
            for seq in serials:
                if old.default is not None and seq.qualified_name in old.default:
                    renamed = qualified(seq.schema_name, away_name(seq.name))
                    self.add(carry_value(identity_sequence_sql(new), f"{quote_literal(renamed)}::regclass"))
        elif new.identity and old.identity:
            clauses = []
            if "identity" in changed:
                clauses.append("SET GENERATED " + ("ALWAYS" if new.identity == "a" else "BY DEFAULT"))
            if "identity_sequence" in changed:
                clauses.extend(identity_option_changes(old, new))
                for sql in identity_catch_up(old, new):
                    self.add(sql)
            if clauses:
                self.add(f"{alter} {' '.join(clauses)}")

    def _storage(self) -> None:
        """Statistics, per-column options, storage and compression.

        ALTER COLUMN ... TYPE resets storage to the new type's and compression to the
        default (statistics and options stay): after a type change a storage or
        compression of the column's own is set again even when it did not change.
        """
        new, alter, changed = self.new, self.alter, self.changed
        retyped = "type" in changed and not self.foreign
        if "statistics" in changed:
            self.add(f"{alter} SET STATISTICS {new.statistics if new.statistics is not None else -1}")
        if "options" in changed:
            reset, set_ = attribute_option_changes(self.old.options, new.options)
            if reset:
                self.add(f"{alter} RESET ({reset})")
            if set_:
                self.add(f"{alter} SET ({set_})")
        if retyped and new.storage and "storage" not in changed:
            self.add(f"{alter} SET STORAGE {_STORAGE_WORDS.get(new.storage, new.storage)}")
        if "storage" in changed:
            base, _, dims = split_type(new.type)
            if new.storage:
                self.add(f"{alter} SET STORAGE {_STORAGE_WORDS.get(new.storage, new.storage)}")
            elif self.version >= 160000:
                self.add(f"{alter} SET STORAGE DEFAULT")
            elif base in _DEFAULT_STORAGE and not dims:
                self.add(f"{alter} SET STORAGE {_DEFAULT_STORAGE[base]}")
            # else: a user type's default storage is unknown before PG 16; left as is
        if retyped and new.compression and "compression" not in changed and self.version >= 140000:
            self.add(f"{alter} SET COMPRESSION {compression_method(new.compression)}")
        if "compression" in changed and not self.foreign and self.version >= 140000:
            self.add(f"{alter} SET COMPRESSION {compression_method(new.compression) if new.compression else 'default'}")
        # is_local (False -> True) has no SQL: the column simply stays as it is.

COLUMNS = ColumnRenderer()

RENDERERS: dict[str, Renderer] = {"column": COLUMNS}
