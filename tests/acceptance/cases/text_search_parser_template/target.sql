CREATE SCHEMA fts;
CREATE TEXT SEARCH PARSER fts.words (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
                                     LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH TEMPLATE fts.plain (INIT = dsynonym_init, LEXIZE = dsynonym_lexize);
CREATE TEXT SEARCH DICTIONARY fts.plain_stop (TEMPLATE = fts.plain, synonyms = 'synonym_sample');
CREATE TEXT SEARCH CONFIGURATION fts.cfg (PARSER = fts.words);
ALTER TEXT SEARCH CONFIGURATION fts.cfg ADD MAPPING FOR asciiword, word WITH fts.plain_stop;
CREATE TABLE fts.note (id int PRIMARY KEY, body text);
CREATE INDEX note_fts ON fts.note USING gin (to_tsvector('fts.cfg'::regconfig, body));
INSERT INTO fts.note VALUES (1, 'a note about parsers'), (3, 'more');
