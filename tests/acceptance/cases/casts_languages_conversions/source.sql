-- A cast through a function, a cast WITH INOUT, a trusted language (on plpgsql's
-- handlers) with a function written in it and a view over that function, a conversion
-- and a transform. The language is untrusted in the target: it is recreated, and the
-- function and view that use it go and come back around it.
CREATE SCHEMA x;
CREATE TYPE x.mood AS ENUM ('sad', 'happy');
CREATE TYPE x.pair AS (a int, b int);
CREATE FUNCTION x.mood_text(x.mood) RETURNS text LANGUAGE sql IMMUTABLE RETURN $1::text || '!';
CREATE CAST (x.mood AS text) WITH FUNCTION x.mood_text(x.mood) AS ASSIGNMENT;
COMMENT ON CAST (x.mood AS text) IS 'with a bang';
CREATE CAST (x.pair AS text) WITH INOUT;
CREATE TRUSTED LANGUAGE plx HANDLER plpgsql_call_handler INLINE plpgsql_inline_handler VALIDATOR plpgsql_validator;
COMMENT ON LANGUAGE plx IS 'plpgsql under another name';
REVOKE USAGE ON LANGUAGE plx FROM PUBLIC;
CREATE FUNCTION x.one() RETURNS int LANGUAGE plx AS 'BEGIN RETURN 1; END';
CREATE VIEW x.ones AS SELECT x.one() AS one;
CREATE CONVERSION x.to_latin FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1;
CREATE FUNCTION x.mood_from_sql(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION x.mood_to_sql(internal) RETURNS x.mood LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE TRANSFORM FOR x.mood LANGUAGE plx (FROM SQL WITH FUNCTION x.mood_from_sql(internal),
                                          TO SQL WITH FUNCTION x.mood_to_sql(internal));
CREATE TABLE x.feeling (id int PRIMARY KEY, mood x.mood, said text);
INSERT INTO x.feeling VALUES (1, 'happy', 'yes'), (2, 'sad', NULL);
