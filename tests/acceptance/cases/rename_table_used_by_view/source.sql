CREATE SCHEMA shop;
CREATE TABLE shop.client (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);
CREATE INDEX customer_name_idx ON shop.client (name);
CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES shop.client (id), total numeric(10,2));
CREATE VIEW shop.customer_totals AS
    SELECT c.id, c.name, sum(o.total) AS total FROM shop.client c JOIN shop.orders o ON o.customer_id = c.id GROUP BY c.id, c.name;
CREATE VIEW shop.names AS SELECT client.name FROM shop.client;
INSERT INTO shop.client (name, email) VALUES ('Ann', 'ann@example.com'), ('Bob', NULL);
INSERT INTO shop.orders VALUES (1, 1, 10.50), (2, 1, 3.00), (3, 2, 7.25);
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := trim(NEW.name); RETURN NEW; END $$;
CREATE TRIGGER customer_touch BEFORE INSERT OR UPDATE ON shop.client FOR EACH ROW EXECUTE FUNCTION shop.touch();
ALTER TABLE shop.client ENABLE ROW LEVEL SECURITY;
CREATE POLICY customer_named ON shop.client USING (name <> '' AND client.email IS NOT NULL);
COMMENT ON TABLE shop.client IS 'who buys';
