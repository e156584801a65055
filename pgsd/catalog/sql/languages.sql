-- Procedural languages created in this database (database-wide: no schema filter), not
-- extension members: plpgsql, which every database has, belongs to its extension.
-- A NULL lanacl is the default (USAGE to PUBLIC and the owner), expanded by acldefault.
SELECT l.oid,
       l.lanname AS name,
       pg_get_userbyid(l.lanowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = l.oid AND d.classoid = 'pg_language'::regclass AND d.objsubid = 0) AS comment,
       coalesce(l.lanacl, acldefault('l', l.lanowner))::text[] AS acl,
       l.lanpltrusted AS trusted,
       CASE WHEN l.lanplcallfoid <> 0 THEN l.lanplcallfoid::regproc::text END AS handler,
       CASE WHEN l.laninline <> 0 THEN l.laninline::regproc::text END AS inline,
       CASE WHEN l.lanvalidator <> 0 THEN l.lanvalidator::regproc::text END AS validator
FROM pg_language l
WHERE l.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_language'::regclass AND e.objid = l.oid AND e.deptype = 'e')
ORDER BY l.lanname
