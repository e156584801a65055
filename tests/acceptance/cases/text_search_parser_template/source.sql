-- A parser and a template (made from the built-in C functions: this needs a superuser),
-- a dictionary on the template and a configuration on the parser, used by an index.
-- The parser's headline function differs, so the parser and what uses it are recreated.
CREATE SCHEMA fts;
CREATE TEXT SEARCH PARSER fts.words (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
                                     LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
COMMENT ON TEXT SEARCH PARSER fts.words IS 'the default parser, again';
CREATE TEXT SEARCH TEMPLATE fts.plain (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH DICTIONARY fts.plain_stop (TEMPLATE = fts.plain, stopwords = 'english');
CREATE TEXT SEARCH CONFIGURATION fts.cfg (PARSER = fts.words);
ALTER TEXT SEARCH CONFIGURATION fts.cfg ADD MAPPING FOR asciiword WITH fts.plain_stop;
CREATE TABLE fts.note (id int PRIMARY KEY, body text);
CREATE INDEX note_fts ON fts.note USING gin (to_tsvector('fts.cfg'::regconfig, body));
INSERT INTO fts.note VALUES (1, 'a note about parsers'), (2, 'and templates');
