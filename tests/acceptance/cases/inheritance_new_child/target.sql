CREATE TABLE parent (id int, created timestamptz DEFAULT now());
