-- User casts (database-wide: no schema filter), not extension members and not made
-- implicitly with another object (a range type's cast to its multirange is internal).
-- Types print as format_type and the function as regprocedure, with search_path =
-- pg_catalog: built-ins bare, user objects schema-qualified.
SELECT c.oid,
       format_type(c.castsource, NULL) AS source,
       format_type(c.casttarget, NULL) AS target,
       c.castmethod AS method,
       CASE WHEN c.castfunc <> 0 THEN c.castfunc::regprocedure::text END AS function,
       c.castcontext AS context,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = c.oid AND d.classoid = 'pg_cast'::regclass AND d.objsubid = 0) AS comment
FROM pg_cast c
WHERE c.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_cast'::regclass AND e.objid = c.oid AND e.deptype IN ('e', 'i'))
ORDER BY 2, 3
