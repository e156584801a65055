-- Foreign-data wrappers, not extension members (postgres_fdw's own wrapper belongs to
-- its extension). Handler and validator print qualified unless in pg_catalog.
SELECT w.oid,
       w.fdwname                      AS name,
       pg_get_userbyid(w.fdwowner)    AS owner,
       CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regproc::text END     AS handler,
       CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regproc::text END AS validator,
       w.fdwoptions                   AS options,
       coalesce(w.fdwacl, acldefault('F', w.fdwowner))::text[] AS acl,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = w.oid AND d.classoid = 'pg_foreign_data_wrapper'::regclass AND d.objsubid = 0) AS comment
FROM pg_foreign_data_wrapper w
WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_foreign_data_wrapper'::regclass AND e.objid = w.oid AND e.deptype = 'e')
ORDER BY w.fdwname
