"""FilterInput: the tree's filter box; ``↓`` (like Enter) goes on into the tree below it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class FilterInput(Input):
    """A one-line filter; Down moves the focus to the next widget (the object tree)."""

    BINDINGS = [
        Binding("down", "leave", "To the tree", show=False, id="filter-down",
                tooltip="Leave the filter box for the tree (Enter does too)."),
    ]

    def action_leave(self) -> None:
        self.screen.focus_next()
