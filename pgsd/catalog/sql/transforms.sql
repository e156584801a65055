-- Transforms (database-wide: no schema filter), not extension members; the type as
-- format_type, the functions as regprocedure (see casts).
SELECT t.oid,
       format_type(t.trftype, NULL) AS type,
       l.lanname AS language,
       CASE WHEN t.trffromsql <> 0 THEN t.trffromsql::regprocedure::text END AS from_sql,
       CASE WHEN t.trftosql <> 0 THEN t.trftosql::regprocedure::text END AS to_sql,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_transform'::regclass AND d.objsubid = 0) AS comment
FROM pg_transform t
JOIN pg_language l ON l.oid = t.trflang
WHERE t.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_transform'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 2, 3
