CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY, region int NOT NULL, total numeric(10,2),
                     PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE orders_1 PARTITION OF orders FOR VALUES IN (1);
CREATE TABLE orders_other PARTITION OF orders DEFAULT;
CREATE TABLE lines (order_id int, region int, qty int, FOREIGN KEY (order_id, region) REFERENCES orders);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.total := NEW.total + 1000; RETURN NEW; END $$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE VIEW big_orders AS SELECT id, region FROM orders WHERE total > 1010;
INSERT INTO orders (region, total) VALUES (1, 10.5), (2, 20), (1, NULL);
INSERT INTO lines VALUES (1, 1, 3), (2, 2, 1);

CREATE TABLE readings (sensor int NOT NULL, at date NOT NULL, val float8) PARTITION BY LIST (sensor);
CREATE TABLE readings_low PARTITION OF readings FOR VALUES IN (1, 2);
CREATE TABLE readings_rest PARTITION OF readings DEFAULT;
INSERT INTO readings VALUES (1, '2020-01-01', 1.5), (2, '2025-06-01', 2.5), (3, '2026-01-01', NULL);

CREATE TABLE s (id serial, v text) PARTITION BY HASH (id);
CREATE TABLE s0 PARTITION OF s FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE s1 PARTITION OF s FOR VALUES WITH (MODULUS 2, REMAINDER 1);
ALTER TABLE s ADD PRIMARY KEY (id);
INSERT INTO s (v) VALUES ('a'), ('b'), ('c');

CREATE TABLE r (a int NOT NULL, b int NOT NULL) PARTITION BY LIST (b);
CREATE TABLE r1 PARTITION OF r FOR VALUES IN (1);
CREATE TABLE r2 PARTITION OF r FOR VALUES IN (2);
INSERT INTO r VALUES (1, 1), (11, 2), (12, 1);
