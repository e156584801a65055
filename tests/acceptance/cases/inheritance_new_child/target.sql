CREATE TABLE parent (id int, created timestamptz DEFAULT now());
INSERT INTO parent VALUES (1, '2024-01-01'), (2, NULL);
