-- Security labels of this database's objects, and whether a label provider may be loaded.
-- pgsd does not compare security labels; this says how many there are, which providers
-- they name, and which libraries the server preloads: a label provider is a loaded
-- module (sepgsql, anon, pgsodium, ...), and there is no catalog listing them. The
-- preload settings are superuser-only for some roles: pg_settings then hides the row
-- (NULL), it never refuses.
SELECT (SELECT count(*) FROM pg_seclabel x WHERE x.objoid >= 16384)                     AS labels,
       ARRAY(SELECT DISTINCT x.provider FROM pg_seclabel x WHERE x.objoid >= 16384 ORDER BY 1) AS providers,
       (SELECT s.setting FROM pg_settings s WHERE s.name = 'shared_preload_libraries')  AS shared_preload,
       (SELECT s.setting FROM pg_settings s WHERE s.name = 'session_preload_libraries') AS session_preload,
       (SELECT s.setting FROM pg_settings s WHERE s.name = 'local_preload_libraries')   AS local_preload
