CREATE TYPE mood AS ENUM ('ok', 'happy');
CREATE TABLE t (id int, m mood DEFAULT 'ok', ms mood[]);
CREATE VIEW v AS SELECT id, m FROM t;
INSERT INTO t VALUES (2, 'ok', '{happy,ok}'), (3, DEFAULT, NULL);
