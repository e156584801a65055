-- Extended statistics objects, not extension members. The object's own schema may
-- differ from its table's; the schema filters apply to the object's schema, and the
-- table must have been read (checked in Python).
-- stxstattarget: -1 = default before PostgreSQL 17, NULL = default from 17.
SELECT s.oid,
       s.stxrelid                     AS relid,
       n.nspname                      AS schema_name,
       s.stxname                      AS name,
       tn.nspname                     AS table_schema,
       c.relname                      AS table_name,
       pg_get_statisticsobjdef(s.oid) AS definition,
       CASE WHEN s.stxstattarget >= 0 THEN s.stxstattarget::int END AS target,
       pg_get_userbyid(s.stxowner)    AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = s.oid AND d.classoid = 'pg_statistic_ext'::regclass AND d.objsubid = 0) AS comment
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace tn ON tn.oid = c.relnamespace
WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_statistic_ext'::regclass AND e.objid = s.oid AND e.deptype = 'e')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
ORDER BY n.nspname, s.stxname
