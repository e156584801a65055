-- Ordering dependencies: every normal ('n') and automatic ('a') pg_depend row whose
-- dependent is a user object. Catalogs come as names (pg_class, pg_type, ...) so the
-- loader can look both ends up in the OID map. Extra columns let the loader redirect:
--   rule_rel / is_return_rule  a rule counts as its view (_RETURN) or as a rule of rule_rel;
--   ad_rel / ad_num            a column default counts as its column;
--   parent_rel                 the table the dependent lives in (edges to it are implied);
--   ref_extension              the extension a referenced object belongs to, so an object
--                              using an extension's type or function depends on the extension;
--   unmodelled                 for a dependent of a kind pgsd may not model (an operator, a
--                              cast, a text search object: not an extension's member), its
--                              description: an edge from it still blocks a plan that drops what
--                              it uses.
-- A partition's index attached to its parent's index ('P') maps to something only when it
-- backs a constraint of the partition's own (attached and inherited copies are not
-- objects). The edge is turned round: the parent's index depends on that constraint. It is
-- created after it (CREATE INDEX adopts the partition's index, as in the source, instead of
-- making another), and goes before it (the constraint cannot be dropped while the index is
-- attached); dropping the parent's index alone takes the constraint along (IndexRenderer).
-- References to system objects (OID < 16384) can never map, except to schema public.
-- Rows that could only produce dropped edges are filtered here, as they are numerous
-- (three per table column with a default or in an index): a column default's 'a' link
-- to its own column, and a sequence's OWNED BY ('a') link to its column (that is
-- Sequence.owned_by; the column's default already depends on the sequence), and every
-- link of a PostgreSQL 18 NOT NULL constraint (contype 'n': Column.not_null carries
-- it, so it is never an object; a third of all rows at 2,000 tables).
-- Nor do rows that could only produce an edge the loader drops, filtered here where a
-- join the query makes anyway (or one hashed lookup) tells: a reference to a TOAST table
-- (its index's links to chunk_id and chunk_seq: a third of the edges left out, 3,750 of
-- 11,000 at 2,000 tables; pgsd registers no TOAST table), an index's link to its own
-- table (an edge to the object's parent) and a domain constraint's link to its own domain
-- (the constraint is registered as the domain: a self-edge). 35,000 rows -> 30,300 a side
-- at 2,000 tables, the same edges.
-- A referenced object's extension is looked up from the extensions made after initdb
-- (OID >= 16384: plpgsql's members are system objects, never a kept row's reference),
-- through pg_depend's index on the referenced object, instead of a second scan of all
-- of pg_depend for its 'e' rows: none at all when no extension was created.
-- Server CPU a side at 2,000 tables, after pgsd's other queries in the same transaction
-- (bench/floor.py, 4 runs each): PostgreSQL 15 0.8-1.2 s -> 0.19-0.27 s, nearly all of it
-- the TOAST rows (0.18 s with that filter alone, cold: each cost PG 15 about 0.2 ms);
-- PostgreSQL 18 0.14-0.18 s -> 0.14-0.15 s. Receiving the rows: 50 -> 40 ms.
-- Catalog names come from regclass output, and a trigger's or policy's table from a probe
-- made for those rows only: joining pg_class twice and all of pg_trigger for every row
-- was a sixth of the query (115 ms -> 96 ms a side at 2,000 tables, 640 -> 525 at 10,000).
SELECT d.classid::regclass::text AS cat,
       CASE WHEN d.deptype = 'P' THEN d.refobjid ELSE d.objid END AS objid,
       d.objsubid,
       d.refclassid::regclass::text AS refcat,
       CASE WHEN d.deptype = 'P' THEN d.objid ELSE d.refobjid END AS refobjid,
       d.refobjsubid,
       rw.ev_class AS rule_rel,
       rw.rulename = '_RETURN' AS is_return_rule,
       ad.adrelid AS ad_rel,
       ad.adnum AS ad_num,
       CASE
           WHEN d.deptype = 'P' THEN NULL
           WHEN d.classid = 'pg_class'::regclass AND d.objsubid > 0 THEN d.objid
           WHEN d.classid = 'pg_class'::regclass THEN ix.indrelid
           WHEN d.classid = 'pg_constraint'::regclass THEN nullif(con.conrelid, 0)
           WHEN d.classid = 'pg_trigger'::regclass THEN (SELECT tg.tgrelid FROM pg_trigger tg WHERE tg.oid = d.objid)
           WHEN d.classid = 'pg_policy'::regclass THEN (SELECT pol.polrelid FROM pg_policy pol WHERE pol.oid = d.objid)
           WHEN d.classid = 'pg_rewrite'::regclass AND rw.rulename <> '_RETURN' THEN rw.ev_class
           WHEN d.classid = 'pg_attrdef'::regclass THEN ad.adrelid
       END AS parent_rel,
       ext.refobjid AS ref_extension,
       CASE
           WHEN d.classid IN ('pg_operator'::regclass, 'pg_opclass'::regclass, 'pg_opfamily'::regclass,
                              'pg_amop'::regclass, 'pg_amproc'::regclass, 'pg_cast'::regclass,
                              'pg_conversion'::regclass, 'pg_transform'::regclass, 'pg_language'::regclass,
                              'pg_am'::regclass, 'pg_ts_config'::regclass, 'pg_ts_dict'::regclass,
                              'pg_ts_parser'::regclass, 'pg_ts_template'::regclass)
                AND NOT EXISTS (SELECT FROM pg_depend m
                                WHERE m.classid = d.classid AND m.objid = d.objid AND m.deptype = 'e')
           THEN pg_describe_object(d.classid, d.objid, d.objsubid)
       END AS unmodelled
FROM pg_depend d
LEFT JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND rw.oid = d.objid
LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
LEFT JOIN pg_index ix ON d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND ix.indexrelid = d.objid
LEFT JOIN pg_constraint con ON d.classid = 'pg_constraint'::regclass AND con.oid = d.objid
LEFT JOIN pg_sequence sq ON d.classid = 'pg_class'::regclass AND sq.seqrelid = d.objid
LEFT JOIN (SELECT e.classid, e.objid, e.refobjid
           FROM pg_extension x
           JOIN pg_depend e ON e.refclassid = 'pg_extension'::regclass AND e.refobjid = x.oid AND e.deptype = 'e'
           WHERE x.oid >= 16384 AND e.objsubid = 0) ext
       ON ext.classid = d.refclassid AND ext.objid = d.refobjid
WHERE (d.deptype IN ('n', 'a')
       OR (d.deptype = 'P' AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass))
  AND d.objid >= 16384
  AND (d.refobjid >= 16384 OR d.refclassid = 'pg_namespace'::regclass)
  AND NOT (d.deptype = 'a' AND d.classid = 'pg_attrdef'::regclass)
  AND NOT (d.deptype = 'a' AND d.refobjsubid > 0 AND sq.seqrelid IS NOT NULL)
  AND con.contype IS DISTINCT FROM 'n'
  AND NOT (d.refclassid = 'pg_class'::regclass
           AND d.refobjid IN (SELECT t.reltoastrelid FROM pg_class t WHERE t.reltoastrelid <> 0))
  AND (ix.indrelid IS DISTINCT FROM d.refobjid OR d.refclassid <> 'pg_class'::regclass OR d.refobjsubid <> 0)
  AND (con.contypid IS DISTINCT FROM d.refobjid OR d.refclassid <> 'pg_type'::regclass)
