-- Tables (relkind r), partitioned tables (p) and foreign tables (f), one row each.
-- Inheritance parents come aggregated in inhseqno order (for a partition, the single
-- entry is its partitioned parent). The replica identity and CLUSTER indexes are the
-- pg_index rows flagged indisreplident / indisclustered (at most one each).
-- The stat_* columns are the table's size, not its schema (Snapshot.table_stats): the
-- planner's row estimate, the pages of the table, its TOAST table and its indexes, the
-- index count, the last analyze and the columns whose statistics show nulls (pg_stats,
-- grouped once for all tables). Pages, not pg_total_relation_size: that function locks
-- each table (it would wait behind any ACCESS EXCLUSIVE lock, and hit lock_timeout) and
-- stats its files (0.1 ms a table); the catalog's counts are as of the last VACUUM or
-- ANALYZE, like the row estimate.
-- A partition's own column settings: the columns whose NOT NULL or default differ from
-- the parent's column of the same name (identity and generated columns are the parent's),
-- as three arrays in column order; NULL for every other table. Defaults are deparsed
-- without their table, as in columns.sql. And the copies a partition holds of its parent's
-- constraints and indexes (DETACH PARTITION leaves them to it), by kind and name.
SELECT c.oid,
       c.reltype,
       rt.typarray AS reltype_array,
       c.relkind,
       n.nspname AS schema_name,
       c.relname AS name,
       pg_get_userbyid(c.relowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment,
       c.relacl::text[] AS acl,
       c.relpersistence AS persistence,
       c.relispartition AS is_partition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       inh.parent_schemas,
       inh.parent_names,
       c.reloptions AS options,
       c.relreplident AS replica_identity,
       CASE WHEN c.relreplident = 'i' THEN ri.relname END AS replica_identity_index,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       ts.spcname AS tablespace,
       CASE WHEN am.amname <> 'heap' THEN am.amname END AS access_method,
       cl.relname AS cluster_index,
       CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS of_type,
       fs.srvname AS server,
       ft.ftoptions AS ft_options,
       c.reltuples::float8 AS stat_reltuples,
       c.relpages AS stat_relpages,
       CASE WHEN c.relkind <> 'f'
            THEN (c.relpages::bigint + coalesce(toast.relpages, 0) + coalesce(ix.pages, 0))
                 * current_setting('block_size')::bigint END AS stat_bytes,
       coalesce(ix.n, 0)::int AS stat_indexes,
       greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)) AS stat_analyzed,
       nul.columns AS stat_null_columns,
       pcol.names AS part_column_names,
       pcol.not_nulls AS part_column_not_nulls,
       pcol.defaults AS part_column_defaults,
       clones.kinds AS part_clone_kinds,
       clones.names AS part_clone_names
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_type rt ON rt.oid = c.reltype
LEFT JOIN (SELECT i.inhrelid,
                  array_agg(pn.nspname::text ORDER BY i.inhseqno) AS parent_schemas,
                  array_agg(pc.relname::text ORDER BY i.inhseqno) AS parent_names
           FROM pg_inherits i
           JOIN pg_class pc ON pc.oid = i.inhparent AND pc.relkind IN ('r', 'p', 'f')
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           GROUP BY i.inhrelid) inh ON inh.inhrelid = c.oid
LEFT JOIN pg_index rix ON rix.indrelid = c.oid AND rix.indisreplident
LEFT JOIN pg_class ri ON ri.oid = rix.indexrelid
LEFT JOIN pg_index cix ON cix.indrelid = c.oid AND cix.indisclustered
LEFT JOIN pg_class cl ON cl.oid = cix.indexrelid
LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
LEFT JOIN pg_foreign_server fs ON fs.oid = ft.ftserver
LEFT JOIN pg_class toast ON toast.oid = c.reltoastrelid
LEFT JOIN (SELECT x.indrelid, count(*) AS n, sum(xc.relpages)::bigint AS pages
           FROM pg_index x JOIN pg_class xc ON xc.oid = x.indexrelid
           GROUP BY x.indrelid) ix ON ix.indrelid = c.oid
LEFT JOIN (SELECT s.schemaname, s.tablename, array_agg(DISTINCT s.attname::text) AS columns
           FROM pg_stats s
           WHERE s.null_frac > 0
           GROUP BY s.schemaname, s.tablename) nul ON nul.schemaname = n.nspname AND nul.tablename = c.relname
LEFT JOIN (SELECT a.attrelid,
                  array_agg(a.attname::text ORDER BY a.attnum) AS names,
                  array_agg(a.attnotnull ORDER BY a.attnum) AS not_nulls,
                  array_agg(pg_get_expr(ad.adbin, 0) ORDER BY a.attnum) AS defaults
           FROM pg_class pc
           JOIN pg_inherits pi ON pi.inhrelid = pc.oid
           JOIN pg_attribute a ON a.attrelid = pc.oid
           JOIN pg_attribute pa ON pa.attrelid = pi.inhparent AND pa.attname = a.attname
           LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
           LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum
           WHERE pc.relispartition
             AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
             AND pa.attgenerated = '' AND pa.attidentity = ''
             AND (a.attnotnull <> pa.attnotnull OR pg_get_expr(ad.adbin, 0) IS DISTINCT FROM pg_get_expr(pd.adbin, 0))
           GROUP BY a.attrelid) pcol ON pcol.attrelid = c.oid
LEFT JOIN (SELECT x.relid, array_agg(x.kind ORDER BY x.kind, x.name) AS kinds, array_agg(x.name ORDER BY x.kind, x.name) AS names
           FROM (SELECT k.conrelid AS relid, 'constraint' AS kind, k.conname::text AS name
                 FROM pg_constraint k JOIN pg_class kc ON kc.oid = k.conrelid
                 WHERE kc.relispartition AND NOT k.conislocal AND k.contype IN ('p', 'u', 'f', 'c', 'x')
                 UNION ALL
                 SELECT xi.indrelid, 'index', xc.relname::text
                 FROM pg_index xi JOIN pg_class xc ON xc.oid = xi.indexrelid
                 WHERE xc.relispartition
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = xc.oid
                                   AND k.contype IN ('p', 'u', 'x'))) x
           GROUP BY x.relid) clones ON clones.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
