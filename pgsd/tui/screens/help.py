"""HelpScreen: every key binding of the app, by screen, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

SECTIONS: list[tuple[str, str]] = [
    ("Everywhere", "pgsd.tui.app:PgsdApp"),
    ("Connections", "pgsd.tui.screens.connections:ConnectionsScreen"),
    ("Profile form", "pgsd.tui.screens.profile_form:ProfileModal"),
    ("Compare", "pgsd.tui.screens.compare:CompareScreen"),
    ("Object tree", "pgsd.tui.widgets.object_tree:ObjectTree"),
    ("Export dialog", "pgsd.tui.screens.export:ExportModal"),
    ("Options dialog", "pgsd.tui.screens.options:OptionsModal"),
    ("Apply dialog", "pgsd.tui.screens.apply:ApplyModal"),
    ("Rename picker", "pgsd.tui.screens.renames:RenamePicker"),
    ("Decisions file dialog", "pgsd.tui.screens.renames:DecisionsFileModal"),
]

LEGEND = (
    "[b]Tree markers[/]  [$success]+[/] added (the plan creates it)  [$error]-[/] removed (dropped)  "
    "[$warning]~[/] changed  [dim]=[/] identical\n"
    "[b]Check boxes[/]   \\[x] in the plan  \\[d] pulled in because a selected change needs it  \\[ ] left out"
)


def _load(path: str) -> type:
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def binding_rows(app) -> list[tuple[str, list[tuple[str, str, str]]]]:  # noqa: ANN001
    """(section, [(keys, description, tooltip)]) for every binding the app declares."""
    out = []
    for title, path in SECTIONS:
        cls = _load(path)
        rows = []
        for b in getattr(cls, "BINDINGS", ()):
            if not isinstance(b, Binding):
                continue
            keys = ", ".join(app.get_key_display(Binding(k.strip(), b.action)) for k in b.key.split(","))
            rows.append((keys, b.description, b.tooltip))
        rows.extend(getattr(cls, "HELP_KEYS", ()))  # keys a field or button of the screen answers
        out.append((title, rows))
    out[0][1].append(("ctrl+p", "Commands", "Open the command palette (every action is there too)."))
    return out


class HelpScreen(ModalScreen[None]):
    """All bindings, grouped by where they apply."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss_help", "Close", id="help-close", tooltip="Close the help."),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("pgsd — keys", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(LEGEND, id="help-legend")
                yield Static(self._table(), id="help-table")
            yield Static("[dim]Esc closes · ↑↓ scroll[/]", id="help-hint")
        yield Footer(compact=True, show_command_palette=False)

    def _table(self) -> Table:
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column("key", style="bold", no_wrap=True, min_width=10)
        table.add_column("action", no_wrap=True)
        table.add_column("what it does", ratio=1)
        for title, rows in binding_rows(self.app):
            table.add_row(Text(title, style="bold underline"), "", "")
            for keys, description, tooltip in rows:
                table.add_row(keys, description, Text(tooltip, style="dim"))
            table.add_row("", "", "")
        return table

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
