"""Pictures of pairing a rename: the suggestion on the removed row, the picker, and the pair as one ``~`` row.

The shop comparison of tests/tui/fakes.py with ``legacy_carts`` renamed ``carts`` in the source
(canned plans and definitions: stable text). Review the SVGs after ``--snapshot-update``.
"""

from __future__ import annotations

from pgsd.model.objects import Column, Table
from pgsd.tui.app import PgsdApp
from pgsd.tui.widgets.object_tree import ObjectTree
from tests.tui.conftest import settle
from tests.tui.fakes import SRC, TGT, FakeBackend, shop_pair

SIZE = (120, 34)


def renamed_app() -> PgsdApp:
    source, target = shop_pair()
    carts = [Table(schema_name="shop", name="carts"),
             Column(schema_name="shop", table="carts", name="id", type="integer", not_null=True, position=1)]
    source = source.model_copy(update={"objects": tuple(sorted([*source.objects, *carts], key=lambda o: o.key))})
    return PgsdApp(SRC, TGT, backend=FakeBackend(source, target, canned=True))


async def on_removed(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    pilot.app.screen.query_one(ObjectTree).select_key("table:shop.legacy_carts")
    await settle(pilot)


def test_rename_suggested(snap_compare) -> None:  # noqa: ANN001
    """``→ rename to carts? (same 1 column)`` on the removed row; the footer offers m Pair and R Accept."""
    assert snap_compare(renamed_app(), terminal_size=SIZE, run_before=on_removed)


def test_rename_picker(snap_compare) -> None:  # noqa: ANN001
    async def open_picker(pilot) -> None:  # noqa: ANN001
        await on_removed(pilot)
        await pilot.press("m")
        await pilot.pause()

    assert snap_compare(renamed_app(), terminal_size=SIZE, run_before=open_picker)


def test_renamed_pair(snap_compare) -> None:  # noqa: ANN001
    """Accepted: one ``~`` row renamed from legacy_carts, the definitions of both, and m Unpair."""
    async def accept(pilot) -> None:  # noqa: ANN001
        await on_removed(pilot)
        await pilot.press("R")
        await settle(pilot)
        pilot.app.clear_notifications()  # the "Paired" toast would make the picture depend on timing
        await pilot.pause()

    assert snap_compare(renamed_app(), terminal_size=SIZE, run_before=accept)
