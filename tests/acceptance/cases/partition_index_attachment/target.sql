-- Partitioned indexes made ON ONLY the parent and left invalid, with some partitions'
-- indexes attached by hand (one of them backing a partition's unique constraint), and a
-- parent index that adopted a partition's unique constraint when it was created.
CREATE TABLE m (id int NOT NULL, k int, v int) PARTITION BY RANGE (id);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (30);
CREATE INDEX m1_v_custom ON m1 (v);
INSERT INTO m VALUES (1, 1, 1), (2, 2, NULL), (11, 1, 3), (21, 5, 4), (22, 6, 4);
