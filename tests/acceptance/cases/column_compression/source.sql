CREATE TABLE docs (id int PRIMARY KEY, body text COMPRESSION pglz, extra text);
CREATE TABLE archive (id int, body text COMPRESSION pglz);
INSERT INTO docs VALUES (3, 'short', NULL);
INSERT INTO archive VALUES (1, 'old');
