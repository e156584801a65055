CREATE DOMAIN sku AS varchar(8);
CREATE TABLE products (id int PRIMARY KEY, code sku NOT NULL);
CREATE VIEW short_codes AS SELECT id FROM products WHERE length(code) < 4;
INSERT INTO products VALUES (1, 'abc'), (2, 'abcdef');
