CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2));
INSERT INTO orders VALUES (1, 9.99), (2, NULL);
CREATE SUBSCRIPTION sub_shop CONNECTION 'host=publisher.invalid port=5433 dbname=shop user=repl'
    PUBLICATION pub_orders, "Pub Customers"
    WITH (connect = false, slot_name = 'shop_slot', binary = true, synchronous_commit = 'local', streaming = 'on');
COMMENT ON SUBSCRIPTION sub_shop IS 'orders from the shop';
CREATE SUBSCRIPTION "Sub ""quoted""" CONNECTION 'dbname=elsewhere application_name=''it\''s'''
    PUBLICATION p WITH (connect = false, slot_name = NONE, disable_on_error = true);
