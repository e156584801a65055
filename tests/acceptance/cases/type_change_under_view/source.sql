CREATE TABLE t (id bigint PRIMARY KEY, price numeric(12,2) DEFAULT 1, code integer);
CREATE VIEW v AS SELECT id, price, code FROM t;
CREATE VIEW vv AS SELECT id, price FROM v;
INSERT INTO t VALUES (1, 9.99, 42), (2, NULL, NULL);
