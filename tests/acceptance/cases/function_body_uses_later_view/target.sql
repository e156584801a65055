CREATE TABLE items (id int PRIMARY KEY, price numeric);
INSERT INTO items VALUES (3, 7);
