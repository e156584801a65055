CREATE TABLE payment (id int PRIMARY KEY, amount int NOT NULL DEFAULT 0, note varchar(20));
CREATE VIEW big_payments AS SELECT id, amount FROM payment WHERE amount > 100;
INSERT INTO payment VALUES (1, 50, 'x'), (2, 500, NULL), (3, 2000000000, 'big');
