-- A default partition holds rows a new partition (or a moved bound) takes: they leave it
-- before the partition is made or attached, and come back through the parent.
CREATE TABLE logs (at date NOT NULL, msg text) PARTITION BY RANGE (at);
CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE logs_rest PARTITION OF logs DEFAULT;
INSERT INTO logs VALUES ('2024-05-01', 'a'), ('2025-02-01', 'b'), ('2026-03-01', 'c'), ('2030-01-01', NULL);

CREATE TABLE tags (kind text NOT NULL, n int) PARTITION BY LIST (kind);
CREATE TABLE tags_a PARTITION OF tags FOR VALUES IN ('a');
CREATE TABLE tags_other PARTITION OF tags DEFAULT;
INSERT INTO tags VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4);
