"""Sequences, tables (plain, partitioned, foreign), columns, constraints and indexes.

Tables load before their children and publish what they loaded in ``ctx.shared``:

* ``table_oids``: the set of loaded table OIDs;
* ``tables``: OID -> (schema, name, table_kind, owner).

Columns, constraints and indexes are read with one set-based query each (a database
with 10,000 tables has ~150,000 columns: no per-table queries) and kept only when their
table was loaded, so children always follow their table through the schema and name
filters. The children's queries return only the table OID; names come from the dict.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.model.names import qualified
from pgsd.model.objects import Column, Constraint, DbObject, ForeignTable, Index, Sequence, Table

# seqtypid -> (min, max) of the identity column's integer type.
_INT_BOUNDS = {
    21: (-32768, 32767),
    23: (-2147483648, 2147483647),
    20: (-9223372036854775808, 9223372036854775807),
}

_TABLE_KINDS = {"r": "table", "p": "table", "f": "foreign_table"}


def column_key(schema: str, table: str, column: str) -> str:
    """The key a ``Column`` of that table has, built by the model so the two never drift."""
    return Column(schema_name=schema, table=table, name=column, type="").key


def _sorted_options(values: list[str] | None) -> tuple[str, ...]:
    return tuple(sorted(values)) if values else ()


# --------------------------------------------------------------------------- sequences


def load_sequences(ctx: LoadContext) -> list[DbObject]:
    """Free-standing and serial sequences; identity sequences belong to their column.

    ``owned_by`` is the owning column's key even when that column is not in the snapshot
    (its table filtered out): it still says what ALTER SEQUENCE ... OWNED BY must name.
    """
    out: list[DbObject] = []
    for row in ctx.fetch("sequences"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        owned_by = None
        if row["owned_column"] is not None:
            owned_by = column_key(row["owned_schema"], row["owned_table"], row["owned_column"])
        obj = Sequence(
            schema_name=row["schema_name"],
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            data_type=row["data_type"],
            start=row["start"],
            increment=row["increment"],
            min_value=row["min_value"],
            max_value=row["max_value"],
            cache=row["cache"],
            cycle=row["cycle"],
            persistence=row["persistence"],
            owned_by=owned_by,
        )
        out.append(obj)
        ctx.register("pg_class", row["oid"], obj.key)
    return out


# --------------------------------------------------------------------------- tables


def load_tables(ctx: LoadContext) -> list[DbObject]:
    """Tables, partitioned tables and foreign tables, with their row types registered.

    A partition names its parent in ``partition_of`` and has empty ``inherits`` (the
    pg_inherits row is the partitioning link, not inheritance). The table's row type and
    its array type map to the table, so columns of type ``s.t`` / ``s.t[]`` depend on it.
    """
    out: list[DbObject] = []
    table_oids: set[int] = set()
    tables: dict[int, tuple[str, str, str, str]] = {}
    for row in ctx.fetch("tables"):
        schema, name = row["schema_name"], row["name"]
        if not ctx.wanted(schema, name):
            continue
        parents = tuple(
            qualified(s, n) for s, n in zip(row["parent_schemas"] or (), row["parent_names"] or (), strict=True)
        )
        if row["is_partition"]:
            partition_of, inherits = (parents[0] if parents else None), ()
        else:
            partition_of, inherits = None, parents
        common: dict[str, Any] = dict(
            schema_name=schema,
            name=name,
            owner=row["owner"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            inherits=inherits,
            partition_of=partition_of,
            partition_bound=row["partition_bound"],
        )
        obj: Table | ForeignTable
        if row["relkind"] == "f":
            obj = ForeignTable(**common, server=row["server"], options=_sorted_options(row["ft_options"]))
        else:
            obj = Table(
                **common,
                persistence=row["persistence"],
                is_partitioned=row["relkind"] == "p",
                partition_key=row["partition_key"],
                options=_sorted_options(row["options"]),
                replica_identity=row["replica_identity"],
                replica_identity_index=row["replica_identity_index"],
                rls_enabled=row["rls_enabled"],
                rls_forced=row["rls_forced"],
                tablespace=row["tablespace"],
                access_method=row["access_method"],
                cluster_index=row["cluster_index"],
                of_type=row["of_type"],
            )
        out.append(obj)
        key = obj.key
        oid = row["oid"]
        table_oids.add(oid)
        tables[oid] = (schema, name, _TABLE_KINDS[row["relkind"]], row["owner"])
        ctx.register("pg_class", oid, key)
        if row["reltype"]:
            ctx.register("pg_type", row["reltype"], key)
        if row["reltype_array"]:
            ctx.register("pg_type", row["reltype_array"], key)
    ctx.shared["table_oids"] = table_oids
    ctx.shared["tables"] = tables
    return out


def _loaded_tables(ctx: LoadContext) -> dict[int, tuple[str, str, str, str]]:
    return ctx.shared.get("tables", {})


# --------------------------------------------------------------------------- columns


def identity_options(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The identity sequence's settings that differ from what a bare IDENTITY would get.

    Defaults follow the server's: ascending sequences start at their minvalue (1 unless
    set) and end at the type's maximum; descending ones run from -1 down to the type's
    minimum and start at their maxvalue. So ``(MINVALUE 5)`` alone stores only minvalue.
    """
    low, high = _INT_BOUNDS.get(row["id_type"], _INT_BOUNDS[20])
    increment = row["id_increment"]
    if increment > 0:
        default_min, default_max, default_start = 1, high, row["id_min"]
    else:
        default_min, default_max, default_start = low, -1, row["id_max"]
    out: list[tuple[str, str]] = []
    if row["id_start"] != default_start:
        out.append(("start", str(row["id_start"])))
    if increment != 1:
        out.append(("increment", str(increment)))
    if row["id_min"] != default_min:
        out.append(("minvalue", str(row["id_min"])))
    if row["id_max"] != default_max:
        out.append(("maxvalue", str(row["id_max"])))
    if row["id_cache"] != 1:
        out.append(("cache", str(row["id_cache"])))
    if row["id_cycle"]:
        out.append(("cycle", "true"))
    return tuple(out)


def load_columns(ctx: LoadContext) -> list[DbObject]:
    """Columns of loaded tables (not of partitions: they repeat the parent's).

    A partition's own column-level difference (a default or NOT NULL set only on the
    partition) is therefore not seen; only the parent's columns are compared.
    Column OIDs register as (``pg_class``, table OID, attnum).
    """
    tables = _loaded_tables(ctx)
    register = ctx.oids.__setitem__
    out: list[DbObject] = []
    for row in ctx.fetch("columns"):
        relid = row["attrelid"]
        table = tables.get(relid)
        if table is None:
            continue
        schema, table_name, table_kind, owner = table
        coll = row["collation_name"]
        # rows come straight from the catalog: skip validation, it is the hot path
        obj = Column.from_catalog(
            schema_name=schema,
            table=table_name,
            table_kind=table_kind,
            name=row["name"],
            position=row["position"],
            type=row["type"],
            collation=qualified(row["collation_schema"], coll) if coll is not None else None,
            not_null=row["not_null"],
            default=row["default"],
            identity=row["identity"] or None,
            identity_sequence=identity_options(row) if row["id_type"] is not None else (),
            generated=row["generated"] or None,
            storage=row["storage"],
            statistics=row["statistics"],
            compression=row["compression"],
            is_local=row["is_local"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], owner) if row["acl"] is not None else (),
            fdw_options=_sorted_options(row["fdw_options"]),
        )
        out.append(obj)
        register(("pg_class", relid, row["position"]), obj.key)
    return out


# --------------------------------------------------------------------------- constraints


def load_constraints(ctx: LoadContext) -> list[DbObject]:
    """p/u/f/c/x constraints of loaded tables.

    Each registers its own OID and, for p/u/x, its index's OID: a foreign key records a
    dependency on the referenced table's unique *index*, which must read as a
    dependency on the constraint that owns the index.
    """
    tables = _loaded_tables(ctx)
    out: list[DbObject] = []
    for row in ctx.fetch("constraints"):
        table = tables.get(row["conrelid"])
        if table is None:
            continue
        schema, table_name, table_kind, _owner = table
        references = None
        if row["ref_name"] is not None:
            references = qualified(row["ref_schema"], row["ref_name"])
        obj = Constraint.from_catalog(
            schema_name=schema,
            table=table_name,
            table_kind=table_kind,
            name=row["name"],
            type=row["type"],
            definition=row["definition"],
            deferrable=row["deferrable"],
            deferred=row["deferred"],
            validated=row["validated"],
            enforced=row["enforced"],
            no_inherit=row["no_inherit"],
            is_local=row["is_local"],
            references=references,
            index_name=row["index_name"],
            comment=row["comment"],
        )
        out.append(obj)
        key = obj.key
        ctx.register("pg_constraint", row["oid"], key)
        if row["index_oid"] is not None:
            ctx.register("pg_class", row["index_oid"], key)
    return out


# --------------------------------------------------------------------------- indexes


def _excluded_by_name(ctx: LoadContext, schema: str, name: str) -> bool:
    """True when an exclude glob names this object itself (include globs are not applied)."""
    globs = ctx.filters.exclude_objects
    return bool(globs) and any(
        fnmatch.fnmatchcase(n, g) for g in globs for n in (name, f"{schema}.{name}")
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
    out: list[DbObject] = []
    for row in ctx.fetch("indexes"):
        if _excluded_by_name(ctx, row["schema_name"], row["name"]):
            continue
        if row["table_relkind"] == "m":
            if not ctx.wanted(row["schema_name"], row["table_name"]):
                continue
            table_kind = "materialized_view"
        else:
            if row["indrelid"] not in tables:
                continue
            table_kind = "table"
        obj = Index.from_catalog(
            schema_name=row["schema_name"],
            table=row["table_name"],
            table_kind=table_kind,
            name=row["name"],
            definition=row["definition"],
            is_unique=row["is_unique"],
            tablespace=row["tablespace"],
            options=_sorted_options(row["options"]),
            is_partitioned=row["is_partitioned"],
            comment=row["comment"],
        )
        out.append(obj)
        ctx.register("pg_class", row["oid"], obj.key)
    return out
