-- Base types defined with input/output functions (the built-in int4 ones, which needs a
-- superuser), created shell first, then functions, then the full type; a column of one
-- keeps its rows while its binary I/O functions are set in place; a bare shell type.
CREATE SCHEMA bt;
CREATE TYPE bt.num4;
CREATE FUNCTION bt.num4_in(cstring) RETURNS bt.num4 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION bt.num4_out(bt.num4) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE FUNCTION bt.num4_recv(internal) RETURNS bt.num4 LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION bt.num4_send(bt.num4) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'int4send';
CREATE TYPE bt.num4 (INPUT = bt.num4_in, OUTPUT = bt.num4_out, RECEIVE = bt.num4_recv, SEND = bt.num4_send,
                     INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4, CATEGORY = 'N', DEFAULT = '0');
COMMENT ON TYPE bt.num4 IS 'an int4 in disguise';
CREATE FUNCTION bt.num4_text(bt.num4) RETURNS text LANGUAGE sql IMMUTABLE RETURN $1::text;
CREATE TYPE bt.later;
CREATE TABLE bt.reading (id int PRIMARY KEY, v bt.num4, label text GENERATED ALWAYS AS (bt.num4_text(v)) STORED);
INSERT INTO bt.reading (id, v) VALUES (1, '42'), (2, '-7'), (3, NULL);
