CREATE TABLE parent (id int, created timestamptz DEFAULT now(), note text);
CREATE TABLE child (extra int) INHERITS (parent);
CREATE TABLE child2 (id int, own text) INHERITS (parent);
