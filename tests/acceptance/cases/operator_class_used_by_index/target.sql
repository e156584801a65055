CREATE SCHEMA ci;
CREATE FUNCTION ci.eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN lower($1) = lower($2);
CREATE FUNCTION ci.lt(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN lower($1) < lower($2);
CREATE FUNCTION ci.lt_old(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN upper($1) < upper($2);
CREATE FUNCTION ci.gt(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN lower($1) > lower($2);
CREATE FUNCTION ci.cmp(text, text) RETURNS int LANGUAGE sql IMMUTABLE STRICT
    RETURN CASE WHEN lower($1) < lower($2) THEN -1 WHEN lower($1) > lower($2) THEN 1 ELSE 0 END;
CREATE OPERATOR ci.=~ (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.eq, COMMUTATOR = OPERATOR(ci.=~));
CREATE OPERATOR ci.<~ (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.lt_old, COMMUTATOR = OPERATOR(ci.>~));
CREATE OPERATOR ci.>~ (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.gt, COMMUTATOR = OPERATOR(ci.<~));
CREATE OPERATOR FAMILY ci.ci_ops USING btree;
CREATE OPERATOR CLASS ci.ci_ops FOR TYPE text USING btree FAMILY ci.ci_ops AS
    OPERATOR 1 ci.<~, OPERATOR 3 ci.=~, OPERATOR 5 ci.>~, FUNCTION 1 ci.cmp(text, text);
CREATE FUNCTION ci.len_eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN length($1) = length($2);
CREATE FUNCTION ci.len_hash(text) RETURNS int LANGUAGE sql IMMUTABLE STRICT RETURN length($1);
CREATE OPERATOR ci.=# (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.len_eq);
CREATE OPERATOR CLASS ci.len_ops FOR TYPE text USING hash AS OPERATOR 1 ci.=#, FUNCTION 1 ci.len_hash(text);
CREATE TABLE ci.word (id int PRIMARY KEY, w text);
CREATE INDEX word_ci ON ci.word (w ci.ci_ops);
CREATE INDEX word_len ON ci.word USING hash (w ci.len_ops);
INSERT INTO ci.word VALUES (1, 'Apple'), (2, 'banana'), (4, 'date');
