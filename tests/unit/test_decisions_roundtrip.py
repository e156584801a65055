"""The decisions file the app writes (``decisions_toml``) reads back as the same decisions."""

from __future__ import annotations

from pathlib import Path

from pgsd.export import write_atomic
from pgsd.workflow.decisions import Decisions, RenameDecision, parse_decisions, read_decisions

AWKWARD = 'we"ird\\name\ttab\nline\x7f é'
"""Quotes, a backslash, control characters and non-ASCII in one name."""


def test_written_decisions_read_back_the_same(tmp_path: Path) -> None:
    from pgsd.workflow.decisions import decisions_toml

    decisions = Decisions(
        renames=(RenameDecision("shop.customer", "shop.client", "table"),
                 RenameDecision(f'shop."{AWKWARD}"', 'shop."new ""one"""'),
                 RenameDecision("shop.f(bigint, text)", "shop.g(bigint, text)", "function")),
        left_out=("table:shop.legacy_carts", f'column:shop."{AWKWARD}".x'),
        using=(("shop.orders.total", "total::numeric(12,2)"), (f'shop."{AWKWARD}".c', "c::text || '\"'")),
    )
    path = write_atomic(tmp_path / "d.toml", decisions_toml(decisions))
    assert read_decisions(path) == decisions
    assert parse_decisions(decisions_toml(Decisions())) == Decisions()
