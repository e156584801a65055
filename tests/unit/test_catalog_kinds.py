"""Pure helpers of the loaders for the catalog kinds (text search, operators, casts, ...)."""

from __future__ import annotations

from pgsd.catalog.loaders.text_search import split_options


def test_dictionary_options_split_outside_quotes_and_sort_by_name():
    text = "stopwords = 'a, b', language = 'it''s', accept = 'false'"
    assert split_options(text) == ("accept = 'false'", "language = 'it''s'", "stopwords = 'a, b'")
    assert split_options(None) == ()
    assert split_options("") == ()


def test_role_list_settings_are_written_element_by_element():
    from pgsd.ddl.render.roles import setting_value

    assert setting_value("search_path", '"$user", public, "My ""S"""') == "'$user', 'public', 'My \"S\"'"
    assert setting_value("work_mem", "8MB") == "'8MB'"
    assert setting_value("application_name", "it's") == "'it''s'"


def test_dictionary_options_change_in_place_and_removed_ones_are_reset():
    from pgsd.ddl.context import RenderContext
    from pgsd.ddl.render.text_search import TextSearchDictionaryRenderer
    from pgsd.model.objects import TextSearchDictionary
    from pgsd.model.snapshot import Snapshot

    old = TextSearchDictionary(schema_name="s", name="d", template="pg_catalog.simple",
                               options=("accept = 'false'", "stopwords = 'english'"))
    new = old.model_copy(update={"options": ("stopwords = 'german'",)})
    out = TextSearchDictionaryRenderer().alter(old, new, {"options"}, RenderContext(Snapshot(), Snapshot()))
    assert [s.sql for s in out] == ["ALTER TEXT SEARCH DICTIONARY s.d (stopwords = 'german', accept)"]
    moved = old.model_copy(update={"template": "s.other"})
    assert TextSearchDictionaryRenderer().alter(old, moved, {"template"}, RenderContext(Snapshot(), Snapshot())) is None


def test_operator_members_as_class_items_and_family_drops():
    from pgsd.ddl.render.operators import member_drop_sql, member_sql
    from pgsd.model.objects import OperatorMember

    op = OperatorMember(member="operator", number=1, left="integer", right="integer", target="s.<<<",
                        order_by="pg_catalog.integer_ops")
    fn = OperatorMember(member="function", number=1, left="integer", right="integer",
                        target="s.cmp(integer,integer)")
    assert member_sql(op) == "OPERATOR 1 s.<<< (integer, integer) FOR ORDER BY pg_catalog.integer_ops"
    assert member_sql(fn) == "FUNCTION 1 (integer, integer) s.cmp(integer,integer)"
    assert member_drop_sql(fn) == "FUNCTION 1 (integer, integer)"
