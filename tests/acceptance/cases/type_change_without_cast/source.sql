CREATE TABLE events (
    id int PRIMARY KEY,
    happened timestamp,
    flag boolean,
    doc jsonb,
    note integer
);
INSERT INTO events VALUES (3, '2024-01-01 10:00', true, '{"b": 2}', 7);
