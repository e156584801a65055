CREATE DOMAIN short_text AS varchar(20);
CREATE DOMAIN name_text AS short_text CHECK (VALUE <> '');
CREATE TYPE label AS (title name_text, n int);
CREATE TABLE people (id int PRIMARY KEY, name name_text NOT NULL, aliases name_text[], tag label);
INSERT INTO people VALUES (1, 'Ada', '{Countess}', '(Dr,1)'), (2, 'Grace', NULL, NULL);
