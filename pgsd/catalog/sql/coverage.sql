-- Coverage: how many user objects exist of kinds pgsd does not model, so a report can say
-- what a comparison did not look at (shell types, made by CREATE TYPE name alone, and
-- base types with their own input/output functions among them). Not counted: system objects (OID < 16384), extension
-- members, and objects created implicitly with another (an internal 'i' dependency, e.g.
-- a range type's cast to its multirange). Kinds that live in a schema honour the schema
-- filters; database-wide kinds (casts, languages, transforms, access methods,
-- subscriptions) do not. pg_subscription is only partly readable by non-superusers: only
-- subdbid (granted to PUBLIC on every version) is referenced.
SELECT 'operator' AS kind, count(*) AS n
    FROM pg_operator x JOIN pg_namespace n ON n.oid = x.oprnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_operator'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'operator_class' AS kind, count(*) AS n
    FROM pg_opclass x JOIN pg_namespace n ON n.oid = x.opcnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_opclass'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'operator_family' AS kind, count(*) AS n
    FROM pg_opfamily x JOIN pg_namespace n ON n.oid = x.opfnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_opfamily'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'text_search_configuration' AS kind, count(*) AS n
    FROM pg_ts_config x JOIN pg_namespace n ON n.oid = x.cfgnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_ts_config'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'text_search_dictionary' AS kind, count(*) AS n
    FROM pg_ts_dict x JOIN pg_namespace n ON n.oid = x.dictnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_ts_dict'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'text_search_parser' AS kind, count(*) AS n
    FROM pg_ts_parser x JOIN pg_namespace n ON n.oid = x.prsnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_ts_parser'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'text_search_template' AS kind, count(*) AS n
    FROM pg_ts_template x JOIN pg_namespace n ON n.oid = x.tmplnamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_ts_template'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'conversion' AS kind, count(*) AS n
    FROM pg_conversion x JOIN pg_namespace n ON n.oid = x.connamespace
    WHERE x.oid >= 16384
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_conversion'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'shell_type' AS kind, count(*) AS n
    FROM pg_type x JOIN pg_namespace n ON n.oid = x.typnamespace
    WHERE x.oid >= 16384 AND NOT x.typisdefined
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'base_type' AS kind, count(*) AS n
    FROM pg_type x JOIN pg_namespace n ON n.oid = x.typnamespace
    WHERE x.oid >= 16384 AND x.typisdefined AND x.typtype = 'b'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
      AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'cast' AS kind, count(*) AS n
    FROM pg_cast x
    WHERE x.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_cast'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'language' AS kind, count(*) AS n
    FROM pg_language x
    WHERE x.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_language'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'transform' AS kind, count(*) AS n
    FROM pg_transform x
    WHERE x.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_transform'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'access_method' AS kind, count(*) AS n
    FROM pg_am x
    WHERE x.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_am'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'subscription' AS kind, count(*) AS n
    FROM pg_subscription x
    WHERE x.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
