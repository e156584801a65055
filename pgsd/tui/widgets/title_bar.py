"""TitleBar: one line of markup that repaints without asking for a new layout.

``Static.update`` refreshes the layout of the whole screen, which costs tens of
milliseconds on a busy screen; pane titles and status lines have a fixed height, so
they only need repainting (this is what keeps a cursor move cheap).
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class TitleBar(Widget):
    """A fixed-height line of Textual markup."""

    DEFAULT_CSS = """
    TitleBar {
        height: 1;
    }
    """

    text: reactive[str] = reactive("", layout=False)
    """The markup shown."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(TitleBar.text, text)

    def update(self, text: str) -> None:
        self.text = text

    def render(self) -> Content:
        try:
            return Content.from_markup(self.text)
        except Exception:  # noqa: BLE001 - show what we have rather than nothing
            return Content(self.text)
