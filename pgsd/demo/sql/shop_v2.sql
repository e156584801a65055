-- Online shop database: release 2 (in development).
--
-- Three schemas:
--   shop     catalogue, customers, reviews and orders
--   billing  invoices, payments and tax
--   audit    append-only change log, partitioned by month

-- ---------------------------------------------------------------------------
-- Roles (cluster-wide, so created only if missing)
-- ---------------------------------------------------------------------------
DO $$ BEGIN CREATE ROLE shop_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE shop_app NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- Case-insensitive text for user names.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE SCHEMA shop;
CREATE SCHEMA billing;
CREATE SCHEMA audit;

COMMENT ON SCHEMA shop IS 'Storefront: catalogue, customers and orders.';
COMMENT ON SCHEMA billing IS 'Invoicing and payment records.';

-- ---------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------
CREATE TYPE shop.order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled');

CREATE DOMAIN shop.email AS text
    CONSTRAINT email_format CHECK (VALUE ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');

-- What shop.stock_for() returns: on-hand stock minus open reservations.
CREATE TYPE shop.stock_level AS (
    product_id bigint,
    on_hand    integer,
    available  integer
);

-- Human-readable order numbers (SO-100000, SO-100001, ...).
CREATE SEQUENCE shop.order_number_seq START WITH 100000 INCREMENT BY 1 CACHE 20;

CREATE SEQUENCE billing.invoice_number_seq START WITH 1 INCREMENT BY 1;

-- ---------------------------------------------------------------------------
-- Catalogue
-- ---------------------------------------------------------------------------
CREATE TABLE shop.categories (
    id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id integer REFERENCES shop.categories (id) ON DELETE CASCADE,
    name      text NOT NULL,
    slug      text NOT NULL UNIQUE
);
COMMENT ON TABLE shop.categories IS 'Product category tree.';

CREATE TABLE shop.products (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku          text NOT NULL UNIQUE,
    name         text NOT NULL,
    description  text,
    category_id  integer REFERENCES shop.categories (id) ON DELETE SET NULL,
    price        numeric(12,2) NOT NULL CHECK (price >= 0),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE shop.products IS 'Sellable items.';
COMMENT ON COLUMN shop.products.price IS 'Gross unit price in EUR, VAT included.';
COMMENT ON COLUMN shop.products.sku IS 'Stock keeping unit, printed on the shelf label.';

CREATE INDEX products_category_idx ON shop.products (category_id);

CREATE TABLE shop.product_images (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES shop.products (id) ON DELETE CASCADE,
    url        text NOT NULL,
    position   smallint NOT NULL DEFAULT 0,
    UNIQUE (product_id, position)
);

CREATE TABLE shop.inventory (
    product_id bigint PRIMARY KEY REFERENCES shop.products (id) ON DELETE CASCADE,
    on_hand    integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved   integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Customers
-- ---------------------------------------------------------------------------
CREATE TABLE shop.customers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            shop.email NOT NULL UNIQUE,
    username         citext UNIQUE,
    full_name        text NOT NULL,
    marketing_opt_in boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE shop.customers IS 'Registered customer accounts (guests are not stored).';
COMMENT ON COLUMN shop.customers.username IS 'Optional public name shown on reviews.';

CREATE TABLE shop.addresses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
    line1       text NOT NULL,
    line2       text,
    city        text NOT NULL,
    postal_code text NOT NULL DEFAULT '',
    country     char(2) NOT NULL DEFAULT 'DE'
);

CREATE TABLE shop.product_reviews (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES shop.products (id) ON DELETE CASCADE,
    customer_id bigint REFERENCES shop.customers (id) ON DELETE SET NULL,
    rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT product_reviews_one_per_customer UNIQUE (product_id, customer_id)
);
COMMENT ON TABLE shop.product_reviews IS 'Star ratings and reviews written by customers.';

CREATE TABLE shop.coupons (
    code        text PRIMARY KEY,
    percent_off integer NOT NULL CONSTRAINT coupons_percent_off_check
                    CHECK (percent_off BETWEEN 1 AND 50),
    valid_until date
);

-- ---------------------------------------------------------------------------
-- Orders
-- ---------------------------------------------------------------------------
CREATE TABLE shop.orders (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_number        text NOT NULL UNIQUE
                            DEFAULT 'SO-' || nextval('shop.order_number_seq'),
    customer_id         bigint NOT NULL REFERENCES shop.customers (id),
    shipping_address_id bigint REFERENCES shop.addresses (id),
    status              shop.order_status NOT NULL DEFAULT 'pending',
    coupon_code         text REFERENCES shop.coupons (code),
    total               numeric(12,2) NOT NULL DEFAULT 0,
    currency            char(3) NOT NULL DEFAULT 'EUR',
    placed_at           timestamptz NOT NULL DEFAULT now(),
    notes               text
);
COMMENT ON TABLE shop.orders IS 'Customer orders.';
COMMENT ON COLUMN shop.orders.shipping_address_id IS 'NULL for orders of digital goods only.';
COMMENT ON COLUMN shop.orders.currency IS 'ISO 4217 currency code of all amounts on the order.';

CREATE INDEX orders_status_idx ON shop.orders (status) WHERE status IN ('pending', 'paid');
-- "My orders" page: newest orders of one customer.
CREATE INDEX orders_customer_placed_idx ON shop.orders (customer_id, placed_at DESC);

-- The application connects as shop_app and sets shop.customer_id per request.
ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_own_rows ON shop.orders FOR ALL TO shop_app
    USING (customer_id = nullif(current_setting('shop.customer_id', true), '')::bigint)
    WITH CHECK (customer_id = nullif(current_setting('shop.customer_id', true), '')::bigint);

CREATE TABLE shop.order_items (
    order_id   bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
    line_no    smallint NOT NULL,
    product_id bigint NOT NULL REFERENCES shop.products (id),
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(12,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE INDEX order_items_product_idx ON shop.order_items (product_id);

CREATE TABLE shop.shipments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
    carrier         text NOT NULL,
    tracking_number text,
    shipped_at      timestamptz,
    delivered_at    timestamptz
);

-- ---------------------------------------------------------------------------
-- Billing
-- ---------------------------------------------------------------------------
CREATE TABLE billing.tax_rates (
    country    char(2) NOT NULL,
    valid_from date NOT NULL,
    rate       numeric(5,4) NOT NULL CHECK (rate >= 0 AND rate < 1),
    PRIMARY KEY (country, valid_from)
);

CREATE TABLE billing.invoices (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number     text NOT NULL UNIQUE
                   DEFAULT 'INV-' || lpad(nextval('billing.invoice_number_seq')::text, 8, '0'),
    order_id   bigint NOT NULL UNIQUE REFERENCES shop.orders (id),
    issued_on  date NOT NULL DEFAULT current_date,
    due_on     date NOT NULL,
    net        numeric(12,2) NOT NULL,
    tax        numeric(12,2) NOT NULL,
    CHECK (due_on >= issued_on)
);

CREATE TABLE billing.payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     bigint NOT NULL
                     CONSTRAINT payments_order_id_fkey REFERENCES shop.orders (id) ON DELETE RESTRICT,
    provider     text NOT NULL,
    provider_ref text NOT NULL,
    amount       numeric(12,2) NOT NULL CHECK (amount > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    captured_at  timestamptz,
    CONSTRAINT payments_provider_ref_key UNIQUE (provider, provider_ref)
);

CREATE INDEX payments_order_idx ON billing.payments (order_id);

-- ---------------------------------------------------------------------------
-- Audit log, one partition per month
-- ---------------------------------------------------------------------------
CREATE TABLE audit.events (
    id          bigserial,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    table_name  text NOT NULL,
    operation   text NOT NULL,
    row_data    jsonb,
    actor       text,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE audit.events IS 'Row-level change log written by audit.log_change().';

CREATE INDEX events_table_idx ON audit.events (table_name, occurred_at);

CREATE TABLE audit.events_2026_09 PARTITION OF audit.events
    FOR VALUES FROM ('2026-09-01 00:00+00') TO ('2026-10-01 00:00+00');
CREATE TABLE audit.events_2026_10 PARTITION OF audit.events
    FOR VALUES FROM ('2026-10-01 00:00+00') TO ('2026-11-01 00:00+00');
CREATE TABLE audit.events_2026_11 PARTITION OF audit.events
    FOR VALUES FROM ('2026-11-01 00:00+00') TO ('2026-12-01 00:00+00');
CREATE TABLE audit.events_2026_12 PARTITION OF audit.events
    FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2027-01-01 00:00+00');
CREATE TABLE audit.events_default PARTITION OF audit.events DEFAULT;

-- ---------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------
CREATE FUNCTION shop.set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE FUNCTION shop.order_total(p_order_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(quantity * unit_price), 0)
    FROM shop.order_items
    WHERE order_id = p_order_id
$$;

CREATE FUNCTION shop.stock_for(p_product_id bigint) RETURNS shop.stock_level
LANGUAGE sql STABLE AS $$
    SELECT product_id, on_hand, on_hand - reserved
    FROM shop.inventory
    WHERE product_id = p_product_id
$$;

CREATE FUNCTION audit.log_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_row jsonb;
BEGIN
    -- NEW is NULL for DELETE: log the row that was removed instead.
    IF TG_OP = 'DELETE' THEN
        v_row := to_jsonb(OLD);
    ELSE
        v_row := to_jsonb(NEW);
    END IF;
    INSERT INTO audit.events (table_name, operation, row_data, actor)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, v_row,
            coalesce(nullif(current_setting('shop.actor', true), ''), session_user));
    RETURN NULL;
END;
$$;

-- ---------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------
-- Public catalogue; security_barrier keeps the "active" filter ahead of any
-- user-supplied predicate.
CREATE VIEW shop.product_catalog WITH (security_barrier = true) AS
    SELECT p.id, p.sku, p.name, p.price, c.name AS category
    FROM shop.products p
    LEFT JOIN shop.categories c ON c.id = p.category_id
    WHERE p.active;

CREATE VIEW shop.order_lines AS
    SELECT o.order_number, o.placed_at, i.line_no, p.sku, i.quantity, i.unit_price,
           i.quantity * i.unit_price AS line_total
    FROM shop.orders o
    JOIN shop.order_items i ON i.order_id = o.id
    JOIN shop.products p ON p.id = i.product_id;

CREATE MATERIALIZED VIEW billing.monthly_revenue AS
    SELECT date_trunc('month', o.placed_at) AS month,
           count(*) AS orders,
           count(DISTINCT o.customer_id) AS customers,
           sum(o.total) AS revenue
    FROM shop.orders o
    WHERE o.status <> 'cancelled'
    GROUP BY 1;

CREATE UNIQUE INDEX monthly_revenue_month_idx ON billing.monthly_revenue (month);

-- ---------------------------------------------------------------------------
-- Seed data
-- ---------------------------------------------------------------------------
INSERT INTO shop.categories (name, slug) VALUES ('Coffee', 'coffee'), ('Equipment', 'equipment');
INSERT INTO shop.products (sku, name, category_id, price) VALUES
    ('BEAN-ETH-250', 'Ethiopia Yirgacheffe 250 g', 1, 9.90),
    ('BEAN-COL-1K', 'Colombia Huila 1 kg', 1, 29.50),
    ('GRIND-C40', 'Hand grinder C40', 2, 249.00);
INSERT INTO shop.inventory (product_id, on_hand) VALUES (1, 120), (2, 40), (3, 6);
INSERT INTO shop.customers (email, username, full_name) VALUES
    ('ada@example.com', 'Ada', 'Ada Lovelace'), ('alan@example.org', NULL, 'Alan Turing');
INSERT INTO shop.addresses (customer_id, line1, city, postal_code) VALUES
    (1, '12 Analytical Row', 'Berlin', '10115'), (2, '1 Bletchley Park', 'Hamburg', '20095');
INSERT INTO shop.coupons (code, percent_off, valid_until) VALUES ('WELCOME10', 10, '2027-01-31');
INSERT INTO shop.orders (customer_id, shipping_address_id, status, total, placed_at) VALUES
    (1, 1, 'delivered', 39.40, '2026-10-03 09:12+00'),
    (2, 2, 'paid', 249.00, '2026-11-14 17:40+00');
INSERT INTO shop.order_items (order_id, line_no, product_id, quantity, unit_price) VALUES
    (1, 1, 1, 1, 9.90), (1, 2, 2, 1, 29.50), (2, 1, 3, 1, 249.00);
INSERT INTO shop.product_reviews (product_id, customer_id, rating, body) VALUES
    (1, 1, 5, 'Bright and floral, lovely as pour-over.');
INSERT INTO billing.tax_rates (country, valid_from, rate) VALUES ('DE', '2007-01-01', 0.19);
INSERT INTO billing.payments (order_id, provider, provider_ref, amount) VALUES
    (1, 'stripe', 'pi_3Nq1', 39.40), (2, 'paypal', 'PAY-7XK2', 249.00);
INSERT INTO billing.invoices (order_id, issued_on, due_on, net, tax) VALUES
    (1, '2026-10-03', '2026-10-17', 33.11, 6.29);

REFRESH MATERIALIZED VIEW billing.monthly_revenue;

-- ---------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------
CREATE TRIGGER inventory_set_updated_at BEFORE UPDATE ON shop.inventory
    FOR EACH ROW EXECUTE FUNCTION shop.set_updated_at();

CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON shop.products
    FOR EACH ROW EXECUTE FUNCTION shop.set_updated_at();

CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OR DELETE ON shop.orders
    FOR EACH ROW EXECUTE FUNCTION audit.log_change();

CREATE TRIGGER payments_audit AFTER INSERT OR UPDATE OR DELETE ON billing.payments
    FOR EACH ROW EXECUTE FUNCTION audit.log_change();

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
GRANT USAGE ON SCHEMA shop TO shop_reader, shop_app;
GRANT USAGE ON SCHEMA billing TO shop_reader, shop_app;

GRANT SELECT ON shop.categories, shop.products, shop.product_images, shop.product_catalog,
                shop.product_reviews
    TO shop_reader;
GRANT SELECT ON billing.monthly_revenue TO shop_reader;

GRANT SELECT ON shop.categories, shop.products, shop.product_images, shop.inventory,
                shop.coupons, shop.product_catalog, shop.order_lines
    TO shop_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON shop.customers, shop.addresses, shop.order_items
    TO shop_app;
-- Orders are cancelled or refunded, never deleted.
GRANT SELECT, INSERT, UPDATE ON shop.orders TO shop_app;
GRANT SELECT, INSERT, UPDATE ON shop.product_reviews TO shop_app;
GRANT UPDATE (on_hand, reserved) ON shop.inventory TO shop_app;
GRANT USAGE ON SEQUENCE shop.order_number_seq TO shop_app;
GRANT SELECT, INSERT, UPDATE ON billing.payments TO shop_app;
