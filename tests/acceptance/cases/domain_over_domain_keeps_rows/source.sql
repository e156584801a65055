CREATE DOMAIN short_text AS varchar(40);
CREATE DOMAIN name_text AS short_text CHECK (VALUE <> '');
CREATE TYPE label AS (title name_text, n int);
CREATE TABLE people (id int PRIMARY KEY, name name_text NOT NULL, aliases name_text[], tag label);
INSERT INTO people VALUES (3, 'Edsger Wybe Dijkstra', '{EWD}', '(Prof,2)');
