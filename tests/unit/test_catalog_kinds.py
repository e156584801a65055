"""Pure helpers of the loaders for the catalog kinds (text search, operators, casts, ...)."""

from __future__ import annotations

from pgsd.catalog.loaders.text_search import split_options


def test_dictionary_options_split_outside_quotes_and_sort_by_name():
    text = "stopwords = 'a, b', language = 'it''s', accept = 'false'"
    assert split_options(text) == ("accept = 'false'", "language = 'it''s'", "stopwords = 'a, b'")
    assert split_options(None) == ()
    assert split_options("") == ()
