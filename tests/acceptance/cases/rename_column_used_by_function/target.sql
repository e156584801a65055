CREATE TABLE items (
    id int PRIMARY KEY,
    qty int NOT NULL DEFAULT 0 CONSTRAINT items_qty_check CHECK (qty >= 0),
    label text
);
CREATE INDEX items_qty_idx ON items (qty) WHERE qty > 0;
CREATE VIEW stock AS SELECT id, qty FROM items WHERE qty > 0;
CREATE FUNCTION total_qty() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(qty) FROM items; END;
CREATE FUNCTION low_stock(n int) RETURNS SETOF int LANGUAGE plpgsql
    AS $$ BEGIN RETURN QUERY SELECT id FROM items WHERE qty < n; END $$;
INSERT INTO items VALUES (1, 5, 'a'), (2, 0, 'b'), (3, 12, NULL);
