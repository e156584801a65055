-- Text search dictionaries, not extension members. The template comes as schema and name
-- (quoted by the loader); the options as the server serialises them
-- (``language = 'english', stopwords = 'english'``), split by the loader.
SELECT t.oid,
       n.nspname AS schema_name,
       t.dictname AS name,
       pg_get_userbyid(t.dictowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_ts_dict'::regclass AND d.objsubid = 0) AS comment,
       tn.nspname AS template_schema,
       tm.tmplname AS template_name,
       t.dictinitoption AS options
FROM pg_ts_dict t
JOIN pg_namespace n ON n.oid = t.dictnamespace
JOIN pg_ts_template tm ON tm.oid = t.dicttemplate
JOIN pg_namespace tn ON tn.oid = tm.tmplnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_ts_dict'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.dictname
