-- Enum types with their labels in enumsortorder (the order ALTER TYPE ... ADD VALUE
-- BEFORE/AFTER produced, which is what a diff must reproduce).
SELECT t.oid,
       t.typarray,
       n.nspname AS schema_name,
       t.typname AS name,
       pg_get_userbyid(t.typowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0) AS comment,
       coalesce(t.typacl, acldefault('T', t.typowner))::text[] AS acl,
       coalesce(e.labels, '{}') AS labels
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN (SELECT enumtypid, array_agg(enumlabel::text ORDER BY enumsortorder) AS labels
           FROM pg_enum GROUP BY enumtypid) e ON e.enumtypid = t.oid
WHERE t.typtype = 'e'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname
