-- Functions, procedures, aggregates and window functions, not extension members.
-- PostgreSQL 14+: a SQL-standard body (BEGIN ATOMIC, RETURN expr) is parsed and stored
-- in prosqlbody, so its references are tracked (functions.sql differs only here).
-- pg_get_functiondef rejects aggregates; their CREATE AGGREGATE is built in Python
-- from the pg_aggregate columns (regproc prints names qualified unless visible on
-- search_path, which is pg_catalog only while reading).
SELECT p.oid,
       n.nspname                                   AS schema_name,
       p.proname                                   AS name,
       p.prokind                                   AS routine_kind,
       pg_get_function_identity_arguments(p.oid)   AS identity_arguments,
       oidvectortypes(p.proargtypes)               AS argument_types,
       pg_get_function_arguments(p.oid)            AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS result,
       l.lanname                                   AS language,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END     AS definition,
       p.provolatile                               AS volatility,
       p.proisstrict                               AS strict,
       p.prosecdef                                 AS security_definer,
       p.proleakproof                              AS leakproof,
       p.proparallel                               AS parallel,
       p.procost                                   AS cost,
       p.prorows                                   AS rows,
       p.proconfig                                 AS config,
       p.prosqlbody IS NOT NULL                    AS has_sql_body,
       pg_get_userbyid(p.proowner)                 AS owner,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0) AS comment,
       coalesce(p.proacl, acldefault('f', p.proowner))::text[] AS acl,
       ag.aggkind                                  AS agg_kind,
       CASE WHEN ag.aggtransfn <> 0 THEN ag.aggtransfn::regproc::text END       AS agg_sfunc,
       format_type(ag.aggtranstype, NULL)          AS agg_stype,
       ag.aggtransspace                            AS agg_sspace,
       CASE WHEN ag.aggfinalfn <> 0 THEN ag.aggfinalfn::regproc::text END       AS agg_finalfunc,
       ag.aggfinalextra                            AS agg_finalextra,
       ag.aggfinalmodify                           AS agg_finalmodify,
       CASE WHEN ag.aggcombinefn <> 0 THEN ag.aggcombinefn::regproc::text END   AS agg_combinefunc,
       CASE WHEN ag.aggserialfn <> 0 THEN ag.aggserialfn::regproc::text END     AS agg_serialfunc,
       CASE WHEN ag.aggdeserialfn <> 0 THEN ag.aggdeserialfn::regproc::text END AS agg_deserialfunc,
       ag.agginitval                               AS agg_initcond,
       CASE WHEN ag.aggmtransfn <> 0 THEN ag.aggmtransfn::regproc::text END     AS agg_msfunc,
       CASE WHEN ag.aggminvtransfn <> 0 THEN ag.aggminvtransfn::regproc::text END AS agg_minvfunc,
       CASE WHEN ag.aggmtranstype <> 0 THEN format_type(ag.aggmtranstype, NULL) END AS agg_mstype,
       ag.aggmtransspace                           AS agg_msspace,
       CASE WHEN ag.aggmfinalfn <> 0 THEN ag.aggmfinalfn::regproc::text END     AS agg_mfinalfunc,
       ag.aggmfinalextra                           AS agg_mfinalextra,
       ag.aggmfinalmodify                          AS agg_mfinalmodify,
       ag.aggminitval                              AS agg_minitcond,
       so.oprname                                  AS agg_sortop,
       son.nspname                                 AS agg_sortop_schema
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
LEFT JOIN pg_operator so ON so.oid = ag.aggsortop
LEFT JOIN pg_namespace son ON son.oid = so.oprnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (cardinality(%(include_schemas)s::text[]) = 0 OR n.nspname = ANY(%(include_schemas)s::text[]))
  AND NOT (n.nspname = ANY(%(exclude_schemas)s::text[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, p.oid
