-- User collations, PostgreSQL 13/14: an ICU collation keeps its locale in collcollate
-- (= collctype); report it as locale with lc_collate/lc_ctype NULL, as 15+ does.
SELECT c.oid,
       n.nspname AS schema_name,
       c.collname AS name,
       pg_get_userbyid(c.collowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_collation'::regclass AND d.objsubid = 0) AS comment,
       c.collprovider AS provider,
       CASE WHEN c.collprovider = 'i' THEN c.collcollate::text END AS locale,
       CASE WHEN c.collprovider <> 'i' THEN c.collcollate::text END AS lc_collate,
       CASE WHEN c.collprovider <> 'i' THEN c.collctype::text END AS lc_ctype,
       c.collisdeterministic AS deterministic,
       NULL::text AS rules
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_collation'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.collname
