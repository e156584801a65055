-- Bounds that change on partitions holding rows: a range split (a new partition takes part
-- of an old one's range), ranges that shift, a hash modulus that doubles, a sub-partitioned
-- partition whose range grows.
CREATE TABLE ev (id int NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE ev_2025 PARTITION OF ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (id);
CREATE TABLE ev_2025_a PARTITION OF ev_2025 FOR VALUES IN (1, 2, 3);
CREATE TABLE ev_2025_b PARTITION OF ev_2025 FOR VALUES IN (4, 5, 6);
CREATE INDEX ev_at ON ev (at);
INSERT INTO ev VALUES (1, '2024-02-01', 'a'), (2, '2024-08-01', 'b'), (3, '2025-03-01', NULL), (4, '2025-11-01', 'd');

CREATE TABLE h (k int NOT NULL, v text) PARTITION BY HASH (k);
CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO h SELECT g, 'v' || g FROM generate_series(1, 40) g;
