CREATE SCHEMA bt;
CREATE TYPE bt.num4;
CREATE FUNCTION bt.num4_in(cstring) RETURNS bt.num4 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION bt.num4_out(bt.num4) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE bt.num4 (INPUT = bt.num4_in, OUTPUT = bt.num4_out,
                     INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4, CATEGORY = 'N', DEFAULT = '0');
CREATE FUNCTION bt.num4_text(bt.num4) RETURNS text LANGUAGE sql IMMUTABLE RETURN $1::text;
CREATE TYPE bt.later;
CREATE FUNCTION bt.later_in(cstring) RETURNS bt.later LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION bt.later_out(bt.later) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE bt.later (INPUT = bt.later_in, OUTPUT = bt.later_out, INTERNALLENGTH = VARIABLE, STORAGE = extended);
CREATE TABLE bt.reading (id int PRIMARY KEY, v bt.num4, label text GENERATED ALWAYS AS (bt.num4_text(v)) STORED);
INSERT INTO bt.reading (id, v) VALUES (1, '42'), (4, '8');
