CREATE TYPE address AS (street text, city text);
COMMENT ON COLUMN address.city IS 'old note';
CREATE TYPE point2 AS (x int, y int);
COMMENT ON COLUMN point2.x IS 'across';
CREATE DOMAIN code AS varchar(5);
CREATE TABLE shops (id int PRIMARY KEY, addr address, at point2, c code);
INSERT INTO shops VALUES (1, '(Main St,Springfield)', '(1,2)', 'ab');
