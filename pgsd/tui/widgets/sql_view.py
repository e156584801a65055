"""SqlView: read-only, syntax-highlighted SQL with whole-line marks (diff lines, hazards).

A TextArea (virtualised, tree-sitter highlighting) that adds its own highlight names on
top of the SQL ones: ``pgsd.added`` / ``pgsd.removed`` / ``pgsd.changed`` / ``pgsd.filler``
backgrounds for lines given in ``marks``, and ``pgsd.hazard`` for every ``-- hazard`` comment line. Two
themes (dark and light) follow the app theme.
"""

from __future__ import annotations

from rich.style import Style
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

HAZARD_PREFIX = "-- hazard"


def _themes() -> tuple[TextAreaTheme, TextAreaTheme]:
    dark_base = TextAreaTheme.get_builtin_theme("css")
    light_base = TextAreaTheme.get_builtin_theme("github_light")
    dark = TextAreaTheme(
        name="pgsd-dark",
        syntax_styles={
            **(dark_base.syntax_styles if dark_base else {}),
            "pgsd.added": Style(bgcolor="#1d4026"),
            "pgsd.removed": Style(bgcolor="#4d1f26"),
            "pgsd.changed": Style(bgcolor="#45391a"),
            "pgsd.filler": Style(bgcolor="#2b2b2b"),
            "pgsd.hazard": Style(color="#ff9e80", bold=True),
        },
    )
    light = TextAreaTheme(
        name="pgsd-light",
        syntax_styles={
            **(light_base.syntax_styles if light_base else {}),
            "pgsd.added": Style(bgcolor="#cdf2d5"),
            "pgsd.removed": Style(bgcolor="#f9d0d3"),
            "pgsd.changed": Style(bgcolor="#f7ecc0"),
            "pgsd.filler": Style(bgcolor="#ececec"),
            "pgsd.hazard": Style(color="#b3261e", bold=True),
        },
    )
    return dark, light


class SqlView(TextArea):
    """Read-only SQL with marked lines."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        self.marks: dict[int, str] = {}
        super().__init__(
            text,
            language="sql",
            theme="css",
            read_only=True,
            soft_wrap=False,
            show_line_numbers=False,
            highlight_cursor_line=False,
            id=id,
            classes=classes,
        )

    def on_mount(self) -> None:
        for theme in _themes():
            self.register_theme(theme)
        self._follow_app_theme()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._follow_app_theme())

    def _follow_app_theme(self) -> None:
        self.theme = "pgsd-dark" if self.app.current_theme.dark else "pgsd-light"

    def show(self, text: str, marks: dict[int, str] | None = None) -> None:
        """Replace the text; ``marks`` maps 0-based line numbers to added/removed/changed.

        The text is replaced as one edit of the document rather than loaded anew:
        loading compiles the highlight query again (tens of milliseconds), an edit only
        re-parses the text.
        """
        self.marks = marks or {}
        if text == self.text:
            self._build_highlight_map()
            self.refresh()
        else:
            self.replace(text, (0, 0), self.document.end, maintain_selection_offset=False)
            self.history.clear()
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def _build_highlight_map(self) -> None:
        super()._build_highlight_map()
        highlights = self._highlights
        for line, mark in self.marks.items():
            highlights[line].append((0, None, f"pgsd.{mark}"))
        for i, text in enumerate(self.document.lines):
            if text.startswith(HAZARD_PREFIX):
                highlights[i].append((0, None, "pgsd.hazard"))
