CREATE SCHEMA app;
CREATE TYPE app.status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE app.customer (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.orders (
    id bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES app.customer (id),
    status app.status NOT NULL DEFAULT 'new'
);
CREATE INDEX orders_customer_idx ON app.orders (customer_id);
CREATE VIEW app.open_orders AS SELECT o.id, c.name FROM app.orders o JOIN app.customer c ON c.id = o.customer_id
    WHERE o.status <> 'shipped';
INSERT INTO app.customer VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO app.orders (customer_id, status) VALUES (1, 'paid'), (2, 'new'), (2, 'shipped');
