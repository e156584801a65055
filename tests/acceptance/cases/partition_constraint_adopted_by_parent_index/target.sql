-- A partition's own primary key, referenced by another table, whose index the parent's
-- unique index adopted (created after it): the parent's index cannot be dropped, nor the
-- partition's key, one before the other.
CREATE TABLE m (id int NOT NULL, v int) PARTITION BY RANGE (id);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
ALTER TABLE m1 ADD CONSTRAINT m1_pk PRIMARY KEY (id);
CREATE TABLE r (m1_id int REFERENCES m1);
CREATE UNIQUE INDEX m_id ON m (id);
INSERT INTO m VALUES (1, 1), (2, NULL), (11, 3);
INSERT INTO r VALUES (1), (2);
