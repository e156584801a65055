CREATE TABLE accounts (id int, email text, handle text);
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);
ALTER TABLE accounts ADD CONSTRAINT accounts_handle_key UNIQUE (handle);
COMMENT ON INDEX accounts_handle_key IS 'one handle each';
INSERT INTO accounts VALUES (1, 'a@x', 'a'), (2, 'b@x', 'b');
