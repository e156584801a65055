CREATE TABLE items (id int PRIMARY KEY, price numeric);
CREATE VIEW cheap_items AS SELECT id, price FROM items WHERE price < 10;
CREATE FUNCTION cheap_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM cheap_items $$;
INSERT INTO items VALUES (1, 5), (2, 50);
