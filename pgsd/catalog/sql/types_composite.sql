-- Stand-alone composite types (CREATE TYPE ... AS (...)): pg_type rows whose typrelid is
-- a relkind 'c' class (a table's row type has a table there instead). Attributes come as
-- parallel arrays in attnum order; an attribute's collation only when it differs from
-- its type's default; attribute comments as parallel arrays of the commented ones.
SELECT t.oid,
       t.typarray,
       n.nspname AS schema_name,
       t.typname AS name,
       pg_get_userbyid(t.typowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0) AS comment,
       coalesce(t.typacl, acldefault('T', t.typowner))::text[] AS acl,
       t.typrelid,
       attrs.names,
       attrs.types,
       attrs.collation_schemas,
       attrs.collation_names,
       attrs.commented,
       attrs.comments
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
LEFT JOIN LATERAL (
    SELECT array_agg(a.attname::text ORDER BY a.attnum)                       AS names,
           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)  AS types,
           array_agg(cn.nspname::text ORDER BY a.attnum)                      AS collation_schemas,
           array_agg(co.collname::text ORDER BY a.attnum)                     AS collation_names,
           array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE d.description IS NOT NULL) AS commented,
           array_agg(d.description ORDER BY a.attnum) FILTER (WHERE d.description IS NOT NULL) AS comments
    FROM pg_attribute a
    JOIN pg_type at ON at.oid = a.atttypid
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> at.typcollation
    LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
    LEFT JOIN pg_description d
           ON d.objoid = t.typrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
) attrs ON true
WHERE t.typtype = 'c'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname
