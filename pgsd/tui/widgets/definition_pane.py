"""DefinitionPane: the selected object's SQL on each side, side by side or as one unified diff.

Changed lines are highlighted (green in the source, red in the target); side by side,
the two sides are aligned on the diff, a line one side lacks facing a shaded filler line. The layout is
chosen by width unless the user picked one: side by side from ``SIDE_BY_SIDE_MIN``
columns, unified below (the 80-column case).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Static

from pgsd.tui.definitions import ADDED, REMOVED, side_by_side, unified
from pgsd.tui.widgets.sql_view import SqlView
from pgsd.tui.widgets.title_bar import TitleBar

SIDE_BY_SIDE_MIN = 90


class DefinitionPane(Vertical):
    """Source and target definitions of one object."""

    unified_view: reactive[bool | None] = reactive(None, init=False)
    """True unified, False side by side, None chosen by width."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._texts: tuple[str | None, str | None] = (None, None)
        self._title = ""

    def compose(self) -> ComposeResult:
        yield TitleBar("Definition", id="definition-title", classes="pane-title")
        with Horizontal(id="definition-sides"):
            with Vertical(classes="definition-side"):
                yield Static("source (wanted)", classes="side-title")
                yield SqlView(id="definition-source")
            with Vertical(classes="definition-side", id="definition-target-side"):
                yield Static("target (now)", classes="side-title")
                yield SqlView(id="definition-target")
        yield SqlView(id="definition-unified")

    @property
    def is_unified(self) -> bool:
        if self.unified_view is not None:
            return self.unified_view
        return self.size.width < SIDE_BY_SIDE_MIN

    def on_mount(self) -> None:
        # The two sides are aligned line for line, so they scroll together.
        source = self.query_one("#definition-source", SqlView)
        target = self.query_one("#definition-target", SqlView)
        for one, other in ((source, target), (target, source)):
            self.watch(one, "scroll_y", _follow(other, "y"), init=False)
            self.watch(one, "scroll_x", _follow(other, "x"), init=False)

    def toggle_unified(self) -> None:
        self.unified_view = not self.is_unified

    def watch_unified_view(self) -> None:
        self._refresh_views()

    def on_resize(self, event: Resize) -> None:
        if self.unified_view is None:
            self._refresh_views()

    def show(self, title: str, source: str | None, target: str | None) -> None:
        """Show one object's definitions (None: the object is not on that side); ``title`` is markup."""
        self._title = title
        self._texts = (source, target)
        self._refresh_views()

    def clear(self, message: str = "") -> None:
        self._title = ""
        self.query_one("#definition-title", TitleBar).update(message or "Definition")
        self._texts = (None, None)
        self._refresh_views(empty=True)

    def _show_title(self, unified_mode: bool) -> None:
        if self._title:
            hint = "u: split" if unified_mode else "u: unified"
            self.query_one("#definition-title", TitleBar).update(f"{self._title}  [dim]{hint}[/]")

    def _refresh_views(self, empty: bool = False) -> None:
        source, target = self._texts
        unified_mode = self.is_unified
        self.set_class(unified_mode, "-unified")
        sides = self.query_one("#definition-sides")
        one = self.query_one("#definition-unified", SqlView)
        sides.display = not unified_mode
        one.display = unified_mode
        self._show_title(unified_mode)
        if empty or (source is None and target is None):
            for view in self.query(SqlView):
                view.show("")
            return
        if unified_mode:
            lines = unified(source or "", target or "")
            text = "\n".join(f"{mark} {line}" for mark, line in lines)
            marks = {i: ("added" if mark == ADDED else "removed")
                     for i, (mark, _) in enumerate(lines) if mark in (ADDED, REMOVED)}
            if source is None:
                text = "-- not in the source: the plan drops it\n" + text
                marks = {i + 1: m for i, m in marks.items()}
            elif target is None:
                text = "-- not in the target: the plan creates it\n" + text
                marks = {i + 1: m for i, m in marks.items()}
            one.show(text, marks)
        else:
            diff = side_by_side(source or "", target or "")
            src_view = self.query_one("#definition-source", SqlView)
            tgt_view = self.query_one("#definition-target", SqlView)
            # Both sides are aligned on the diff: a line the other side lacks faces a filler line.
            if source is None:
                src_view.show("-- not in the source")
            else:
                src_view.show(diff.source, {i: "added" for i in diff.source_changed}
                              | {i: "filler" for i in diff.source_filler})
            if target is None:
                tgt_view.show("-- not in the target")
            else:
                tgt_view.show(diff.target, {i: "removed" for i in diff.target_changed}
                              | {i: "filler" for i in diff.target_filler})


def _follow(view: SqlView, axis: str) -> Callable[[float], None]:
    """A watcher that scrolls ``view`` to the same place on ``axis``."""

    def follow(value: float) -> None:
        if axis == "x":
            view.scroll_to(x=value, animate=False)
        else:
            view.scroll_to(y=value, animate=False)

    return follow
