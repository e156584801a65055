-- Publications, PostgreSQL 13 and 14: tables without column lists or row filters,
-- no schemas (publications.pg15.sql adds them).
SELECT p.oid,
       p.pubname                      AS name,
       pg_get_userbyid(p.pubowner)    AS owner,
       p.puballtables                 AS all_tables,
       p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
       p.pubviaroot                   AS via_root,
       'n'::"char"                    AS gencols,
       ARRAY(SELECT jsonb_build_object('oid', pr.oid, 'schema', tn.nspname, 'table', c.relname)
             FROM pg_publication_rel pr
             JOIN pg_class c ON c.oid = pr.prrelid
             JOIN pg_namespace tn ON tn.oid = c.relnamespace
             WHERE pr.prpubid = p.oid) AS tables,
       '{}'::text[]                   AS schemas,
       '{}'::oid[]                    AS schema_entry_oids,
       (SELECT d.description FROM pg_description d
        WHERE d.objoid = p.oid AND d.classoid = 'pg_publication'::regclass AND d.objsubid = 0) AS comment
FROM pg_publication p
WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend e
      WHERE e.classid = 'pg_publication'::regclass AND e.objid = p.oid AND e.deptype = 'e')
ORDER BY p.pubname
