CREATE DOMAIN sku AS varchar(16);
CREATE TABLE products (id int PRIMARY KEY, code sku NOT NULL);
CREATE FUNCTION normalise(c sku) RETURNS text LANGUAGE sql IMMUTABLE RETURN upper(c);
INSERT INTO products VALUES (3, 'xyz');
