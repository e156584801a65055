-- Event triggers (database-wide, not schema-scoped), not extension members.
-- The function comes as schema, name and argument types so its key can be built even
-- when the function itself is filtered out of the snapshot.
SELECT t.oid,
       t.evtname                      AS name,
       t.evtevent                     AS event,
       t.evttags                      AS tags,
       t.evtenabled                   AS enabled,
       pg_get_userbyid(t.evtowner)    AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_event_trigger'::regclass AND d.objsubid = 0) AS comment,
       fn.nspname                     AS function_schema,
       f.proname                      AS function_name,
       oidvectortypes(f.proargtypes)  AS function_args
FROM pg_event_trigger t
JOIN pg_proc f ON f.oid = t.evtfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_event_trigger'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY t.evtname
