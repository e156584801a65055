DO $$ BEGIN CREATE ROLE pgsd_case_role; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE TABLE items (id int PRIMARY KEY, body text, tags text[], qty int, note text, code int,
                    wide varchar(30) COMPRESSION pglz, stamp bigint, seen int);
ALTER TABLE items ALTER COLUMN tags SET STORAGE EXTERNAL;
ALTER TABLE items ALTER COLUMN wide SET STORAGE EXTERNAL;
ALTER TABLE items ALTER COLUMN note SET STORAGE MAIN;
ALTER TABLE items ALTER COLUMN qty SET (n_distinct = 5);
ALTER TABLE items ALTER COLUMN body SET (n_distinct_inherited = -1);
GRANT SELECT (id), INSERT (qty) ON items TO pgsd_case_role;
GRANT UPDATE (note) ON items TO PUBLIC;
GRANT SELECT (code, stamp, seen) ON items TO pgsd_case_role;
GRANT SELECT ON items TO pgsd_case_role;
INSERT INTO items VALUES (1, 'a', '{x}', 10, 'n1', 7, 'w', 5, 1), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                         (3, repeat('y', 3000), '{}', 3, 'z', NULL, 'v', NULL, 3);
