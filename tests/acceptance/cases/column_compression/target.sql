CREATE TABLE docs (id int PRIMARY KEY, body text, extra text);
INSERT INTO docs VALUES (1, repeat('x', 5000), 'e'), (2, NULL, NULL);
