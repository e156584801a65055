-- Rewrite rules other than a view's own _RETURN rule (that one *is* the view).
SELECT r.oid,
       r.ev_class                     AS relid,
       n.nspname                      AS schema_name,
       c.relname                      AS table_name,
       r.rulename                     AS name,
       pg_get_ruledef(r.oid)          AS definition,
       r.ev_enabled                   AS enabled,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = r.oid AND d.classoid = 'pg_rewrite'::regclass AND d.objsubid = 0) AS comment
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT (r.rulename = '_RETURN' AND r.ev_type = '1')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
ORDER BY n.nspname, c.relname, r.rulename
