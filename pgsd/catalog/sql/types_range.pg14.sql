-- Range types, PostgreSQL 14+: each range has a multirange type (rngmultitypid).
-- subtype_opclass only when it is not the default btree opclass; collation only when it
-- differs from the subtype's; canonical/subtype_diff as schema and name (quoted in Python).
SELECT t.oid,
       t.typarray,
       n.nspname AS schema_name,
       t.typname AS name,
       pg_get_userbyid(t.typowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0) AS comment,
       coalesce(t.typacl, acldefault('T', t.typowner))::text[] AS acl,
       format_type(r.rngsubtype, NULL) AS subtype,
       CASE WHEN NOT opc.opcdefault THEN opcn.nspname END AS opclass_schema,
       CASE WHEN NOT opc.opcdefault THEN opc.opcname END AS opclass_name,
       cn.nspname AS collation_schema,
       co.collname AS collation_name,
       canp_n.nspname AS canonical_schema,
       canp.proname AS canonical_name,
       difp_n.nspname AS subdiff_schema,
       difp.proname AS subdiff_name,
       r.rngmultitypid AS multirange_oid,
       mt.typarray AS multirange_array,
       mt.typname AS multirange_name
FROM pg_range r
JOIN pg_type t ON t.oid = r.rngtypid
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc
LEFT JOIN pg_namespace opcn ON opcn.oid = opc.opcnamespace
LEFT JOIN pg_collation co
       ON co.oid = r.rngcollation AND r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_proc canp ON canp.oid = r.rngcanonical
LEFT JOIN pg_namespace canp_n ON canp_n.oid = canp.pronamespace
LEFT JOIN pg_proc difp ON difp.oid = r.rngsubdiff
LEFT JOIN pg_namespace difp_n ON difp_n.oid = difp.pronamespace
LEFT JOIN pg_type mt ON mt.oid = r.rngmultitypid
WHERE t.typtype = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname
