-- Domains. The default is deparsed from typdefaultbin (like column defaults, so it is
-- qualified under the session's search_path), falling back to the stored text.
-- The collation is reported only when it differs from the base type's. CHECK
-- constraints come aggregated (contype 'c' only: PostgreSQL 17+ also stores the
-- domain's NOT NULL in pg_constraint, which typnotnull already covers).
SELECT t.oid,
       t.typarray,
       n.nspname AS schema_name,
       t.typname AS name,
       pg_get_userbyid(t.typowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0) AS comment,
       coalesce(t.typacl, acldefault('T', t.typowner))::text[] AS acl,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       coalesce(pg_get_expr(t.typdefaultbin, 0), t.typdefault) AS "default",
       t.typnotnull AS not_null,
       cn.nspname AS collation_schema,
       co.collname AS collation_name,
       ck.checks
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation AND t.typcollation <> bt.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN (SELECT k.contypid,
                  json_agg(json_build_object('oid', k.oid,
                                             'name', k.conname,
                                             'definition', pg_get_constraintdef(k.oid),
                                             'validated', k.convalidated,
                                             'comment', (SELECT kd.description FROM pg_description kd
                                                         WHERE kd.objoid = k.oid AND kd.objsubid = 0
                                                           AND kd.classoid = 'pg_constraint'::regclass)
                                             ) ORDER BY k.conname) AS checks
           FROM pg_constraint k
           WHERE k.contypid <> 0 AND k.contype = 'c'
           GROUP BY k.contypid) ck ON ck.contypid = t.oid
WHERE t.typtype = 'd'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname
