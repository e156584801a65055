CREATE TABLE accounts (id int, email text, handle text);
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);
COMMENT ON INDEX accounts_pkey IS 'the account number';
ALTER TABLE accounts ADD CONSTRAINT accounts_handle_key UNIQUE (handle, email);
COMMENT ON INDEX accounts_handle_key IS 'one handle per address';
INSERT INTO accounts VALUES (3, 'c@x', 'c');
