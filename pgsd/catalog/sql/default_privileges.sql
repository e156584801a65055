-- ALTER DEFAULT PRIVILEGES entries. Rows for one schema follow the schema filters;
-- global rows (defaclnamespace = 0) apply everywhere and are always read.
SELECT a.oid,
       pg_get_userbyid(a.defaclrole) AS role,
       n.nspname                     AS schema_name,
       a.defaclobjtype               AS object_type,
       a.defaclacl::text[]           AS acl
FROM pg_default_acl a
LEFT JOIN pg_namespace n ON n.oid = a.defaclnamespace
WHERE a.defaclnamespace = 0
   OR (n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND n.nspname !~ '^pg_(toast_)?temp_'
       AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
       AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[])))
ORDER BY role, schema_name NULLS FIRST, object_type
