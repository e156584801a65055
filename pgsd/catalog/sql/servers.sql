-- Foreign servers, not extension members.
SELECT s.oid,
       s.srvname                      AS name,
       w.fdwname                      AS wrapper,
       s.srvtype                      AS server_type,
       s.srvversion                   AS server_version,
       s.srvoptions                   AS options,
       pg_get_userbyid(s.srvowner)    AS owner,
       coalesce(s.srvacl, acldefault('S', s.srvowner))::text[] AS acl,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = s.oid AND d.classoid = 'pg_foreign_server'::regclass AND d.objsubid = 0) AS comment
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_foreign_server'::regclass AND e.objid = s.oid AND e.deptype = 'e')
ORDER BY s.srvname
