CREATE TYPE amount AS (currency char(3), value numeric(14,4), note text);
CREATE TYPE pair AS (a bigint, b text, c date);
CREATE TABLE orders (id int PRIMARY KEY, total amount NOT NULL, parts amount[]);
CREATE TABLE pairs OF pair (PRIMARY KEY (a));
INSERT INTO orders VALUES (3, '(GBP,1.2345,gift)', NULL);
INSERT INTO pairs VALUES (5, 'five', '2024-01-01');
