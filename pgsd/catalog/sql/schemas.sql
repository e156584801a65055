-- Schemas: every non-system schema (public included), with owner, comment and raw ACL.
-- A NULL nspacl means the default, which grants only the owner: normalised, that is ().
SELECT n.oid,
       n.nspname AS name,
       pg_get_userbyid(n.nspowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0) AS comment,
       n.nspacl::text[] AS acl
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname
