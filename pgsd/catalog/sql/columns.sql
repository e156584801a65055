-- PostgreSQL 13: no column compression.
-- Columns of tables, partitioned tables and foreign tables; partitions are left out
-- (their columns are the parent's). Table identity (names, owner) is joined in Python
-- from the tables loader, by attrelid. Storage and collation only when they differ
-- from the type's; statistics only when set (-1 before 17 and NULL from 17 both mean
-- default). Per-column options (n_distinct, n_distinct_inherited: ALTER COLUMN SET (...))
-- as attoptions' key=value texts. The identity sequence's settings come along for identity columns only.
-- Comments are looked up with a scalar subquery, which is always a probe of
-- pg_description's unique index: as a join, stale catalog statistics (right after a
-- bulk schema load pg_description 'has' ~1 pg_class row) led the planner to rescan
-- every comment for every column (quadratic; 0.4 s already for 300 tables). Only
-- columns that have a comment are probed: which ones is one hashed IN over the column
-- comments, read once (a seventh of the query at 2,000 tables went to probing the nine
-- columns in ten that have none). The IN stays hashed while the comments' estimated
-- size fits in hash memory: with the read session's work_mem (32MB, see
-- SidePool.read_session), one to two million column comments.
-- A default cannot refer to a column, so it is deparsed without its table (relid 0):
-- the same text, without opening and locking every table (half of pg_get_expr's cost,
-- 60 ms of 280 at 2,000 tables). A generated column's expression does name columns.
-- Ordered by table: the loader takes a table's columns as one group (a sort of a few
-- ms; without it a hash join returns them scattered).
SELECT a.attrelid,
       a.attnum AS position,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       cn.nspname AS collation_schema,
       co.collname AS collation_name,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) AS "default",
       a.attidentity AS identity,
       a.attgenerated AS generated,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
       NULL::text AS compression,
       a.attislocal AS is_local,
       CASE WHEN (a.attrelid, a.attnum) IN (SELECT dc.objoid, dc.objsubid FROM pg_description dc
                                            WHERE dc.classoid = 'pg_class'::regclass AND dc.objsubid > 0)
            THEN (SELECT d.description FROM pg_description d
                  WHERE d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum)
       END AS comment,
       a.attacl::text[] AS acl,
       a.attfdwoptions AS fdw_options,
       a.attoptions AS options,
       ids.seqtypid AS id_type,
       ids.seqstart AS id_start,
       ids.seqincrement AS id_increment,
       ids.seqmin AS id_min,
       ids.seqmax AS id_max,
       ids.seqcache AS id_cache,
       ids.seqcycle AS id_cycle
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN (SELECT dep.refobjid, dep.refobjsubid, s.*
           FROM pg_depend dep
           JOIN pg_sequence s ON s.seqrelid = dep.objid
           WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
             AND dep.deptype = 'i') ids
       ON ids.refobjid = a.attrelid AND ids.refobjsubid = a.attnum
WHERE c.relkind IN ('r', 'p', 'f')
  AND NOT c.relispartition
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY a.attrelid, a.attnum
