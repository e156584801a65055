CREATE TABLE parent (id int, created timestamptz DEFAULT now(), note text);
CREATE TABLE child (extra int) INHERITS (parent);
CREATE TABLE child2 (id int, own text) INHERITS (parent);
INSERT INTO parent VALUES (1, '2024-01-01', 'n');
INSERT INTO child VALUES (2, '2024-01-02', NULL, 7);
INSERT INTO child2 VALUES (3, '2024-01-03', 'm', 'own');
