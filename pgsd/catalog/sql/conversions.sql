-- User encoding conversions, not extension members; the function as regproc.
SELECT c.oid,
       n.nspname AS schema_name,
       c.conname AS name,
       pg_get_userbyid(c.conowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_conversion'::regclass AND d.objsubid = 0) AS comment,
       pg_encoding_to_char(c.conforencoding) AS source_encoding,
       pg_encoding_to_char(c.contoencoding) AS target_encoding,
       c.conproc::regproc::text AS function,
       c.condefault AS is_default
FROM pg_conversion c
JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_conversion'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.conname
