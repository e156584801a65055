CREATE TYPE mood AS ENUM ('sad', 'fine', 'happy');
CREATE TABLE person (
    id int PRIMARY KEY,
    current mood NOT NULL DEFAULT 'fine',
    CONSTRAINT person_not_ok CHECK (current <> 'sad' OR id > 0)
);
CREATE VIEW content AS SELECT id FROM person WHERE current IN ('fine', 'happy');
INSERT INTO person VALUES (1, 'sad'), (2, 'fine'), (3, 'happy'), (4, DEFAULT);
