-- Sequences, except identity sequences (those have an internal 'i' dependency on their
-- column and are described by Column.identity_sequence). The owning column (OWNED BY,
-- an 'a' dependency on a column) comes as schema/table/column names.
SELECT c.oid,
       n.nspname AS schema_name,
       c.relname AS name,
       pg_get_userbyid(c.relowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment,
       c.relacl::text[] AS acl,
       c.relpersistence AS persistence,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       own_n.nspname AS owned_schema,
       own_c.relname AS owned_table,
       own_a.attname AS owned_column
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_depend own
       ON own.classid = 'pg_class'::regclass AND own.objid = c.oid AND own.objsubid = 0
      AND own.refclassid = 'pg_class'::regclass AND own.refobjsubid > 0 AND own.deptype = 'a'
LEFT JOIN pg_class own_c ON own_c.oid = own.refobjid
LEFT JOIN pg_namespace own_n ON own_n.oid = own_c.relnamespace
LEFT JOIN pg_attribute own_a ON own_a.attrelid = own.refobjid AND own_a.attnum = own.refobjsubid
WHERE c.relkind = 'S'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
  AND NOT EXISTS (SELECT 1 FROM pg_depend i
                  WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
ORDER BY n.nspname, c.relname
