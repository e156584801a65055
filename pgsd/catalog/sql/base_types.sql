-- Base types (defined with input/output functions) and shell types (CREATE TYPE name,
-- not defined yet), not extension members and not made implicitly with another object
-- (a base type's array type depends on it internally). Functions print as regproc;
-- support_functions lists the user-defined ones as [schema, name, argument types] so the
-- loader can build their keys. A NULL typacl is the default (USAGE to PUBLIC).
-- PostgreSQL 13 has no subscript functions (typsubscript is 14+: see base_types.pg14).
SELECT t.oid,
       n.nspname AS schema_name,
       t.typname AS name,
       pg_get_userbyid(t.typowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0) AS comment,
       coalesce(t.typacl, acldefault('T', t.typowner))::text[] AS acl,
       t.typisdefined AS is_defined,
       t.typinput::regproc::text AS input,
       t.typoutput::regproc::text AS output,
       nullif(t.typreceive, 0)::regproc::text AS receive,
       nullif(t.typsend, 0)::regproc::text AS send,
       nullif(t.typmodin, 0)::regproc::text AS typmod_in,
       nullif(t.typmodout, 0)::regproc::text AS typmod_out,
       nullif(t.typanalyze, 0)::regproc::text AS analyze,
       NULL::text AS subscript,
       t.typlen AS internal_length,
       t.typbyval AS passed_by_value,
       t.typalign AS alignment,
       t.typstorage AS storage,
       t.typcategory AS category,
       t.typispreferred AS preferred,
       t.typdefault AS "default",
       CASE WHEN t.typelem <> 0 THEN format_type(t.typelem, NULL) END AS element,
       t.typdelim AS delimiter,
       t.typcollation <> 0 AS collatable,
       (SELECT coalesce(json_agg(json_build_array(pn.nspname, p.proname, oidvectortypes(p.proargtypes))), '[]'::json)
        FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE p.oid >= 16384
          AND p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout,
                        t.typanalyze)) AS support_functions
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
-- typarray <> 0 first: it leaves out the implicit array types (of every table's row type
-- too) before the pg_depend probe, a third of the time at 5,000 tables
WHERE ((t.typtype = 'b' AND t.typarray <> 0) OR (t.typtype = 'p' AND NOT t.typisdefined))
  AND t.typrelid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype IN ('e', 'i'))
ORDER BY n.nspname, t.typname
