CREATE TABLE t (id int PRIMARY KEY, price numeric(10,2) DEFAULT 0, code varchar(10));
CREATE VIEW v AS SELECT id, price, code FROM t;
CREATE VIEW vv AS SELECT id, price FROM v;
INSERT INTO t VALUES (1, 9.99, '42');
INSERT INTO t VALUES (2, 0.5, NULL), (3, NULL, '-7');
