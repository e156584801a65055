CREATE TABLE t (id int, name text, qty int);
ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
CREATE VIEW by_id AS SELECT id, name, sum(qty) AS total FROM t GROUP BY id;
INSERT INTO t VALUES (1, 'a', 2), (2, 'b', NULL);
