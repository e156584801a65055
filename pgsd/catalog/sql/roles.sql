-- Roles of the cluster (read only with --roles): not the predefined pg_* roles nor the
-- bootstrap superuser (OID < 16384), never a password (pg_roles shows none). Memberships
-- as names (with the admin option apart); settings for every database (setdatabase 0)
-- and for this database. pg_roles, pg_auth_members, pg_db_role_setting and
-- pg_shdescription are readable by every role.
SELECT r.oid,
       r.rolname AS name,
       (SELECT d.description FROM pg_shdescription d
        WHERE d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass) AS comment,
       r.rolsuper AS superuser,
       r.rolcreatedb AS create_db,
       r.rolcreaterole AS create_role,
       r.rolinherit AS inherit,
       r.rolcanlogin AS login,
       r.rolreplication AS replication,
       r.rolbypassrls AS bypass_rls,
       r.rolconnlimit AS connection_limit,
       r.rolvaliduntil::text AS valid_until,
       ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid ORDER BY 1) AS member_of,
       ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid AND m.admin_option ORDER BY 1) AS admin_of,
       (SELECT s.setconfig FROM pg_db_role_setting s
        WHERE s.setrole = r.oid AND s.setdatabase = 0) AS settings,
       (SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database db ON db.oid = s.setdatabase
        WHERE s.setrole = r.oid AND db.datname = current_database()) AS database_settings
FROM pg_roles r
WHERE r.oid >= 16384
  AND r.rolname !~ '^pg_'
ORDER BY r.rolname
