CREATE TYPE status AS ENUM ('new', 'shipped');
CREATE TABLE orders (id int PRIMARY KEY, s status DEFAULT 'new');
INSERT INTO orders VALUES (1, 'new'), (2, 'shipped'), (3, DEFAULT);
