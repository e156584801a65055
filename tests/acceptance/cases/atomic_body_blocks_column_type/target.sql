CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL);
CREATE FUNCTION total_balance() RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT sum(balance) FROM accounts;
END;
CREATE FUNCTION balance_of(i int) RETURNS numeric LANGUAGE sql STABLE
RETURN (SELECT balance FROM accounts WHERE id = i);
INSERT INTO accounts VALUES (1, 10), (2, 20);
CREATE TYPE amount_pair AS (amount int, currency text);
CREATE FUNCTION amount_of(p amount_pair) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN (p).amount;
