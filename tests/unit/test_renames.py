"""Renames without a database: name rewriting, candidates (and false positives), decisions, stale ones."""

from __future__ import annotations

import time

import pytest

from pgsd.ddl.planner import build_plan
from pgsd.diff.changes import Status, diff_snapshots
from pgsd.diff.rename_candidates import find_rename_candidates
from pgsd.diff.renames import parse_name, rename_target, resolve_renames, split_decision
from pgsd.diff.sqlnames import NameRewriter
from pgsd.model.objects import Column, Constraint, EnumType, Function, Schema, Table, View
from pgsd.model.snapshot import Dependency, Snapshot
from pgsd.workflow.decisions import (
    Decisions,
    DecisionsFileError,
    RenameDecision,
    compare_with_decisions,
    decisions_toml,
    parse_decisions,
)
from pgsd.workflow.options import ComparisonRequest


def snap(*objects, deps=()) -> Snapshot:
    return Snapshot(objects=tuple(sorted(objects, key=lambda o: o.key)), dependencies=tuple(Dependency(*d) for d in deps))


def table(name: str, *columns: tuple[str, str], schema: str = "s", pk: bool = True) -> list:
    out: list = [Table(schema_name=schema, name=name)]
    for i, (col, typ) in enumerate(columns, 1):
        out.append(Column(schema_name=schema, table=name, name=col, type=typ, position=i, not_null=col == "id"))
    if pk:
        out.append(Constraint(schema_name=schema, table=name, name=f"{name}_pkey", type="p",
                              definition="PRIMARY KEY (id)", index_name=f"{name}_pkey"))
    return out


SCHEMA = Schema(name="s")


# --------------------------------------------------------------------------- rewriting SQL text


def test_rewriter_follows_qualified_names_but_not_text_bodies():
    rw = NameRewriter(qualified={("s", "customer"): ("s", "client")})
    text = "SELECT c.id FROM s.customer c WHERE 's.customer' <> '' -- s.customer\n AND $x$ s.customer $x$ = ''"
    out = rw.rewrite(text)
    assert out == ("SELECT c.id FROM s.client c WHERE 's.customer' <> '' -- s.customer\n"
                   " AND $x$ s.customer $x$ = ''")


def test_rewriter_bare_names_only_where_asked_and_never_types_or_calls():
    rw = NameRewriter(columns={("s", "t", "text"): "body"})
    text = "SELECT t.text, text(t.text), 'a'::text FROM s.t"
    assert rw.rewrite(text) == text  # no bare map: nothing but qualified names changes
    out = rw.rewrite(text, {"text": "body"})
    assert out == "SELECT t.body, text(t.body), 'a'::text FROM s.t"


def test_rewriter_regclass_and_enum_labels_and_hostile_names():
    rw = NameRewriter(qualified={("s", "seq"): ("s", 'we"ird\nseq')}, labels={("s", "e"): {"a": "it's"}})
    out = rw.rewrite("nextval('s.seq'::regclass), 'a'::s.e, 'a'::s.other")
    assert out == "nextval('s.\"we\"\"ird\nseq\"'::regclass), 'it''s'::s.e, 'a'::s.other"


def test_view_keeps_the_output_name_of_a_renamed_column():
    rw = NameRewriter()
    bare = {"qty": "quantity"}
    assert rw.rewrite("SELECT id,\n    qty\n   FROM items\n  WHERE (qty > 0)", bare, query=True) == \
        "SELECT id,\n    quantity AS qty\n   FROM items\n  WHERE (quantity > 0)"
    assert rw.rewrite("SELECT id, qty AS quantity FROM items", bare, query=True) == \
        "SELECT id, quantity FROM items"


# --------------------------------------------------------------------------- names in decisions


def test_parse_names():
    assert parse_name('shop."My Table".Col') == ("shop", "My Table", "col")
    assert parse_name("s.f(integer,  text)") == ("s", "f(integer, text)")
    assert split_decision('s."a=b"=s.c') == ('s."a=b"', "s.c")
    with pytest.raises(ValueError, match="not OLD=NEW"):
        split_decision("s.a")
    with pytest.raises(ValueError, match="unterminated"):
        parse_name('s."a')


def test_rename_of_a_table_becomes_one_change_and_its_columns_follow():
    target = snap(SCHEMA, *table("customer", ("id", "integer"), ("name", "text")))
    source = snap(SCHEMA, *table("client", ("id", "integer"), ("name", "text")))
    renames, stale = resolve_renames([("s.customer", "s.client")], source=source, target=target)
    assert stale == []
    cs = diff_snapshots(source=source, target=target, renames=renames)
    by_key = {c.key: c for c in cs.changes}
    assert by_key["table:s.client"].renamed_from == "table:s.customer"
    assert by_key["table:s.client"].is_rename_only
    # the primary key kept its name: it is the one difference left
    assert {c.key: c.status for c in cs.changes if c.key.startswith("constraint")} == {
        "constraint:s.client.client_pkey": Status.ADDED, "constraint:s.client.customer_pkey": Status.REMOVED}
    plan = build_plan(cs)
    assert plan.statements[0].sql == "ALTER TABLE s.customer RENAME TO client"
    assert not any("DROP TABLE" in s.sql or "CREATE TABLE" in s.sql for s in plan.statements)


def test_stale_decisions_say_why():
    target = snap(SCHEMA, *table("a", ("id", "integer")), *table("b", ("id", "integer")))
    source = snap(SCHEMA, *table("b", ("id", "integer")), *table("c", ("id", "integer")))
    _, stale = resolve_renames([("s.nope", "s.c"), ("s.a", "s.nope"), ("s.b", "s.c"), ("s.a", "s.b"),
                                ("s.x", "s.b")], source=source, target=target)
    assert stale == [
        "rename s.nope=s.c: no s.nope in the target",
        "rename s.a=s.nope: no s.nope in the source",
        "rename s.b=s.c: it is still in the source (a rename's old name must be gone from it)",
        "rename s.a=s.b: the new name is taken in the target",
        "rename s.x=s.b: already done (s.b is in the target and s.x is not)",
    ]


def test_column_rename_needs_its_table_renamed():
    target = snap(SCHEMA, *table("a", ("id", "integer"), ("x", "text")))
    source = snap(SCHEMA, *table("b", ("id", "integer"), ("y", "text")))
    renames, stale = resolve_renames([("s.a.x", "s.b.y")], source=source, target=target)
    assert stale == []
    done = rename_target(target, renames, source=source)
    assert done.stale == ("rename s.a.x=s.b.y: its table is not renamed to s.b (rename the table too)",)
    renames, _ = resolve_renames([("s.a", "s.b"), ("s.a.x", "s.b.y")], source=source, target=target)
    done = rename_target(target, renames, source=source)
    assert done.stale == ()
    assert done.target.get("column:s.b.y") is not None


# --------------------------------------------------------------------------- candidates


def test_exact_table_candidate_with_its_children():
    target = snap(SCHEMA, *table("customer", ("id", "integer"), ("name", "text")), *table("keep", ("id", "integer")))
    source = snap(SCHEMA, *table("client", ("id", "integer"), ("name", "text")), *table("keep", ("id", "integer")))
    found = find_rename_candidates(source=source, target=target)
    assert [(c.kind, c.before_name, c.after_name, c.exact) for c in found] == [
        ("table", "s.customer", "s.client", True),
        ("constraint", "s.customer.customer_pkey", "s.client.client_pkey", True),
    ]
    assert found[0].reason == "same 2 columns and 1 constraint"
    assert found[0].option == "--rename s.customer=s.client"
    # the suggestions, pasted back, resolve to the same renames
    renames, stale = resolve_renames([c.decision for c in found], source=source, target=target)
    assert stale == [] and [r.after for r in renames] == [c.after for c in found]


def test_similar_tables_are_not_exact():
    """Two alike tables that are not a rename: one column differs in type."""
    target = snap(SCHEMA, *table("audit_log", ("id", "integer"), ("at", "timestamp with time zone"), ("msg", "text")))
    source = snap(SCHEMA, *table("audit_events", ("id", "integer"), ("at", "timestamp with time zone"),
                                 ("msg", "character varying(200)")))
    found = find_rename_candidates(source=source, target=target)
    assert [(c.kind, c.exact) for c in found] == [("table", False)]
    assert found[0].reason == "2 of 4 columns alike" and found[0].score < 1


def test_ambiguous_alike_tables_are_never_exact():
    """Two equal tables dropped and two created: which is which cannot be told, so auto takes none."""
    target = snap(SCHEMA, *table("a1", ("id", "integer")), *table("a2", ("id", "integer")))
    source = snap(SCHEMA, *table("b1", ("id", "integer")), *table("b2", ("id", "integer")))
    found = find_rename_candidates(source=source, target=target)
    assert found and not any(c.exact for c in found)
    cs = compare_with_decisions(source=source, target=target, request=ComparisonRequest(rename_mode="auto")).changes
    assert cs.renames == ()
    assert {c.status for c in cs.changes if c.kind == "table"} == {Status.ADDED, Status.REMOVED}


def test_a_table_without_columns_is_not_exact():
    target = snap(SCHEMA, Table(schema_name="s", name="empty_a"))
    source = snap(SCHEMA, Table(schema_name="s", name="empty_b"))
    assert [c.exact for c in find_rename_candidates(source=source, target=target)] == [False]


def test_column_candidates_use_position_to_break_ties():
    target = snap(SCHEMA, *table("t", ("id", "integer"), ("a", "text"), ("b", "text")))
    source = snap(SCHEMA, *table("t", ("id", "integer"), ("c", "text"), ("d", "text")))
    found = find_rename_candidates(source=source, target=target)
    assert [(c.before_name, c.after_name, c.exact) for c in found] == [
        ("s.t.a", "s.t.c", False), ("s.t.b", "s.t.d", False)]
    target = snap(SCHEMA, *table("t", ("id", "integer"), ("a", "text"), ("n", "integer")))
    source = snap(SCHEMA, *table("t", ("id", "integer"), ("c", "text"), ("m", "bigint")))
    found = find_rename_candidates(source=source, target=target)
    assert [(c.before_name, c.after_name, c.exact) for c in found] == [("s.t.a", "s.t.c", True)]


def test_enum_label_schema_and_move_candidates():
    target = snap(SCHEMA, Schema(name="old"), EnumType(schema_name="s", name="mood", labels=("sad", "ok", "happy")),
                  View(schema_name="old", name="v", definition="SELECT 1", columns=("x",)),
                  Function(schema_name="s", name="f", argument_types="integer", definition="CREATE FUNCTION s.f(integer) ..."))
    source = snap(SCHEMA, Schema(name="new"), EnumType(schema_name="s", name="mood", labels=("sad", "fine", "happy")),
                  View(schema_name="new", name="v", definition="SELECT 1", columns=("x",)),
                  Schema(name="other"),
                  Function(schema_name="other", name="f", argument_types="integer",
                           definition="CREATE FUNCTION other.f(integer) ..."))
    found = {(c.kind, c.before_name, c.after_name, c.exact, c.reason) for c in find_rename_candidates(source=source,
                                                                                                      target=target)}
    assert ("enum_label", "s.mood.ok", "s.mood.fine", True, "label at position 2 of 3") in found
    assert ("schema", "old", "new", True, "same 1 object inside") in found
    assert ("function", "s.f(integer)", "other.f(integer)", True, "moved to schema other: same arguments and body") \
        in found


def test_auto_takes_exact_candidates_and_keeps_the_rest_as_suggestions():
    target = snap(SCHEMA, *table("customer", ("id", "integer"), ("name", "text")),
                  *table("audit_log", ("id", "integer"), ("msg", "text"), ("x", "text")))
    source = snap(SCHEMA, *table("client", ("id", "integer"), ("name", "text")),
                  *table("audit", ("id", "integer"), ("msg", "text"), ("y", "integer")))
    replayed = compare_with_decisions(source=source, target=target, request=ComparisonRequest(rename_mode="auto"))
    cs = replayed.changes
    assert [(r.kind, r.before_name, r.after_name) for r in cs.renames] == [
        ("table", "s.customer", "s.client"), ("constraint", "s.customer.customer_pkey", "s.client.client_pkey")]
    assert [(c.before_name, c.exact) for c in cs.rename_candidates] == [("s.audit_log", False)]
    off = compare_with_decisions(source=source, target=target, request=ComparisonRequest(rename_mode="off")).changes
    assert off.renames == () and off.rename_candidates == ()


def test_candidates_stay_linear_at_10000_tables():
    """Bucketed by signature: 10,000 renamed tables (each alike only to its partner) are found quickly."""
    n = 10_000
    tgt: list = [SCHEMA]
    src: list = [SCHEMA]
    for i in range(n):
        tgt += table(f"old_{i}", ("id", "integer"), (f"c{i}", "text"), pk=False)
        src += table(f"new_{i}", ("id", "integer"), (f"c{i}", "text"), pk=False)
    target, source = snap(*tgt), snap(*src)
    started = time.perf_counter()
    found = find_rename_candidates(source=source, target=target)
    seconds = time.perf_counter() - started
    assert len(found) == n and all(c.exact for c in found)
    assert seconds < 60, f"{seconds:.1f}s for {n} tables"


# --------------------------------------------------------------------------- decisions file


def test_decisions_file_round_trip_with_hostile_names():
    hostile = 'sh"op\\\n\x1b[31m.\u2028t'
    decisions = Decisions(renames=(RenameDecision(f'"{hostile}"', "s.b"), RenameDecision("s.t.c", "s.t.d", "constraint")),
                          left_out=("table:s.\"x\ny\"",), using=(("s.t.c", "c::text || '\"'"),))
    text = decisions_toml(decisions)
    assert "\n\n[[rename]]\nold = " in text and "\x1b" not in text and "\u2028" not in text
    assert parse_decisions(text) == decisions


@pytest.mark.parametrize(("text", "message"), [
    ("[[rename]\nold = 1", "is not valid TOML"),
    ("version = 2", "has version 2; this pgsd reads version 1"),
    ("renames = []", "unknown key 'renames'"),
    ("[[rename]]\nold = 's.a'", 'needs new = "..."'),
    ("[[rename]]\nold = 's.a'\nnew = 's.b'\nkind = 'bogus'", "kind 'bogus' is not one of"),
    ("rename = 3", "rename must be a list of tables"),
    ("[[using]]\ncolumn = 's.t.c'\nexpression = 'x'\nwhy = 1", "has an unknown key 'why'"),
])
def test_malformed_decisions_are_one_line(text, message):
    with pytest.raises(DecisionsFileError) as e:
        parse_decisions(text, name="decisions file d.toml")
    assert message in str(e.value) and "\n" not in str(e.value)


def test_stale_left_out_and_using_are_reported_not_ignored():
    target = snap(SCHEMA, *table("t", ("id", "integer"), ("a", "text")))
    source = snap(SCHEMA, *table("t", ("id", "integer"), ("a", "integer")), *table("u", ("id", "integer")))
    request = ComparisonRequest(decisions=Decisions(
        left_out=("table:s.u", "table:s.gone"), using=(("s.t.a", "a::integer"), ("s.t.id", "id + 1"), ("x", "1")),
        renames=(RenameDecision("s.nope", "s.u"),)))
    replayed = compare_with_decisions(source=source, target=target, request=request)
    assert replayed.changes.stale_decisions == (
        "stale decision: rename s.nope=s.u: no s.nope in the target",
        "stale decision: leave out table:s.gone: no such change",
        "stale decision: using s.t.id='id + 1': the column's type does not change",
        "stale decision: using x: 'x' is not SCHEMA.TABLE.COLUMN",
    )
    assert replayed.selected is not None and "table:s.u" not in replayed.selected
    plan = build_plan(replayed.changes, request.plan_options(), selected=replayed.selected)
    assert plan.left_out == ("table:s.u",) or "table:s.u" in plan.left_out
    assert any("USING a::integer" in s.sql for s in plan.statements)


def test_decision_for_a_pair_the_app_makes():
    from pgsd.workflow.decisions import decision_for

    target = snap(SCHEMA, *table("customer", ("id", "integer"), ("name", "text")),
                  EnumType(schema_name="s", name="mood", labels=("ok",)),
                  Function(schema_name="s", name="f", argument_types="integer", definition="..."))
    source = snap(SCHEMA, *table("Client", ("id", "integer"), ("full name", "text")),
                  EnumType(schema_name="s", name="mood", labels=("fine",)),
                  Function(schema_name="s", name="g", argument_types="integer", definition="..."))
    assert decision_for("table:s.customer", 'table:s."Client"', source=source, target=target) == \
        RenameDecision("s.customer", 's."Client"')
    assert decision_for("column:s.customer.name", 'column:s."Client"."full name"', source=source, target=target) == \
        RenameDecision("s.customer.name", 's."Client"."full name"', "column")
    assert decision_for("enum_label:s.mood.ok", "enum_label:s.mood.fine", source=source, target=target) == \
        RenameDecision("s.mood.ok", "s.mood.fine")
    assert decision_for("function:s.f(integer)", "function:s.g(integer)", source=source, target=target) == \
        RenameDecision("s.f(integer)", "s.g(integer)")
    with pytest.raises(ValueError, match="is not an object of the target"):
        decision_for("table:s.nope", 'table:s."Client"', source=source, target=target)
    # the decisions resolve (a pairing that also changes a column's name is planned as a rename)
    renames, stale = resolve_renames([("s.customer", 's."Client"'), ("s.customer.name", 's."Client"."full name"',
                                                                      "column")], source=source, target=target)
    assert stale == [] and [r.kind for r in renames] == ["table", "column"]


def test_renaming_one_overload_leaves_the_other_named_as_it_is() -> None:
    """f(text) calls f(integer) (a body the catalog tracks): renaming f(integer) to g must not
    rename f(text) too, although the rewriting visits it as a dependent."""
    def fn(name: str, arg: str, body: str) -> Function:
        return Function(schema_name="s", name=name, argument_types=arg, identity_arguments=arg, arguments=arg,
                        result="integer", definition=f"CREATE FUNCTION s.{name}({arg}) RETURNS integer\n BEGIN ATOMIC\n {body};\nEND")
    target = snap(Schema(name="s"), fn("f", "integer", "SELECT 1"), fn("f", "text", "SELECT s.f(1)"),
                  deps=[("function:s.f(text)", "function:s.f(integer)")])
    source = snap(Schema(name="s"), fn("g", "integer", "SELECT 1"), fn("f", "text", "SELECT s.g(1)"),
                  deps=[("function:s.f(text)", "function:s.g(integer)")])
    renames, stale = resolve_renames([("s.f(integer)", "s.g(integer)")], source=source, target=target)
    assert stale == []
    predicted = rename_target(target, renames, source=source).target
    assert "function:s.f(text)" in predicted.by_key
    assert predicted.by_key["function:s.f(text)"].definition.startswith("CREATE FUNCTION s.f(text)")
    assert predicted.by_key["function:s.g(integer)"].definition.startswith("CREATE FUNCTION s.g(integer)")
