CREATE TYPE span AS RANGE (subtype = int8);
COMMENT ON TYPE span IS 'a span';
CREATE TABLE bookings (id int PRIMARY KEY, during span NOT NULL, blocks span_multirange, history span[]);
CREATE VIEW long_bookings AS SELECT id, during FROM bookings;
INSERT INTO bookings VALUES (3, '[100,200)', '{[1,3)}', '{}');
