-- Indexes on tables, partitioned tables and materialized views that do not back a
-- constraint (those are the constraint's), and that are not attached to an index of a
-- partitioned parent (relispartition: the parent's index creates them).
-- A partitioned index is valid once every partition has an index attached to it; one made
-- ON ONLY the parent and attached by hand may not be: for those (only), the attached
-- partitions' indexes come along as arrays (partition, index name, definition, or NULL
-- where the index backs a constraint of the partition).
-- Comments: only objects that have one are probed (a hashed IN over the comments,
-- read once), as in columns.sql.
SELECT ic.oid,
       i.indrelid,
       c.relkind AS table_relkind,
       n.nspname AS schema_name,
       c.relname AS table_name,
       ic.relname AS name,
       pg_get_indexdef(ic.oid) AS definition,
       i.indisunique AS is_unique,
       ts.spcname AS tablespace,
       ic.reloptions AS options,
       ic.relkind = 'I' AS is_partitioned,
       ic.relkind <> 'I' OR i.indisvalid AS valid,
       att.schemas AS attached_schemas,
       att.tables AS attached_tables,
       att.names AS attached_names,
       att.definitions AS attached_definitions,
       CASE WHEN ic.oid IN (SELECT dc.objoid FROM pg_description dc
                            WHERE dc.classoid = 'pg_class'::regclass AND dc.objsubid = 0)
            THEN (SELECT d.description FROM pg_description d
                  WHERE d.objoid = ic.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0)
       END AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
LEFT JOIN (SELECT h.inhparent,
                  array_agg(pn.nspname::text ORDER BY pt.relname, pc.relname) AS schemas,
                  array_agg(pt.relname::text ORDER BY pt.relname, pc.relname) AS tables,
                  array_agg(pc.relname::text ORDER BY pt.relname, pc.relname) AS names,
                  array_agg(CASE WHEN NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = pc.oid
                                                  AND k.contype IN ('p', 'u', 'x'))
                                 THEN pg_get_indexdef(pc.oid) END ORDER BY pt.relname, pc.relname) AS definitions
           FROM pg_inherits h
           JOIN pg_index pi ON pi.indexrelid = h.inhparent AND NOT pi.indisvalid
           JOIN pg_class pc ON pc.oid = h.inhrelid
           JOIN pg_index ci ON ci.indexrelid = pc.oid
           JOIN pg_class pt ON pt.oid = ci.indrelid
           JOIN pg_namespace pn ON pn.oid = pt.relnamespace
           GROUP BY h.inhparent) att ON att.inhparent = ic.oid
WHERE c.relkind IN ('r', 'p', 'm')
  AND NOT ic.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = ic.oid AND k.contype IN ('p', 'u', 'x'))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
