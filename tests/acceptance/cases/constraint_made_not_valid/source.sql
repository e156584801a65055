CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE kids (id int PRIMARY KEY, parent_id int, age int);
ALTER TABLE kids ADD CONSTRAINT kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID;
ALTER TABLE kids ADD CONSTRAINT kids_age CHECK (age >= 0) NOT VALID;
COMMENT ON CONSTRAINT kids_age ON kids IS 'no negative ages';
INSERT INTO parents VALUES (7);
INSERT INTO kids VALUES (5, 7, 12);
