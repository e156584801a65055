DO $$ BEGIN CREATE ROLE pgsd_case_role; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE TABLE items (id int PRIMARY KEY, body text, tags text[], qty bigint, note varchar(20), code text,
                    wide text COMPRESSION pglz, stamp timestamp, seen int);
ALTER TABLE items ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE items ALTER COLUMN tags SET STORAGE MAIN;
ALTER TABLE items ALTER COLUMN wide SET STORAGE EXTERNAL;
ALTER TABLE items ALTER COLUMN note SET STORAGE MAIN;
ALTER TABLE items ALTER COLUMN qty SET (n_distinct = -0.5);
ALTER TABLE items ALTER COLUMN note SET (n_distinct = 100, n_distinct_inherited = 200);
GRANT SELECT (id, body), UPDATE (qty) ON items TO pgsd_case_role;
GRANT SELECT (note) ON items TO PUBLIC;
GRANT INSERT (code) ON items TO pgsd_case_role WITH GRANT OPTION;
GRANT SELECT (stamp, seen) ON items TO pgsd_case_role;
INSERT INTO items VALUES (1, 'a', '{x}', 10, 'n1', '7', 'w', NULL, 1), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
