-- Text search configurations, not extension members, with their mappings: one
-- [token alias, [[dictionary schema, dictionary name], ...]] per token type, the
-- dictionaries in the order they are consulted (mapseqno).
SELECT c.oid,
       n.nspname AS schema_name,
       c.cfgname AS name,
       pg_get_userbyid(c.cfgowner) AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_ts_config'::regclass AND d.objsubid = 0) AS comment,
       pn.nspname AS parser_schema,
       p.prsname AS parser_name,
       (SELECT coalesce(json_agg(json_build_array(m.alias, m.dicts) ORDER BY m.alias), '[]'::json)
        FROM (SELECT tt.alias,
                     json_agg(json_build_array(dn.nspname, dt.dictname) ORDER BY cm.mapseqno) AS dicts
              FROM pg_ts_config_map cm
              JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = cm.maptokentype
              JOIN pg_ts_dict dt ON dt.oid = cm.mapdict
              JOIN pg_namespace dn ON dn.oid = dt.dictnamespace
              WHERE cm.mapcfg = c.oid
              GROUP BY tt.alias) m) AS mappings
FROM pg_ts_config c
JOIN pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_namespace pn ON pn.oid = p.prsnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_ts_config'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.cfgname
