CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2));
INSERT INTO orders VALUES (1, 9.99), (2, NULL), (3, 1);
CREATE SUBSCRIPTION sub_shop CONNECTION 'host=old-publisher.invalid dbname=shop user=repl'
    PUBLICATION pub_orders WITH (connect = false, slot_name = 'old_slot');
CREATE SUBSCRIPTION sub_gone CONNECTION 'host=publisher.invalid dbname=shop'
    PUBLICATION pub_orders WITH (connect = false);
ALTER SUBSCRIPTION sub_gone ENABLE;
