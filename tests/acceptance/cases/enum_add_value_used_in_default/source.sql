CREATE TYPE status AS ENUM ('new', 'paid', 'shipped', 'it''s done');
CREATE TABLE orders (id int PRIMARY KEY, s status DEFAULT 'paid');
INSERT INTO orders VALUES (1, 'new'), (2, 'shipped'), (3, NULL);
