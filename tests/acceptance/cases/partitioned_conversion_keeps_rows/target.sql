-- Tables made anew with their rows: plain to partitioned (referenced by a foreign key, with
-- an identity column, a trigger and a view), and a partition key that changes.
CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY, region int NOT NULL, total numeric(10,2),
                     PRIMARY KEY (id, region));
CREATE TABLE lines (order_id int, region int, qty int, FOREIGN KEY (order_id, region) REFERENCES orders);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.total := NEW.total + 1000; RETURN NEW; END $$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE VIEW big_orders AS SELECT id, region FROM orders WHERE total > 1010;
INSERT INTO orders (region, total) VALUES (1, 10.5), (2, 20), (1, NULL);
INSERT INTO lines VALUES (1, 1, 3), (2, 2, 1);

CREATE TABLE readings (sensor int NOT NULL, at date NOT NULL, val float8) PARTITION BY RANGE (at);
CREATE TABLE readings_old PARTITION OF readings FOR VALUES FROM ('2000-01-01') TO ('2025-01-01');
CREATE TABLE readings_new PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2100-01-01');
INSERT INTO readings VALUES (1, '2020-01-01', 1.5), (2, '2025-06-01', 2.5), (3, '2026-01-01', NULL);

CREATE TABLE s (id serial PRIMARY KEY, v text);
INSERT INTO s (v) VALUES ('a'), ('b'), ('c');

CREATE TABLE r (a int NOT NULL, b int NOT NULL) PARTITION BY RANGE (a);
CREATE TABLE r1 PARTITION OF r FOR VALUES FROM (0) TO (10);
CREATE TABLE r2 PARTITION OF r FOR VALUES FROM (10) TO (20);
INSERT INTO r VALUES (1, 1), (11, 2), (12, 1);
