-- Case-insensitive text operators in a btree operator class of their own family, used by
-- an index. The target's "less than" runs another function: the operator, the class
-- using it and the index using the class are recreated around it; the "equals"
-- operator's estimators change in place; the family gains a loose member. The target
-- also holds a second class (own family, own operator) used by an index, which goes.
CREATE SCHEMA ci;
CREATE FUNCTION ci.eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN lower($1) = lower($2);
CREATE FUNCTION ci.lt(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN lower($1) < lower($2);
CREATE FUNCTION ci.gt(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN lower($1) > lower($2);
CREATE FUNCTION ci.cmp(text, text) RETURNS int LANGUAGE sql IMMUTABLE STRICT
    RETURN CASE WHEN lower($1) < lower($2) THEN -1 WHEN lower($1) > lower($2) THEN 1 ELSE 0 END;
CREATE OPERATOR ci.=~ (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.eq, COMMUTATOR = OPERATOR(ci.=~),
                       RESTRICT = eqsel, JOIN = eqjoinsel);
COMMENT ON OPERATOR ci.=~ (text, text) IS 'equal, ignoring case';
CREATE OPERATOR ci.<~ (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.lt, COMMUTATOR = OPERATOR(ci.>~));
CREATE OPERATOR ci.>~ (LEFTARG = text, RIGHTARG = text, FUNCTION = ci.gt, COMMUTATOR = OPERATOR(ci.<~));
CREATE OPERATOR FAMILY ci.ci_ops USING btree;
COMMENT ON OPERATOR FAMILY ci.ci_ops USING btree IS 'case-insensitive';
CREATE OPERATOR CLASS ci.ci_ops FOR TYPE text USING btree FAMILY ci.ci_ops AS
    OPERATOR 1 ci.<~, OPERATOR 3 ci.=~, OPERATOR 5 ci.>~, FUNCTION 1 ci.cmp(text, text);
ALTER OPERATOR FAMILY ci.ci_ops USING btree ADD FUNCTION 4 (text, text) btequalimage(oid);
CREATE TABLE ci.word (id int PRIMARY KEY, w text);
CREATE INDEX word_ci ON ci.word (w ci.ci_ops);
INSERT INTO ci.word VALUES (1, 'Apple'), (2, 'banana'), (3, 'CHERRY');
