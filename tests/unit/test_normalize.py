"""Textual-only differences: forgiven across major versions, not between equals."""

from __future__ import annotations

from pgsd.diff.normalize import same_meaning


def test_layout_is_always_forgiven():
    assert same_meaning("definition", " SELECT a,\n    b\n   FROM t;", "SELECT a, b FROM t")


def test_single_table_qualifiers_forgiven_only_across_versions():
    old, new = " SELECT t.id,\n    t.category\n   FROM public.t;", " SELECT id,\n    category\n   FROM public.t;"
    assert same_meaning("definition", old, new, across_versions=True)
    assert not same_meaning("definition", old, new, across_versions=False)


def test_a_real_change_is_never_textual():
    assert not same_meaning("default", "now()", "CURRENT_TIMESTAMP", across_versions=False)
    assert not same_meaning("definition", " SELECT a.id FROM a JOIN b ON a.x = b.x;", " SELECT b.id FROM a JOIN b ON a.x = b.x;")
    assert not same_meaning("definition", "SELECT 1", "SELECT 2")


def test_function_bodies_compare_exactly():
    a = "CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\nAS $$ SELECT 1 $$"
    assert not same_meaning("definition", a, a.replace("SELECT 1", "SELECT  1"))
