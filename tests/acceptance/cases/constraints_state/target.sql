CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int, p_id int, n int);
INSERT INTO p VALUES (1);
-- rows that break the source's NOT VALID constraints: adding them NOT VALID keeps them
INSERT INTO c VALUES (1, 1, 5), (2, 99, -1), (3, NULL, NULL);
