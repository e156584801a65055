-- The columns of the catalog tables pgsd reads that the current role may not read
-- (an administrator revoked them, e.g. pg_proc's). %(tables)s: names in pg_catalog; a
-- table this server does not have is skipped. Columns are looked at only for a table
-- the role may not read whole (a few ms less than checking every column).
WITH not_whole AS MATERIALIZED (
    SELECT c.oid, c.relname
    FROM unnest(%(tables)s::text[]) AS t(name)
    JOIN pg_class c ON c.oid = to_regclass('pg_catalog.' || quote_ident(t.name))
    WHERE NOT has_table_privilege(c.oid, 'SELECT')
)
SELECT w.relname, array_agg(a.attname::text ORDER BY a.attnum) AS columns
FROM not_whole w
JOIN pg_attribute a ON a.attrelid = w.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE NOT has_column_privilege(w.oid, a.attnum, 'SELECT')
GROUP BY w.relname
ORDER BY w.relname
