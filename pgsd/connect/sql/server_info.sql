-- Facts about the server and the connected role, read once per side.
SELECT
    current_setting('server_version')                         AS version,
    current_setting('server_version_num')::int                AS version_num,
    current_user                                              AS current_user,
    current_database()                                        AS current_database,
    coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS is_superuser,
    pg_is_in_recovery()                                       AS in_recovery,
    pg_encoding_to_char(d.encoding)                           AS encoding,
    has_database_privilege(current_database(), 'CREATE')     AS can_create_in_database
FROM pg_database d
WHERE d.datname = current_database()
