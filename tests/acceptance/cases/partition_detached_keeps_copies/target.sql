-- A partition becomes a table of its own (and back): DETACH leaves it the copies of its
-- parent's primary key, index, check and foreign key; the source's table keeps some of
-- them under the same names and not others.
CREATE TABLE ref (id int PRIMARY KEY);
CREATE TABLE m (id int PRIMARY KEY, v int CHECK (v > 0), r int REFERENCES ref) PARTITION BY RANGE (id);
CREATE INDEX m_v ON m (v);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (30);
INSERT INTO ref VALUES (1), (2);
INSERT INTO m VALUES (1, 1, 1), (21, 2, 2), (22, 3, NULL);
