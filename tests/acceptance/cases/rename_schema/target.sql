CREATE SCHEMA legacy;
CREATE TABLE legacy.accounts (id serial PRIMARY KEY, email text UNIQUE, balance numeric(12,2) DEFAULT 0);
CREATE VIEW legacy.rich AS SELECT id, email FROM legacy.accounts WHERE balance > 1000;
CREATE FUNCTION legacy.account_count() RETURNS bigint LANGUAGE sql STABLE RETURN (SELECT count(*) FROM legacy.accounts);
COMMENT ON SCHEMA legacy IS 'accounts live here';
INSERT INTO legacy.accounts (email, balance) VALUES ('a@x', 10), ('b@x', 5000);
