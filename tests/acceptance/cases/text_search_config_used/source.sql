-- A configuration used by an index expression, a column default and a generated column;
-- its mappings and its dictionaries' options change in place (rows stay).
CREATE SCHEMA fts;
CREATE TEXT SEARCH DICTIONARY fts.stem (TEMPLATE = snowball, language = 'english');
CREATE TEXT SEARCH DICTIONARY fts.stop (TEMPLATE = simple, stopwords = 'english', accept = 'false');
COMMENT ON TEXT SEARCH DICTIONARY fts.stop IS 'drops English stop words';
CREATE TEXT SEARCH CONFIGURATION fts.docs (PARSER = pg_catalog."default");
ALTER TEXT SEARCH CONFIGURATION fts.docs ADD MAPPING FOR asciiword, word WITH fts.stop, fts.stem;
ALTER TEXT SEARCH CONFIGURATION fts.docs ADD MAPPING FOR int, uint WITH simple;
COMMENT ON TEXT SEARCH CONFIGURATION fts.docs IS 'documents';
CREATE TEXT SEARCH CONFIGURATION fts.titles (COPY = pg_catalog.simple);
CREATE TABLE fts.doc (
    id int PRIMARY KEY,
    body text,
    lang regconfig DEFAULT 'fts.docs'::regconfig,
    words tsvector GENERATED ALWAYS AS (to_tsvector('fts.docs'::regconfig, coalesce(body, ''))) STORED
);
CREATE INDEX doc_fts ON fts.doc USING gin (to_tsvector('fts.docs'::regconfig, body));
CREATE INDEX doc_titles ON fts.doc USING gin (to_tsvector('fts.titles'::regconfig, body));
INSERT INTO fts.doc (id, body) VALUES (1, 'The quick brown foxes'), (2, 'jumped over 42 lazy dogs'), (3, NULL);
