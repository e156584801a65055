CREATE TYPE amount AS (value numeric(10,2), currency char(3));
CREATE TYPE pair AS (a int, b text);
CREATE TABLE orders (id int PRIMARY KEY, total amount NOT NULL, parts amount[]);
CREATE TABLE pairs OF pair (PRIMARY KEY (a));
INSERT INTO orders VALUES (1, '(12.50,EUR)', '{"(1.00,EUR)"}'), (2, '(3.00,USD)', NULL);
INSERT INTO pairs VALUES (1, 'one'), (2, NULL);
