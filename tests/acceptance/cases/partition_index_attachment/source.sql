CREATE TABLE m (id int NOT NULL, k int, v int) PARTITION BY RANGE (id);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (30);
-- invalid: only m1's index is attached
CREATE INDEX m_v ON ONLY m (v);
CREATE INDEX m1_v_custom ON m1 (v);
ALTER INDEX m_v ATTACH PARTITION m1_v_custom;
-- invalid: m3's unique constraint is attached
ALTER TABLE m3 ADD CONSTRAINT m3_idk_key UNIQUE (id, k);
CREATE UNIQUE INDEX m_idk ON ONLY m (id, k);
ALTER INDEX m_idk ATTACH PARTITION m3_idk_key;
-- valid: adopted m2's primary key, made the others' indexes
ALTER TABLE m2 ADD CONSTRAINT m2_pk PRIMARY KEY (id);
CREATE UNIQUE INDEX m_id ON m (id);
INSERT INTO m VALUES (1, 1, 1), (2, 2, NULL), (11, 1, 3), (21, 5, 4), (22, 6, 4);
