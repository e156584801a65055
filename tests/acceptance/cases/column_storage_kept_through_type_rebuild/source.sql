CREATE DOMAIN email AS varchar(254);
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE users (id int PRIMARY KEY, e email COMPRESSION pglz, m mood, ms mood[]);
ALTER TABLE users ALTER COLUMN e SET STORAGE EXTERNAL;
ALTER TABLE users ALTER COLUMN ms SET STORAGE MAIN;
ALTER TABLE users ALTER COLUMN e SET (n_distinct = -1);
INSERT INTO users VALUES (1, 'a@b.c', 'ok', '{sad,ok}'), (2, NULL, NULL, NULL);
