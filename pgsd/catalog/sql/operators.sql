-- User operators, not extension members and not shells (an operator named only as
-- another's commutator or negator, oprcode 0: it comes back with that operator). Types
-- print as format_type, functions as regproc (search_path is pg_catalog); commutator and
-- negator come as schema and symbol.
SELECT o.oid,
       n.nspname AS schema_name,
       o.oprname AS name,
       pg_get_userbyid(o.oprowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = o.oid AND d.classoid = 'pg_operator'::regclass AND d.objsubid = 0) AS comment,
       CASE WHEN o.oprleft <> 0 THEN format_type(o.oprleft, NULL) ELSE 'NONE' END AS "left",
       CASE WHEN o.oprright <> 0 THEN format_type(o.oprright, NULL) ELSE 'NONE' END AS "right",
       format_type(o.oprresult, NULL) AS result,
       o.oprcode::regproc::text AS function,
       cn.nspname AS commutator_schema, c.oprname AS commutator_name,
       nn.nspname AS negator_schema, ng.oprname AS negator_name,
       CASE WHEN o.oprrest <> 0 THEN o.oprrest::regproc::text END AS restrict,
       CASE WHEN o.oprjoin <> 0 THEN o.oprjoin::regproc::text END AS "join",
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
LEFT JOIN pg_operator c ON c.oid = o.oprcom
LEFT JOIN pg_namespace cn ON cn.oid = c.oprnamespace
LEFT JOIN pg_operator ng ON ng.oid = o.oprnegate
LEFT JOIN pg_namespace nn ON nn.oid = ng.oprnamespace
WHERE o.oprcode <> 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_operator'::regclass AND e.objid = o.oid AND e.deptype = 'e')
ORDER BY n.nspname, o.oprname, 6, 7
