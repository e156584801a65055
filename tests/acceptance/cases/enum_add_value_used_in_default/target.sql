CREATE TYPE status AS ENUM ('new', 'shipped');
CREATE TABLE orders (id int PRIMARY KEY, s status DEFAULT 'new');
