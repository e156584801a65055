DO $$ BEGIN CREATE ROLE pgsd_case_role; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE TABLE t (id int, secret text);
CREATE SEQUENCE s;
GRANT SELECT ON t TO PUBLIC;
INSERT INTO t VALUES (1, 'a'), (2, 'it''s'), (3, NULL);
