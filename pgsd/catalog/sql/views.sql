-- Views (relkind v) and materialized views (relkind m), not extension members.
-- Columns come along as arrays (attnum order); they are not separate objects.
SELECT c.oid,
       c.relkind,
       c.reltype,
       rt.typarray                    AS reltype_array,
       n.nspname                      AS schema_name,
       c.relname                      AS name,
       pg_get_userbyid(c.relowner)    AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment,
       coalesce(c.relacl, acldefault('r', c.relowner))::text[] AS acl,
       pg_get_viewdef(c.oid)          AS definition,
       c.reloptions                   AS options,
       ts.spcname                     AS tablespace,
       c.relispopulated               AS is_populated,
       cols.attnums,
       cols.names                     AS columns,
       cols.types                     AS column_types,
       cols.commented                 AS commented_columns,
       cols.comments                  AS column_comments
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type rt ON rt.oid = c.reltype
LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN LATERAL (
    SELECT array_agg(a.attnum ORDER BY a.attnum)                                 AS attnums,
           array_agg(a.attname::text ORDER BY a.attnum)                          AS names,
           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)     AS types,
           array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE cd.description IS NOT NULL) AS commented,
           array_agg(cd.description ORDER BY a.attnum) FILTER (WHERE cd.description IS NOT NULL)  AS comments
    FROM pg_attribute a
    LEFT JOIN pg_description cd
           ON cd.objoid = a.attrelid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) cols ON true
WHERE c.relkind IN ('v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
