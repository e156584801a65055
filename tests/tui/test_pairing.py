"""The app's pairing as data (pgsd.tui.pairing): what the picker offers, and that the decision it
makes resolves with ``compare_with_decisions`` to exactly the pair picked, with nothing stale."""

from __future__ import annotations

from pgsd.model.objects import Column, Function, Schema, Table
from pgsd.model.snapshot import Snapshot
from pgsd.tui.entries import DiffIndex
from pgsd.tui.pairing import counterparts, current_decisions, pair_decision, swapped, with_pair, without_rename
from pgsd.workflow import ComparisonRequest, compare_with_decisions
from pgsd.workflow.decisions import RenameDecision


def _cols(table: str, *cols: tuple[str, str]) -> list[Column]:
    return [Column(schema_name="shop", table=table, name=n, type=t, position=i) for i, (n, t) in enumerate(cols, 1)]


def _fn(name: str, args: str, body: str) -> Function:
    return Function(schema_name="shop", name=name, argument_types=args, identity_arguments=args, arguments=args,
                    result="integer", definition=f"CREATE FUNCTION shop.{name}({args}) RETURNS integer AS $$ {body} $$")


def snapshots() -> tuple[Snapshot, Snapshot]:
    """The target's customer(id, mail, phone) is the source's client(id, email, phone, fax); f(integer)
    is g(integer), next to an overload f(text) that stays."""
    source = Snapshot(objects=(Schema(name="shop"), Table(schema_name="shop", name="client"),
                               *_cols("client", ("id", "bigint"), ("email", "text"), ("phone", "text"), ("fax", "text")),
                               Table(schema_name="shop", name="other"), *_cols("other", ("extra", "text")),
                               _fn("g", "integer", "SELECT 1"), _fn("f", "text", "SELECT 2")))
    target = Snapshot(objects=(Schema(name="shop"), Table(schema_name="shop", name="customer"),
                               *_cols("customer", ("id", "bigint"), ("mail", "text"), ("phone", "text")),
                               Table(schema_name="shop", name="other"),
                               _fn("f", "integer", "SELECT 1"), _fn("f", "text", "SELECT 2")))
    return source, target


def test_a_column_of_a_renamed_table_pairs_within_its_table() -> None:
    source, target = snapshots()
    request = ComparisonRequest(renames=(RenameDecision("shop.customer", "shop.client"),))
    cs = compare_with_decisions(source=source, target=target, request=request).changes
    removed = "column:shop.client.mail"  # the target's column, under its table's new name
    assert cs.by_key[removed].status.value == "removed"
    # columns of the same table only: not other.extra
    assert [p.key for p in counterparts(cs, removed)] == ["column:shop.client.email", "column:shop.client.fax"]
    decision = pair_decision(cs, target, source, removed, "column:shop.client.email")
    assert decision == RenameDecision("shop.customer.mail", "shop.client.email", "column")  # as the target names it
    after = compare_with_decisions(source=source, target=target, request=with_pair(request, decision)).changes
    assert after.stale_decisions == ()
    assert after.by_key["column:shop.client.email"].renamed_from == "column:shop.customer.mail"
    index = DiffIndex.build(after)
    assert index.by_key["table:shop.client"].note == "renamed from customer"
    assert index.by_key["column:shop.client.email"].note == "renamed from customer.mail"
    assert "column:shop.client.mail" not in index.by_key

    # the saved decisions name both renames; taking the column's back leaves the table's
    saved = current_decisions(with_pair(request, decision), after, {"column:shop.client.fax", "gone"})
    assert [(r.old, r.new) for r in saved.renames] == [("shop.customer", "shop.client"),
                                                        ("shop.customer.mail", "shop.client.email")]
    assert saved.left_out == ("column:shop.client.fax",)
    back = without_rename(with_pair(request, decision), after, "column:shop.client.email")
    assert back.renames == request.renames


def test_an_overloaded_function_is_named_with_its_arguments() -> None:
    source, target = snapshots()
    cs = compare_with_decisions(source=source, target=target, request=ComparisonRequest()).changes
    decision = pair_decision(cs, target, source, "function:shop.f(integer)", "function:shop.g(integer)")
    assert decision == RenameDecision("shop.f(integer)", "shop.g(integer)", "function")
    after = compare_with_decisions(source=source, target=target,
                                   request=ComparisonRequest(renames=(decision,))).changes
    assert after.stale_decisions == ()
    assert after.by_key["function:shop.g(integer)"].renamed_from == "function:shop.f(integer)"
    assert "function:shop.f(text)" in source.by_key and "function:shop.f(text)" in target.by_key
    # the overload that stays is not renamed along with it (its definition says f, as on both sides)
    assert "function:shop.f(text)" not in after.by_key
    assert "shop.g(" not in after.target.by_key["function:shop.f(text)"].definition
    assert "shop.g(integer)" in after.target.by_key["function:shop.g(integer)"].definition


def test_a_swap_turns_the_decisions_round() -> None:
    request = ComparisonRequest(renames=(RenameDecision("shop.customer", "shop.client", "table"),))
    assert swapped(request).renames == (RenameDecision("shop.client", "shop.customer", "table"),)
    assert swapped(swapped(request)) == request
