CREATE TYPE span AS RANGE (subtype = int4);
COMMENT ON TYPE span IS 'a span';
CREATE TABLE bookings (id int PRIMARY KEY, during span NOT NULL, blocks span_multirange, history span[]);
CREATE VIEW long_bookings AS SELECT id, during FROM bookings;
INSERT INTO bookings VALUES (1, '[1,10)', '{[1,3),[5,7)}', '{"[1,2)"}'), (2, 'empty', NULL, NULL);
