CREATE TYPE status AS ENUM ('new', 'paid', 'shipped', 'it''s done');
CREATE TABLE orders (id int PRIMARY KEY, s status DEFAULT 'paid');
