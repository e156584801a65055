-- Publications, PostgreSQL 15-17: per-table column lists (prattrs) and row filters
-- (prqual), and TABLES IN SCHEMA (pg_publication_namespace). The row filter is printed
-- pretty (no redundant outer parentheses); the loader wraps it in WHERE (...).
SELECT p.oid,
       p.pubname                      AS name,
       pg_get_userbyid(p.pubowner)    AS owner,
       p.puballtables                 AS all_tables,
       p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
       p.pubviaroot                   AS via_root,
       'n'::"char"                    AS gencols,
       ARRAY(SELECT jsonb_build_object(
                        'oid', pr.oid,
                        'schema', tn.nspname,
                        'table', c.relname,
                        'columns', (SELECT jsonb_agg(a.attname ORDER BY k.ord)
                                    FROM unnest(pr.prattrs::int2[]) WITH ORDINALITY AS k(attnum, ord)
                                    JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k.attnum),
                        'where', pg_get_expr(pr.prqual, pr.prrelid, true))
             FROM pg_publication_rel pr
             JOIN pg_class c ON c.oid = pr.prrelid
             JOIN pg_namespace tn ON tn.oid = c.relnamespace
             WHERE pr.prpubid = p.oid) AS tables,
       ARRAY(SELECT sn.nspname::text
             FROM pg_publication_namespace pn
             JOIN pg_namespace sn ON sn.oid = pn.pnnspid
             WHERE pn.pnpubid = p.oid)  AS schemas,
       ARRAY(SELECT pn.oid FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid) AS schema_entry_oids,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = p.oid AND d.classoid = 'pg_publication'::regclass AND d.objsubid = 0) AS comment
FROM pg_publication p
WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_publication'::regclass AND e.objid = p.oid AND e.deptype = 'e')
ORDER BY p.pubname
