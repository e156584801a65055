CREATE DOMAIN email AS varchar(254) CHECK (VALUE LIKE '%@%');
CREATE DOMAIN code AS text NOT NULL DEFAULT 'x';
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
INSERT INTO users VALUES (3, 'c@example.org', NULL, '{ef}', 'c3');
