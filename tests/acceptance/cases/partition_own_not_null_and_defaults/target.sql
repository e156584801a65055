-- What a partition sets on its columns itself (NOT NULL, defaults), on two levels, and
-- partitions that are detached and attached, each with rows.
CREATE TABLE m (id int NOT NULL, v int DEFAULT 1, w text, k int NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
ALTER TABLE m1 ALTER COLUMN v SET DEFAULT 42;
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20) PARTITION BY LIST (k);
CREATE TABLE m2a PARTITION OF m2 FOR VALUES IN (1);
CREATE TABLE m2b PARTITION OF m2 FOR VALUES IN (2);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (30);
ALTER TABLE m3 ALTER COLUMN w SET DEFAULT 'x';
CREATE TABLE loose (id int NOT NULL, v int, w text, k int);
INSERT INTO m VALUES (1, 1, 'a', 1), (2, NULL, NULL, 5), (11, 2, 'b', 1), (12, 3, 'c', 2), (21, 4, 'd', 3);
INSERT INTO loose VALUES (31, 5, 'e', 4);
