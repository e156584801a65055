CREATE DOMAIN email AS varchar(100) CHECK (VALUE LIKE '%@%');
CREATE DOMAIN code AS varchar(10) NOT NULL DEFAULT 'x';
COMMENT ON DOMAIN email IS 'an address';
CREATE TABLE users (
    id int PRIMARY KEY,
    email email NOT NULL,
    backup email DEFAULT 'nobody@example.org',
    codes code[],
    code code
);
CREATE VIEW user_emails AS SELECT id, email FROM users;
CREATE FUNCTION first_email() RETURNS text LANGUAGE sql AS $$ SELECT min(email) FROM users $$;
INSERT INTO users VALUES (1, 'a@example.org', DEFAULT, '{ab,cd}', 'c1'), (2, 'b@example.org', NULL, NULL, 'c2');
