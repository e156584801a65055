-- PostgreSQL 16: password_required, run_as_owner, origin; streaming a "char" (t, f, p).
-- Subscriptions of the current database (pg_subscription is shared: filtered by subdbid),
-- as definitions only: no state (pg_subscription_rel, subskiplsn). Every column is
-- granted to PUBLIC except subconninfo, which only superusers (and pg_read_all_data)
-- may read: for other roles the query is read with NULL in its place (see
-- pgsd.catalog.context.query_for) and the loader says what could not be read. The
-- password in the connection string is masked by the loader, before anything keeps it.
-- Comments on subscriptions are in pg_description (not the shared pg_shdescription).
SELECT s.oid,
       s.subname                      AS name,
       pg_get_userbyid(s.subowner)    AS owner,
       s.subenabled                   AS enabled,
       s.subconninfo                  AS conninfo,
       s.subslotname                  AS slot_name,
       s.subsynccommit                AS synchronous_commit,
       s.subpublications              AS publications,
       s.subbinary AS binary,
       CASE s.substream WHEN 't' THEN 'on' WHEN 'p' THEN 'parallel' ELSE 'off' END AS streaming,
       s.subtwophasestate <> 'd' AS two_phase,
       s.subdisableonerr AS disable_on_error,
       s.subpasswordrequired AS password_required,
       s.subrunasowner AS run_as_owner,
       s.suborigin AS origin,
       false AS failover,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = s.oid AND d.classoid = 'pg_subscription'::regclass AND d.objsubid = 0) AS comment
FROM pg_subscription s
WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY s.subname
