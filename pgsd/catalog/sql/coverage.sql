-- Coverage: how many user objects exist of kinds pgsd does not compare, so a report can
-- say what a comparison did not look at. Not counted: system objects (OID < 16384),
-- extension members, and objects created implicitly with another (an internal 'i'
-- dependency, e.g. a base type's array type). Kinds that live in a schema honour the
-- schema filters; database-wide kinds (access methods, security labels, large objects)
-- do not. Members added to a built-in operator family
-- (ALTER OPERATOR FAMILY pg_catalog.x ADD ...) are counted, as the family is not compared.
SELECT 'access_method' AS kind, count(*) AS n
    FROM pg_am x
    WHERE x.oid >= 16384
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_am'::regclass AND e.objid = x.oid AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'operator_family_member' AS kind, count(*) AS n
    FROM (SELECT 'pg_amop'::regclass AS cat, amopfamily AS family, oid FROM pg_amop
          UNION ALL SELECT 'pg_amproc'::regclass, amprocfamily, oid FROM pg_amproc) x
    WHERE x.oid >= 16384 AND x.family < 16384
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = x.cat AND e.objid = x.oid AND e.deptype = 'e')
UNION ALL
SELECT 'security_label' AS kind, count(*) AS n
    FROM pg_seclabel x
    WHERE x.objoid >= 16384
UNION ALL
SELECT 'large_object' AS kind, count(*) AS n
    FROM pg_largeobject_metadata x
