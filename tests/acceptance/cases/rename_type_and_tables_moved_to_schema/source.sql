CREATE SCHEMA app;
CREATE SCHEMA sales;
CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE sales.customer (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE sales.orders (
    id bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES sales.customer (id),
    status sales.status NOT NULL DEFAULT 'new'
);
CREATE INDEX orders_customer_idx ON sales.orders (customer_id);
CREATE VIEW app.open_orders AS SELECT o.id, c.name FROM sales.orders o JOIN sales.customer c ON c.id = o.customer_id
    WHERE o.status <> 'shipped';
INSERT INTO sales.customer VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO sales.orders (customer_id, status) VALUES (1, 'paid'), (2, 'new'), (2, 'shipped');
