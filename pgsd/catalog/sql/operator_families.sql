-- User operator families, not extension members, with their loose members: operators
-- (pg_amop) and support functions (pg_amproc) added with ALTER OPERATOR FAMILY, which
-- depend on the family itself ('a'); a class's members depend on the class ('i') and are
-- listed with it (operator_classes). Each member comes as a JSON array
-- [oid, member, number, left type, right type, target schema, target, order-by family
-- schema, order-by family name]; an operator's target is its symbol, a function's its
-- regprocedure (already qualified), with the schema column then NULL.
SELECT f.oid,
       n.nspname AS schema_name,
       f.opfname AS name,
       pg_get_userbyid(f.opfowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = f.oid AND d.classoid = 'pg_opfamily'::regclass AND d.objsubid = 0) AS comment,
       am.amname AS method,
       (SELECT coalesce(json_agg(m.item), '[]'::json) FROM (
            SELECT json_build_array(ao.oid, 'operator', ao.amopstrategy, format_type(ao.amoplefttype, NULL),
                                    format_type(ao.amoprighttype, NULL), opn.nspname, op.oprname,
                                    sfn.nspname, sf.opfname) AS item
            FROM pg_amop ao
            JOIN pg_operator op ON op.oid = ao.amopopr
            JOIN pg_namespace opn ON opn.oid = op.oprnamespace
            LEFT JOIN pg_opfamily sf ON sf.oid = ao.amopsortfamily
            LEFT JOIN pg_namespace sfn ON sfn.oid = sf.opfnamespace
            WHERE ao.amopfamily = f.oid
              AND EXISTS (SELECT 1 FROM pg_depend dd
                          WHERE dd.classid = 'pg_amop'::regclass AND dd.objid = ao.oid
                            AND dd.refclassid = 'pg_opfamily'::regclass AND dd.deptype = 'a')
            UNION ALL
            SELECT json_build_array(ap.oid, 'function', ap.amprocnum, format_type(ap.amproclefttype, NULL),
                                    format_type(ap.amprocrighttype, NULL), NULL, ap.amproc::regprocedure::text,
                                    NULL, NULL)
            FROM pg_amproc ap
            WHERE ap.amprocfamily = f.oid
              AND EXISTS (SELECT 1 FROM pg_depend dd
                          WHERE dd.classid = 'pg_amproc'::regclass AND dd.objid = ap.oid
                            AND dd.refclassid = 'pg_opfamily'::regclass AND dd.deptype = 'a')
        ) m) AS members
FROM pg_opfamily f
JOIN pg_namespace n ON n.oid = f.opfnamespace
JOIN pg_am am ON am.oid = f.opfmethod
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_opfamily'::regclass AND e.objid = f.oid AND e.deptype = 'e')
ORDER BY n.nspname, f.opfname, am.amname
