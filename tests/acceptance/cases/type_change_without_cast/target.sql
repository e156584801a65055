CREATE TABLE events (
    id int PRIMARY KEY,
    happened bigint,
    flag integer,
    doc json,
    note text
);
INSERT INTO events VALUES (1, 1700000000000, 1, '{"a": 1}', '12'), (2, NULL, 0, NULL, NULL);
