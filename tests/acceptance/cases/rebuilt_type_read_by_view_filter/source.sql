CREATE DOMAIN sku AS varchar(16);
CREATE TABLE products (id int PRIMARY KEY, code sku NOT NULL);
CREATE VIEW short_codes AS SELECT id FROM products WHERE length(code) < 4;
INSERT INTO products VALUES (3, 'xyz');
