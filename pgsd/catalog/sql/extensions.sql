-- Extensions, except plpgsql (installed in every database by initdb, never a difference).
-- Extensions living in pg_catalog are listed too (their objects are in a system schema,
-- but the extension itself is a user choice); the include/exclude schema parameters
-- apply to the extension's schema.
SELECT x.oid,
       x.extname AS name,
       n.nspname AS schema_name,
       x.extversion AS version,
       pg_get_userbyid(x.extowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = x.oid AND d.classoid = 'pg_extension'::regclass AND d.objsubid = 0) AS comment
FROM pg_extension x
JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
ORDER BY x.extname
