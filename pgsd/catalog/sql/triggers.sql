-- User triggers on tables, views and foreign tables: not internal (FK and deferred-
-- constraint machinery) and not the clones a partitioned table's trigger puts on each
-- partition (tgparentid, PostgreSQL 13+). Whether the parent relation was read at all
-- (table filters, extension membership) is decided in Python from the OID map.
SELECT t.oid,
       t.tgrelid                      AS relid,
       n.nspname                      AS schema_name,
       c.relname                      AS table_name,
       t.tgname                       AS name,
       pg_get_triggerdef(t.oid)       AS definition,
       t.tgenabled                    AS enabled,
       t.tgconstraint <> 0            AS is_constraint,
       fn.nspname                     AS function_schema,
       f.proname                      AS function_name,
       oidvectortypes(f.proargtypes)  AS function_args,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_trigger'::regclass AND d.objsubid = 0) AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
ORDER BY n.nspname, c.relname, t.tgname
