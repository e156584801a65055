CREATE TABLE events (id serial, at date NOT NULL, note text, CONSTRAINT events_pkey PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX events_note_idx ON events (note);
CREATE UNIQUE INDEX events_at_id ON events (at, id);
CREATE TABLE logs (id bigserial, kind int NOT NULL, msg text, PRIMARY KEY (id, kind)) PARTITION BY LIST (kind);
CREATE TABLE logs_1 PARTITION OF logs FOR VALUES IN (1);
CREATE INDEX logs_msg ON logs (msg);
CREATE SEQUENCE ticket_seq;
CREATE TABLE tickets (id int DEFAULT nextval('ticket_seq') PRIMARY KEY, body text) PARTITION BY HASH (id);
CREATE TABLE tickets_0 PARTITION OF tickets FOR VALUES WITH (MODULUS 1, REMAINDER 0);
ALTER SEQUENCE ticket_seq OWNED BY tickets.id;
CREATE TABLE keep (id int PRIMARY KEY, label text);
INSERT INTO keep VALUES (1, 'kept');
INSERT INTO events (at, note) VALUES ('2026-03-01', 'new');
INSERT INTO logs (kind, msg) VALUES (1, 'm');
