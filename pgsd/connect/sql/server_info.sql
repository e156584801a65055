-- Facts about the server and the connected role, read once per side.
SELECT
    current_setting('server_version')                         AS version,
    current_setting('server_version_num')::int                AS version_num,
    current_user                                              AS current_user,
    current_database()                                        AS current_database,
    coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS is_superuser,
    pg_is_in_recovery()                                       AS in_recovery,
    pg_encoding_to_char(d.encoding)                           AS encoding,
    has_database_privilege(current_database(), 'CREATE')     AS can_create_in_database,
    -- pg_subscription keeps connection strings: subconninfo is for superusers only
    ARRAY(SELECT a.attname::text FROM pg_attribute a
          WHERE a.attrelid = 'pg_catalog.pg_subscription'::regclass AND a.attnum > 0 AND NOT a.attisdropped
            AND NOT has_column_privilege(a.attrelid, a.attnum, 'SELECT')
          ORDER BY a.attnum)                                  AS unreadable_subscription_columns
FROM pg_database d
WHERE d.datname = current_database()
