CREATE TYPE pair AS (a int, b text);
CREATE TABLE pairs OF pair (a WITH OPTIONS NOT NULL DEFAULT 1, PRIMARY KEY (a));
CREATE TABLE plain_pairs OF pair;
INSERT INTO pairs VALUES (1, 'one'), (2, NULL);
INSERT INTO plain_pairs VALUES (NULL, 'x');
