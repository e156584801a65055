-- Text search templates, not extension members (functions as regproc, see text_search_parsers).
SELECT t.oid,
       n.nspname AS schema_name,
       t.tmplname AS name,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_ts_template'::regclass AND d.objsubid = 0) AS comment,
       nullif(t.tmplinit, 0)::regproc::text AS init,
       t.tmpllexize::regproc::text AS lexize
FROM pg_ts_template t
JOIN pg_namespace n ON n.oid = t.tmplnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_ts_template'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.tmplname
