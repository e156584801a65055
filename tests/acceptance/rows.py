"""Rows survive: the data half of the one rule for plans.

Convergence says the target's schema ends up equal to the source's; this module says
its rows are still there. Before a plan is applied, every user table of the target is
read as a row count plus, per column, the number of non-null values and a digest of
all values as text. After the plan, every table that still exists under the same name
must hold the same rows:

* the row count is unchanged;
* a column that still exists with the same type has exactly the same values (the same
  type: the same name and, for a user type, the same labels, attributes, base or
  subtype: a type rebuilt with another shape may change the text of its values);
* a column whose type changed keeps the same number of non-null values (its text
  may legitimately change, ``1`` becoming ``1.00``).

The only exemptions are the ones DESIGN.md allows: a table or column that a statement
carrying the data-loss hazard acts on (a dropped or rebuilt table, a dropped column, a
column re-created because no conversion exists). A dropped table or column is simply
not there afterwards, so it is never compared.

Tables are counted ``FROM ONLY`` themselves, except partitioned tables, whose rows live
in their partitions: partitions are not listed on their own (a plan that moves rows
between partitions keeps them in the parent's count), and a partitioned table is
exempt when one of its partitions is dropped with the data-loss hazard (a partition
dropped without it had its rows moved to the others first), detached, or when a table
is attached to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from pgsd.ddl.plan import HazardType, Plan
from pgsd.model.names import qualified, quote_ident

TABLES_SQL = """
SELECT n.nspname, c.relname, c.relkind::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (
      SELECT FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""

PARTITIONS_SQL = """
WITH RECURSIVE tree(relid) AS (
    SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = %s::regclass
    UNION ALL
    SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.relid
)
SELECT n.nspname, c.relname
FROM tree JOIN pg_class c ON c.oid = tree.relid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relispartition
"""

# A column's type is its name plus, for a user type, what its values are made of: an
# enum's labels, a composite's attributes, a domain's base and a range's subtype (of the
# element type for an array). A type rebuilt under the same name with another shape is
# another type: its values' text may legitimately change (a composite gains an attribute).
COLUMNS_SQL = """
SELECT a.attname,
       format_type(a.atttypid, a.atttypmod) || coalesce(' ' || (
           SELECT coalesce(
               (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
               (SELECT string_agg(ca.attname || ' ' || format_type(ca.atttypid, ca.atttypmod), ',' ORDER BY ca.attnum)
                FROM pg_attribute ca WHERE ca.attrelid = t.typrelid AND ca.attnum > 0 AND NOT ca.attisdropped),
               (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid),
               CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END)
           FROM pg_type t
           WHERE t.oid = (SELECT CASE WHEN et.typelem <> 0 AND et.typcategory = 'A'
                                     THEN et.typelem ELSE et.oid END
                          FROM pg_type et WHERE et.oid = a.atttypid)
             AND t.typnamespace <> 'pg_catalog'::regnamespace), '')
FROM pg_attribute a
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


@dataclass(frozen=True)
class ColumnValues:
    type: str
    not_null: int
    digest: str | None


@dataclass(frozen=True)
class TableRows:
    rows: int
    columns: dict[str, ColumnValues]
    partitions: frozenset[str] = frozenset()
    """Quoted qualified names of every partition below a partitioned table."""


def read_rows(dsn: str) -> dict[str, TableRows]:
    """Every user table of the database, keyed by its quoted qualified name."""
    out: dict[str, TableRows] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for schema, name, relkind in conn.execute(TABLES_SQL).fetchall():
            table = sql.Identifier(schema, name)
            qname = qualified(schema, name)
            columns = conn.execute(COLUMNS_SQL, (qname,)).fetchall()
            parts = [sql.SQL("count(*)")]
            for col, _type in columns:
                c = sql.Identifier(col)
                parts.append(sql.SQL("count({})").format(c))
                # ordered in "C": the column's own collation (which a plan may change) must
                # not change the digest of unchanged values
                parts.append(sql.SQL("md5(string_agg({c}::text, E'\\x1f' ORDER BY {c}::text COLLATE \"C\"))").format(c=c))
            only = sql.SQL("") if relkind == "p" else sql.SQL("ONLY ")
            row = conn.execute(
                sql.SQL("SELECT {} FROM {}{}").format(sql.SQL(", ").join(parts), only, table)
            ).fetchone()
            assert row is not None
            values = {
                col: ColumnValues(type=type_, not_null=row[1 + 2 * i], digest=row[2 + 2 * i])
                for i, (col, type_) in enumerate(columns)
            }
            partitions: frozenset[str] = frozenset()
            if relkind == "p":
                partitions = frozenset(qualified(s, n) for s, n in conn.execute(PARTITIONS_SQL, (qname,)))
            out[qname] = TableRows(rows=row[0], columns=values, partitions=partitions)
    return out


def data_loss_keys(plan: Plan) -> set[str]:
    return {s.key for s in plan.statements if HazardType.DATA_LOSS in s.hazard_types()}


def total_rows(tables: dict[str, TableRows]) -> int:
    return sum(t.rows for t in tables.values())


def lost_rows(before: dict[str, TableRows], after: dict[str, TableRows], plan: Plan) -> list[str]:
    """What the plan did to rows it had no data-loss hazard for, one line each."""
    allowed = data_loss_keys(plan)
    problems: list[str] = []
    for qname, old in before.items():
        new = after.get(qname)
        if new is None or f"table:{qname}" in allowed:
            continue
        if any(f"table:{part}" in allowed for part in old.partitions):
            continue  # a partition was dropped with the data-loss hazard: its rows go with it
        if any(part in after for part in old.partitions - new.partitions) or \
                any(part in before for part in new.partitions - old.partitions):
            continue  # a partition detached or a table attached: its rows went or came with it
        if new.rows != old.rows:
            problems.append(f"{qname}: {old.rows} rows before, {new.rows} after")
            continue
        for col, was in old.columns.items():
            now = new.columns.get(col)
            if now is None or f"column:{qname}.{quote_ident(col)}" in allowed:
                continue
            if now.type == was.type and now.digest != was.digest:
                problems.append(f"{qname}.{quote_ident(col)}: values changed ({was.type})")
            elif now.not_null != was.not_null:
                problems.append(
                    f"{qname}.{quote_ident(col)}: {was.not_null} non-null values as {was.type}, "
                    f"{now.not_null} as {now.type}"
                )
    return problems


def renamed_rows(before: dict[str, TableRows], cs) -> dict[str, TableRows]:  # noqa: ANN001 - a ChangeSet
    """``before`` as the renames of ``cs`` leave it: tables and columns under their new names.

    A column whose type was renamed or moved keeps its values, but its type text changes:
    such a column is compared by its non-null count only."""
    keys: dict[str, str] = cs.renamed_keys
    out: dict[str, TableRows] = {}
    for qname, rows in before.items():
        table_key = keys.get(f"table:{qname}", f"table:{qname}")
        columns: dict[str, ColumnValues] = {}
        for col, values in rows.columns.items():
            col_key = f"column:{qname}.{quote_ident(col)}"
            now = cs.target.get(keys.get(col_key, col_key))
            was = cs.read_target.get(col_key)
            name = now.name if now is not None else col
            retyped = now is not None and was is not None and getattr(now, "type", None) != getattr(was, "type", None)
            columns[name] = ColumnValues(type=f"{values.type} (type renamed)" if retyped else values.type,
                                         not_null=values.not_null, digest=values.digest)
        out[table_key.partition(":")[2]] = TableRows(rows=rows.rows, columns=columns, partitions=rows.partitions)
    return out
