-- User operator classes, not extension members, with their members: the operators and
-- support functions bound to the class (an internal 'i' dependency on it), as JSON
-- arrays shaped as in operator_families.
SELECT c.oid,
       n.nspname AS schema_name,
       c.opcname AS name,
       pg_get_userbyid(c.opcowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_opclass'::regclass AND d.objsubid = 0) AS comment,
       am.amname AS method,
       format_type(c.opcintype, NULL) AS type,
       fn.nspname AS family_schema,
       f.opfname AS family_name,
       c.opcdefault AS is_default,
       CASE WHEN c.opckeytype <> 0 THEN format_type(c.opckeytype, NULL) END AS storage,
       (SELECT coalesce(json_agg(m.item), '[]'::json) FROM (
            SELECT json_build_array(ao.oid, 'operator', ao.amopstrategy, format_type(ao.amoplefttype, NULL),
                                    format_type(ao.amoprighttype, NULL), opn.nspname, op.oprname,
                                    sfn.nspname, sf.opfname) AS item
            FROM pg_depend dd
            JOIN pg_amop ao ON ao.oid = dd.objid
            JOIN pg_operator op ON op.oid = ao.amopopr
            JOIN pg_namespace opn ON opn.oid = op.oprnamespace
            LEFT JOIN pg_opfamily sf ON sf.oid = ao.amopsortfamily
            LEFT JOIN pg_namespace sfn ON sfn.oid = sf.opfnamespace
            WHERE dd.classid = 'pg_amop'::regclass AND dd.refclassid = 'pg_opclass'::regclass
              AND dd.refobjid = c.oid AND dd.deptype = 'i'
            UNION ALL
            SELECT json_build_array(ap.oid, 'function', ap.amprocnum, format_type(ap.amproclefttype, NULL),
                                    format_type(ap.amprocrighttype, NULL), NULL, ap.amproc::regprocedure::text,
                                    NULL, NULL)
            FROM pg_depend dd
            JOIN pg_amproc ap ON ap.oid = dd.objid
            WHERE dd.classid = 'pg_amproc'::regclass AND dd.refclassid = 'pg_opclass'::regclass
              AND dd.refobjid = c.oid AND dd.deptype = 'i'
        ) m) AS members
FROM pg_opclass c
JOIN pg_namespace n ON n.oid = c.opcnamespace
JOIN pg_am am ON am.oid = c.opcmethod
JOIN pg_opfamily f ON f.oid = c.opcfamily
JOIN pg_namespace fn ON fn.oid = f.opfnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_opclass'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.opcname, am.amname
