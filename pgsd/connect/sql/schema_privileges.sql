-- Every user schema with whether the current role can see into it and create in it.
SELECT n.nspname,
       has_schema_privilege(n.oid, 'USAGE')  AS can_use,
       has_schema_privilege(n.oid, 'CREATE') AS can_create
FROM pg_namespace n
WHERE n.nspname NOT IN ('information_schema', 'pg_catalog', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
ORDER BY n.nspname
