CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE kids (id int PRIMARY KEY, parent_id int, age int);
ALTER TABLE kids ADD CONSTRAINT kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id);
ALTER TABLE kids ADD CONSTRAINT kids_age CHECK (age >= 0);
COMMENT ON CONSTRAINT kids_age ON kids IS 'no negative ages';
INSERT INTO parents VALUES (1), (2);
INSERT INTO kids VALUES (1, 1, 3), (2, 2, 0), (3, NULL, NULL);
