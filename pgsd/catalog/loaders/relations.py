"""Sequences, tables (plain, partitioned, foreign), columns, constraints and indexes.

Tables load before their children and publish what they loaded in ``ctx.shared``:

* ``table_oids``: the set of loaded table OIDs;
* ``tables``: OID -> ``LoadedTable`` (names, kind, owner, and the qualified name and
  key its children share instead of each building a copy).

Columns, constraints and indexes are read with one set-based query each (a database
with 10,000 tables has ~150,000 columns: no per-table queries) and kept only when their
table was loaded, so children always follow their table through the schema and name
filters. The children's queries return only the table OID; names come from the dict.

The children's loaders are the hot path of introspection (one row per column,
constraint and index): they stream tuples, unpack them by position (``*_COLUMNS``
name the query's output, checked on the first row) and fill a copy of the model's
catalog template directly, with the keys precomputed from the table's shared strings.
"""

from __future__ import annotations

import fnmatch
import sys
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.catalog.oid_keys import catalog_base, key_in
from pgsd.catalog.shared_builds import shared_kind
from pgsd.model.fast import from_catalog
from pgsd.model.names import qualified, quote_ident
from pgsd.model.objects import (
    AttachedIndex,
    Column,
    Constraint,
    DbObject,
    ForeignTable,
    Index,
    PartitionColumn,
    Sequence,
    Table,
    child_key,
    child_key_prefix,
)
from pgsd.model.snapshot import TableStats

# seqtypid -> (min, max) of the identity column's integer type.
_INT_BOUNDS = {
    21: (-32768, 32767),
    23: (-2147483648, 2147483647),
    20: (-9223372036854775808, 9223372036854775807),
}

_TABLE_KINDS = {"r": "table", "p": "table", "f": "foreign_table"}


class LoadedTable(NamedTuple):
    schema: str | None
    name: str
    kind: str
    """table or foreign_table (what children name as their ``table_kind``)."""
    owner: str | None
    qualified_name: str
    key: str

    def child_values(self, template: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
        """A copy of a child kind's catalog template with what every child of this table shares.

        Identity fields plus the precomputed ``key``, ``table_name`` and ``parent_key``
        (this table's own strings, shared by all its children rather than rebuilt).
        """
        values = template.copy()
        values["schema_name"] = self.schema
        values["table"] = self.name
        values["table_kind"] = self.kind
        values["name"] = name
        values["key"] = child_key(kind, self.qualified_name, name)
        values["table_name"] = self.qualified_name
        values["parent_key"] = self.key
        return values


def column_key(schema: str, table: str, column: str) -> str:
    """The key a ``Column`` of that table has, built by the model so the two never drift."""
    return child_key("column", qualified(schema, table), column)


def _sorted_options(values: list[str] | None) -> tuple[str, ...]:
    return tuple(sorted(values)) if values else ()


# --------------------------------------------------------------------------- sequences


def load_sequences(ctx: LoadContext) -> list[DbObject]:
    """Free-standing and serial sequences; identity sequences belong to their column.

    ``owned_by`` is the owning column's key even when that column is not in the snapshot
    (its table filtered out): it still says what ALTER SEQUENCE ... OWNED BY must name.
    """
    out: list[DbObject] = []
    shared = shared_kind(ctx, "sequence", not_signature=_OID)
    for row in ctx.fetch("sequences"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = shared.build(None, row, _build_sequence)
        out.append(obj)
        ctx.register("pg_class", row["oid"], obj.key)
    shared.done()
    return out


_OID = frozenset({"oid"})


def _build_sequence(row: dict[str, Any]) -> Sequence:
    """The sequence a ``sequences`` row describes (from the row alone: see shared_builds)."""
    owned_by = None
    if row["owned_column"] is not None:
        owned_by = column_key(row["owned_schema"], row["owned_table"], row["owned_column"])
    obj = Sequence.from_catalog(
        schema_name=sys.intern(row["schema_name"]),
        name=row["name"],
        owner=sys.intern(row["owner"]),
        comment=row["comment"],
        acl=normalise_acl(row["acl"], row["owner"]),
        data_type=sys.intern(row["data_type"]),
        start=row["start"],
        increment=row["increment"],
        min_value=row["min_value"],
        max_value=row["max_value"],
        cache=row["cache"],
        cycle=row["cycle"],
        persistence=row["persistence"],
        owned_by=owned_by,
    )
    return obj


# --------------------------------------------------------------------------- tables


def load_tables(ctx: LoadContext) -> list[DbObject]:
    """Tables, partitioned tables and foreign tables, with their row types registered.

    A partition names its parent in ``partition_of`` and has empty ``inherits`` (the
    pg_inherits row is the partitioning link, not inheritance); its columns are its
    parent's, except the NOT NULL and defaults it sets itself (``partition_columns``). The table's row type and
    its array type map to the table, so columns of type ``s.t`` / ``s.t[]`` depend on it.
    """
    out: list[DbObject] = []
    table_oids: set[int] = set()
    tables: dict[int, LoadedTable] = {}
    stats: dict[str, TableStats] = {}
    shared = shared_kind(ctx, "table", not_signature=_TABLE_OIDS)
    for row in ctx.fetch("tables"):
        schema, name = row["schema_name"], row["name"]
        if not ctx.wanted(schema, name):
            continue
        obj = shared.build(None, row, _build_table)
        out.append(obj)
        key = obj.key
        oid = row["oid"]
        table_oids.add(oid)
        tables[oid] = LoadedTable(obj.schema_name, obj.name, _TABLE_KINDS[row["relkind"]], obj.owner,
                                  obj.qualified_name, key)
        ctx.register("pg_class", oid, key)
        stats[key] = table_stats(row, ctx.major)
        if row["reltype"]:
            ctx.register("pg_type", row["reltype"], key)
        if row["reltype_array"]:
            ctx.register("pg_type", row["reltype_array"], key)
    ctx.shared["table_oids"] = table_oids
    ctx.shared["tables"] = tables
    ctx.shared["table_stats"] = stats
    shared.done()
    return out


_STATS = ("stat_reltuples", "stat_relpages", "stat_bytes", "stat_indexes", "stat_analyzed", "stat_null_columns")
# OIDs and sizes are not part of what a table is built from: equal tables on both sides
# are shared whatever their data
_TABLE_OIDS = frozenset({"oid", "reltype", "reltype_array", *_STATS})


def table_stats(row: dict[str, Any], major: int) -> TableStats:
    """The ``stat_*`` columns of a ``tables`` row as the snapshot keeps them.

    ``reltuples`` is -1 on a table never vacuumed or analysed (PostgreSQL 14 and later);
    before 14 such a table reads 0 rows over 0 pages, which is as unknown. Its page
    counts are then unknown too (0, whatever the table holds): no size either.
    """
    tuples, pages, analyzed = row["stat_reltuples"], row["stat_relpages"], row["stat_analyzed"]
    rows: int | None = round(tuples) if tuples is not None and tuples >= 0 else None
    if major < 14 and rows == 0 and not pages and analyzed is None:
        rows = None
    return from_catalog(  # without validation, as the objects (pgsd.model.fast): validating was a quarter of this loader
        TableStats,
        rows=rows,
        bytes=row["stat_bytes"] if rows is not None else None,
        indexes=row["stat_indexes"] or 0,
        analyzed_at=analyzed.isoformat() if analyzed is not None else None,
        null_columns=tuple(sorted(row["stat_null_columns"] or ())),
    )


def _build_table(row: dict[str, Any]) -> Table | ForeignTable:
    """The table a ``tables`` row describes (from the row alone: see shared_builds).

    Filled into a copy of the kind's catalog template, as the children's loaders do:
    a keyword call with twenty arguments cost half of what this loader does per table.
    """
    parent_names = row["parent_names"]
    partition_of: str | None = None
    inherits: tuple[str, ...] = ()
    if parent_names:
        parents = tuple(qualified(s, n) for s, n in zip(row["parent_schemas"], parent_names, strict=True))
        if row["is_partition"]:
            partition_of = parents[0]
        else:
            inherits = parents
    owner = row["owner"]
    foreign = row["relkind"] == "f"
    cls = ForeignTable if foreign else Table
    values = cls.catalog_template().copy()
    values["schema_name"] = sys.intern(row["schema_name"])
    values["name"] = row["name"]
    values["owner"] = sys.intern(owner)
    values["comment"] = row["comment"]
    values["acl"] = normalise_acl(row["acl"], owner)
    values["inherits"] = inherits
    values["partition_of"] = partition_of
    values["partition_bound"] = row["partition_bound"]
    if foreign:
        values["server"] = row["server"]
        values["options"] = _sorted_options(row["ft_options"])
    else:
        values["persistence"] = row["persistence"]
        values["is_partitioned"] = row["relkind"] == "p"
        values["partition_key"] = row["partition_key"]
        values["options"] = _sorted_options(row["options"])
        values["replica_identity"] = row["replica_identity"]
        values["replica_identity_index"] = row["replica_identity_index"]
        values["rls_enabled"] = row["rls_enabled"]
        values["rls_forced"] = row["rls_forced"]
        values["tablespace"] = row["tablespace"]
        values["access_method"] = row["access_method"]
        values["cluster_index"] = row["cluster_index"]
        values["of_type"] = row["of_type"]
        if row["part_column_names"]:
            values["partition_columns"] = tuple(
                PartitionColumn(name=name, not_null=not_null, default=default)
                for name, not_null, default in zip(row["part_column_names"], row["part_column_not_nulls"],
                                                   row["part_column_defaults"], strict=True)
            )
        if row["part_clone_names"]:
            values["partition_clones"] = tuple(zip(row["part_clone_kinds"], row["part_clone_names"], strict=True))
    return cls.from_template(values)


def _loaded_tables(ctx: LoadContext) -> dict[int, LoadedTable]:
    return ctx.shared.get("tables", {})


# --------------------------------------------------------------------------- columns


def identity_options(id_type: int, start: int, increment: int, minimum: int, maximum: int, cache: int,
                     cycle: bool) -> tuple[tuple[str, str], ...]:
    """The identity sequence's settings that differ from what a bare IDENTITY would get.

    Defaults follow the server's: ascending sequences start at their minvalue (1 unless
    set) and end at the type's maximum; descending ones run from -1 down to the type's
    minimum and start at their maxvalue. So ``(MINVALUE 5)`` alone stores only minvalue.
    """
    low, high = _INT_BOUNDS.get(id_type, _INT_BOUNDS[20])
    if increment > 0:
        default_min, default_max, default_start = 1, high, minimum
    else:
        default_min, default_max, default_start = low, -1, maximum
    out: list[tuple[str, str]] = []
    if start != default_start:
        out.append(("start", str(start)))
    if increment != 1:
        out.append(("increment", str(increment)))
    if minimum != default_min:
        out.append(("minvalue", str(minimum)))
    if maximum != default_max:
        out.append(("maxvalue", str(maximum)))
    if cache != 1:
        out.append(("cache", str(cache)))
    if cycle:
        out.append(("cycle", "true"))
    return tuple(out)


COLUMNS_COLUMNS = (
    "attrelid", "position", "name", "type", "collation_schema", "collation_name", "not_null", "default",
    "identity", "generated", "storage", "statistics", "compression", "is_local", "comment", "acl",
    "fdw_options", "options", "id_type", "id_start", "id_increment", "id_min", "id_max", "id_cache", "id_cycle",
)


def load_columns(ctx: LoadContext) -> list[DbObject]:
    """Columns of loaded tables (not of partitions: they repeat the parent's).

    What a partition sets on a column itself (NOT NULL, a default) is its table's
    ``partition_columns`` (tables loader).
    Columns register in ``ctx.column_keys`` (table OID -> keys by attnum), which is what
    pg_depend's (``pg_class``, table OID, attnum) resolves through. Names and types
    repeat across tables (``id``, ``integer``), so they are interned: one string each.

    The query returns a table's columns together (ordered by table and attnum), so a
    table's columns are built, shared with the other side (see shared_builds) and registered
    as one: a whole table's worth of rows is one signature, one lookup and one list
    of keys. A table with one column changed is built again entirely on the other side.
    """
    tables = _loaded_tables(ctx)
    column_keys = ctx.column_keys
    template = Column.catalog_template()
    shared = shared_kind(ctx, "table columns", COLUMNS_COLUMNS, not_signature=("attrelid",))
    fields = shared.fields
    intern = sys.intern
    out: list[DbObject] = []
    for relid, group in groupby(ctx.rows("columns", COLUMNS_COLUMNS), _FIRST):
        table = tables.get(relid)
        if table is None:
            continue
        # everything the columns are built from: their rows without attrelid, and their
        # table (the key names the table; the owner is what ACLs are normalised against)
        rows = tuple([fields(row) for row in group])
        columns = shared.build_signed((table.key, table.owner, rows), rows, _build_table_columns,
                                      table, template, intern)
        objects, keys = columns
        out.extend(objects)
        if relid in column_keys:  # only if the query stopped grouping by table
            # the first group's list may be the other side's too: add to a copy
            column_keys[relid] = list(column_keys[relid])
            for position, key in enumerate(keys):
                if key is not None:
                    ctx.register_column(relid, position, key)
        else:
            column_keys[relid] = keys  # never changed afterwards: the sides may share it
    shared.done()
    return out


_FIRST = itemgetter(0)


def _build_table_columns(rows: tuple[tuple, ...], table: LoadedTable, template: dict[str, Any],
                         intern) -> tuple[tuple[Column, ...], list[str | None]]:  # noqa: ANN001
    """A table's columns from their rows (without attrelid), and their keys by attnum.

    What the columns share (their table's names and keys) is filled in once, on a copy
    of the template that every column's values start from; the loop then sets only what
    differs, and ``from_templates`` wraps them all. This is the hottest loop of
    introspection (one pass per column of the database): a function call per column
    costs about a third of it.
    """
    shared = template.copy()
    shared["schema_name"] = table.schema
    shared["table"] = table.name
    shared["table_kind"] = table.kind
    shared["table_name"] = table.qualified_name
    shared["parent_key"] = table.key
    new_values = shared.copy
    key_prefix = child_key_prefix("column", table.qualified_name)
    owner = table.owner
    keys: list[str | None] = [None] * (max(map(_FIRST, rows)) + 1)
    all_values = []
    for (position, name, type_, coll_schema, coll, not_null, default, identity, generated, storage,
         statistics, compression, is_local, comment, acl, fdw_options, options,
         id_type, id_start, id_increment, id_min, id_max, id_cache, id_cycle) in rows:
        values = new_values()
        values["name"] = name = intern(name)
        values["key"] = keys[position] = key_prefix + quote_ident(name)
        values["position"] = position
        values["type"] = intern(type_)
        if coll is not None:
            values["collation"] = qualified(coll_schema, coll)
        values["not_null"] = not_null
        values["default"] = default if default is None else intern(default)  # "0", "now()" repeat
        if identity:
            values["identity"] = identity
            if id_type is not None:
                values["identity_sequence"] = identity_options(
                    id_type, id_start, id_increment, id_min, id_max, id_cache, id_cycle
                )
        if generated:
            values["generated"] = generated
        values["storage"] = storage
        values["statistics"] = statistics
        values["compression"] = compression
        values["is_local"] = is_local
        values["comment"] = comment
        if acl is not None:
            values["acl"] = normalise_acl(acl, owner)
        if fdw_options:
            values["fdw_options"] = tuple(sorted(fdw_options))
        if options:
            values["options"] = tuple(sorted(options))
        all_values.append(values)
    return Column.from_templates(all_values), keys


# --------------------------------------------------------------------------- constraints


CONSTRAINTS_COLUMNS = (
    "oid", "conrelid", "index_oid", "name", "type", "definition", "deferrable", "deferred", "validated",
    "enforced", "no_inherit", "is_local", "ref_schema", "ref_name", "index_name", "comment", "index_comment",
)
_CONSTRAINT_OIDS = ("oid", "conrelid", "index_oid")
"""Not in a constraint's signature (see shared_builds): its table's key stands for conrelid."""


def load_constraints(ctx: LoadContext) -> list[DbObject]:
    """p/u/f/c/x constraints of loaded tables.

    Each registers its own OID and, for p/u/x, its index's OID: a foreign key records a
    dependency on the referenced table's unique *index*, which must read as a
    dependency on the constraint that owns the index.
    """
    tables = _loaded_tables(ctx)
    register = ctx.oids.__setitem__
    pg_class = catalog_base("pg_class")
    pg_constraint = catalog_base("pg_constraint")
    template = Constraint.catalog_template()
    shared = shared_kind(ctx, "constraint", CONSTRAINTS_COLUMNS, not_signature=_CONSTRAINT_OIDS)
    out: list[DbObject] = []
    for row in ctx.rows("constraints", CONSTRAINTS_COLUMNS):
        oid, relid, index_oid = row[0], row[1], row[2]
        table = tables.get(relid)
        if table is None:
            continue
        obj = shared.build(table.key, row, _build_constraint, table, template)
        out.append(obj)
        key = obj.key
        register(key_in(pg_constraint, oid), key)
        if index_oid is not None:
            register(key_in(pg_class, index_oid), key)
    shared.done()
    return out


def _build_constraint(row: tuple, table: LoadedTable, template: dict[str, Any]) -> Constraint:
    (_oid, _relid, _index_oid, name, type_, definition, deferrable, deferred, validated, enforced, no_inherit,
     is_local, ref_schema, ref_name, index_name, comment, index_comment) = row
    values = table.child_values(template, "constraint", name)
    values["type"] = type_
    values["definition"] = sys.intern(definition)  # "PRIMARY KEY (id)" repeats
    values["deferrable"] = deferrable
    values["deferred"] = deferred
    values["validated"] = validated
    values["enforced"] = enforced
    values["no_inherit"] = no_inherit
    values["is_local"] = is_local
    if ref_name is not None:
        values["references"] = qualified(ref_schema, ref_name)
    values["index_name"] = index_name
    values["comment"] = comment
    values["index_comment"] = index_comment
    return Constraint.from_template(values)


# --------------------------------------------------------------------------- indexes


def _excluded_by_name(ctx: LoadContext, schema: str, name: str) -> bool:
    """True when an exclude glob names this object itself (include globs are not applied)."""
    globs = ctx.filters.exclude_objects
    return bool(globs) and any(
        fnmatch.fnmatchcase(n, g) for g in globs for n in (name, f"{schema}.{name}")
    )


INDEXES_COLUMNS = (
    "oid", "indrelid", "table_relkind", "schema_name", "table_name", "name", "definition", "is_unique",
    "tablespace", "options", "is_partitioned", "valid", "attached_schemas", "attached_tables", "attached_names",
    "attached_definitions", "comment",
)


def load_indexes(ctx: LoadContext) -> list[DbObject]:
    """Indexes that stand on their own (not behind a constraint, not a partition's copy).

    Indexes of tables follow their table: ``--include orders*`` keeps every index of
    ``orders`` whatever the index is called. An exclude glob naming the index itself
    still drops it (``--exclude *_tmp_idx``), since indexes have schema-wide names of
    their own. Materialized views load later (views loader), so an index on one follows
    the name filter its view gets instead.
    """
    tables = _loaded_tables(ctx)
    register = ctx.oids.__setitem__
    pg_class = catalog_base("pg_class")
    template = Index.catalog_template()
    shared = shared_kind(ctx, "index", INDEXES_COLUMNS, not_signature=("oid", "indrelid"))
    out: list[DbObject] = []
    for row in ctx.rows("indexes", INDEXES_COLUMNS):
        oid, relid, relkind, schema, table_name, name = row[:6]
        if _excluded_by_name(ctx, schema, name):
            continue
        table = None
        if relkind == "m":
            if not ctx.wanted(schema, table_name):
                continue
        else:
            table = tables.get(relid)
            if table is None:
                continue
        # the row names the table (schema_name, table_name): its key follows from them
        obj = shared.build(None, row, _build_index, table, template)
        out.append(obj)
        register(key_in(pg_class, oid), obj.key)  # schema-wide: see Index.key
    shared.done()
    return out


def _build_index(row: tuple, table: LoadedTable | None, template: dict[str, Any]) -> Index:
    """An index of ``table``, or of a materialized view when ``table`` is None."""
    (_oid, _relid, _relkind, schema, table_name, name, definition, is_unique, tablespace, options,
     is_partitioned, valid, att_schemas, att_tables, att_names, att_definitions, comment) = row
    if table is None:
        table_kind = "materialized_view"
        table_qualified = qualified(schema, table_name)
        parent_key = f"materialized_view:{table_qualified}"
    else:  # the table's own strings, shared by its children
        table_kind = "table"
        table_qualified = table.qualified_name
        parent_key = table.key
    values = template.copy()
    values["schema_name"] = sys.intern(schema) if table is None else table.schema
    values["table"] = table_name if table is None else table.name
    values["table_kind"] = table_kind
    values["name"] = name
    values["definition"] = definition
    values["is_unique"] = is_unique
    values["tablespace"] = tablespace
    if options:
        values["options"] = tuple(sorted(options))
    values["is_partitioned"] = is_partitioned
    if not valid:
        values["valid"] = False
        if att_names:
            values["attached"] = tuple(
                AttachedIndex(table=qualified(s, t), name=n, definition=d)
                for s, t, n, d in zip(att_schemas, att_tables, att_names, att_definitions, strict=True)
            )
    values["comment"] = comment
    values["table_name"] = table_qualified
    values["parent_key"] = parent_key
    return Index.from_template(values)
