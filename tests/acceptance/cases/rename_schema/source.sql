CREATE SCHEMA ledger;
CREATE TABLE ledger.accounts (id serial PRIMARY KEY, email text UNIQUE, balance numeric(12,2) DEFAULT 0);
CREATE VIEW ledger.rich AS SELECT id, email FROM ledger.accounts WHERE balance > 1000;
CREATE FUNCTION ledger.account_count() RETURNS bigint LANGUAGE sql STABLE RETURN (SELECT count(*) FROM ledger.accounts);
COMMENT ON SCHEMA ledger IS 'accounts live here';
INSERT INTO ledger.accounts (email, balance) VALUES ('a@x', 10), ('b@x', 5000);
