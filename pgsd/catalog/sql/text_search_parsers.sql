-- Text search parsers, not extension members. Functions print as regproc (search_path is
-- pg_catalog, so a built-in prints bare and a user function schema-qualified).
SELECT p.oid,
       n.nspname AS schema_name,
       p.prsname AS name,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = p.oid AND d.classoid = 'pg_ts_parser'::regclass AND d.objsubid = 0) AS comment,
       p.prsstart::regproc::text AS start,
       p.prstoken::regproc::text AS gettoken,
       p.prsend::regproc::text AS "end",
       p.prslextype::regproc::text AS lextypes,
       nullif(p.prsheadline, 0)::regproc::text AS headline
FROM pg_ts_parser p
JOIN pg_namespace n ON n.oid = p.prsnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_ts_parser'::regclass AND e.objid = p.oid AND e.deptype = 'e')
ORDER BY n.nspname, p.prsname
