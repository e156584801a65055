CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE person (
    id int PRIMARY KEY,
    current mood NOT NULL DEFAULT 'ok',
    CONSTRAINT person_not_ok CHECK (current <> 'sad' OR id > 0)
);
CREATE VIEW content AS SELECT id FROM person WHERE current IN ('ok', 'happy');
INSERT INTO person VALUES (1, 'sad'), (2, 'ok'), (3, 'happy'), (4, DEFAULT);
