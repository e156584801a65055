-- The columns of the catalog tables pgsd reads that the current role may not read
-- (an administrator revoked them, e.g. pg_proc's function bodies). %(tables)s: names in
-- pg_catalog; a table this server does not have is skipped.
SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum) AS columns
FROM unnest(%(tables)s::text[]) AS t(name)
JOIN pg_class c ON c.oid = to_regclass('pg_catalog.' || quote_ident(t.name))
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE NOT has_column_privilege(c.oid, a.attnum, 'SELECT')
GROUP BY c.relname
ORDER BY c.relname
