CREATE TABLE t (id int PRIMARY KEY, body text, n int);
CREATE INDEX t_n ON t (n);
CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
INSERT INTO t VALUES (1, repeat('x', 5000), 5), (2, NULL, -1);
