-- User mappings through pg_user_mappings, which hides umoptions from roles that may
-- not read them (pg_user_mapping itself is superuser-only). options_readable repeats
-- the view's own visibility rule, so "no options" and "hidden" can be told apart.
SELECT um.umid                        AS oid,
       um.srvid,
       um.srvname                     AS server,
       CASE WHEN um.umuser = 0 THEN 'PUBLIC' ELSE um.usename::text END AS name,
       um.umoptions                   AS options,
       (   (um.umuser <> 0 AND um.usename = current_user
            AND (pg_has_role(s.srvowner, 'USAGE') OR has_server_privilege(s.oid, 'USAGE')))
        OR (um.umuser = 0 AND pg_has_role(s.srvowner, 'USAGE'))
        OR coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false)
       )                              AS options_readable
FROM pg_user_mappings um
JOIN pg_foreign_server s ON s.oid = um.srvid
ORDER BY um.srvname, 4
