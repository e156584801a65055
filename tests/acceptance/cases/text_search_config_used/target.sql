CREATE SCHEMA fts;
CREATE TEXT SEARCH DICTIONARY fts.stem (TEMPLATE = snowball, language = 'english', stopwords = 'english');
CREATE TEXT SEARCH DICTIONARY fts.stop (TEMPLATE = simple, stopwords = 'english');
CREATE TEXT SEARCH DICTIONARY fts.old_stop (TEMPLATE = simple, stopwords = 'english');
CREATE TEXT SEARCH CONFIGURATION fts.docs (PARSER = pg_catalog."default");
ALTER TEXT SEARCH CONFIGURATION fts.docs ADD MAPPING FOR asciiword WITH fts.stem;
ALTER TEXT SEARCH CONFIGURATION fts.docs ADD MAPPING FOR email, url WITH fts.old_stop;
CREATE TEXT SEARCH CONFIGURATION fts.legacy (PARSER = pg_catalog."default");
ALTER TEXT SEARCH CONFIGURATION fts.legacy ADD MAPPING FOR asciiword WITH fts.old_stop;
CREATE TABLE fts.doc (
    id int PRIMARY KEY,
    body text,
    lang regconfig DEFAULT 'fts.docs'::regconfig,
    words tsvector GENERATED ALWAYS AS (to_tsvector('fts.docs'::regconfig, coalesce(body, ''))) STORED
);
CREATE INDEX doc_legacy ON fts.doc USING gin (to_tsvector('fts.legacy'::regconfig, body));
INSERT INTO fts.doc (id, body) VALUES (1, 'The quick brown foxes'), (2, 'jumped over 42 lazy dogs'), (4, 'mail me at a@b.org');
