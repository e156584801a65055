CREATE TABLE payment (id int PRIMARY KEY, total bigint NOT NULL DEFAULT 0, note varchar(40));
CREATE VIEW big_payments AS SELECT id, total AS amount FROM payment WHERE total > 100;
INSERT INTO payment VALUES (1, 50, 'x'), (2, 500, NULL), (3, 2000000000, 'big');
