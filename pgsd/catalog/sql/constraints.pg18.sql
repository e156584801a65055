-- Constraints, PostgreSQL 18+: NOT ENFORCED constraints (conenforced).
-- Table constraints p, u, f, c, x defined on the table itself (conislocal): inherited
-- and partition-cloned copies come from their parent. PostgreSQL 18's NOT NULL
-- constraints (contype n) are left out: Column.not_null carries them. For p/u/x the
-- backing index's OID, name and comment come along; for f, the referenced table's names.
-- NO INHERIT is reported for CHECK constraints only: the server sets connoinherit on
-- primary keys too, where it cannot be changed and means nothing to a diff.
-- Comments: only objects that have one are probed (a hashed IN over the comments,
-- read once), as in columns.sql.
SELECT k.oid,
       k.conrelid,
       ic.oid AS index_oid,
       k.conname AS name,
       k.contype AS type,
       pg_get_constraintdef(k.oid) AS definition,
       k.condeferrable AS deferrable,
       k.condeferred AS deferred,
       k.convalidated AS validated,
       k.conenforced AS enforced,
       k.contype = 'c' AND k.connoinherit AS no_inherit,
       k.conislocal AS is_local,
       rn.nspname AS ref_schema,
       rc.relname AS ref_name,
       ic.relname AS index_name,
       CASE WHEN k.oid IN (SELECT dc.objoid FROM pg_description dc WHERE dc.classoid = 'pg_constraint'::regclass)
            THEN (SELECT d.description FROM pg_description d
                  WHERE d.objoid = k.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0)
       END AS comment,
       CASE WHEN ic.oid IN (SELECT dc.objoid FROM pg_description dc
                            WHERE dc.classoid = 'pg_class'::regclass AND dc.objsubid = 0)
            THEN (SELECT d.description FROM pg_description d
                  WHERE d.objoid = ic.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0)
       END AS index_comment
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = k.confrelid AND k.contype = 'f'
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_class ic ON ic.oid = k.conindid AND k.contype IN ('p', 'u', 'x')
WHERE k.contype IN ('p', 'u', 'f', 'c', 'x')
  AND k.conislocal
  AND c.relkind IN ('r', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
