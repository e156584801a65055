"""ExportModal: where to write the plan, in which format, and the plan options to write it with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from pgsd.ddl.context import PlanOptions
from pgsd.workflow import ComparisonRequest


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    request: ComparisonRequest
    """The comparison's request with the dialog's choices of how to write the script."""
    replace: bool = False
    """Replace the file if it exists."""
    fmt: str = "sql"
    """One of pgsd.export.FORMATS: the script, or a review report (markdown, html)."""

    @property
    def options(self) -> PlanOptions:
        return self.request.plan_options()


FORMAT_CHOICES = (
    ("SQL script", "sql", ".sql"),
    ("Markdown report (pull requests)", "markdown", ".md"),
    ("HTML report (one file)", "html", ".html"),
    ("JSON (for programs)", "json", ".json"),
)
_SUFFIXES = {fmt: suffix for _, fmt, suffix in FORMAT_CHOICES}


def format_of(path: Path) -> str:
    """The format a file name asks for by its suffix (the script when it says nothing)."""
    by_suffix = {suffix: fmt for fmt, suffix in _SUFFIXES.items()} | {".markdown": "markdown", ".htm": "html"}
    return by_suffix.get(path.suffix.lower(), "sql")


OPTION_BOXES = (
    ("safe", "Safe: leave out statements that lose data"),
    ("concurrently", "Indexes CONCURRENTLY (outside the transaction)"),
    ("not_valid", "Add constraints NOT VALID, validate after"),
    ("transaction", "Wrap in a transaction"),
)


class ExportModal(ModalScreen[ExportRequest | None]):
    """Ask for a file name and the plan options; returns the request, or None."""

    BINDINGS = [
        Binding("escape", "dismiss_modal", "Cancel", id="export-cancel", tooltip="Close without writing anything."),
        Binding("ctrl+s", "write", "Write", id="export-write", tooltip="Write the plan to the file."),
    ]

    def __init__(self, path: Path, request: ComparisonRequest) -> None:
        super().__init__()
        self.default_path = path
        self.request = request
        self.options = request.plan_options()

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static("Export the plan", classes="dialog-title")
            yield Label("File", classes="field-label")
            yield Input(str(self.default_path), id="export-path")
            yield Static("", id="export-path-error", classes="field-error")
            with Horizontal(id="export-format-row"):
                yield Label("Format", id="export-format-label")
                yield Select([(label, fmt) for label, fmt, _ in FORMAT_CHOICES], value=format_of(self.default_path),
                             allow_blank=False, id="export-format")
            for name, label in OPTION_BOXES:
                yield Checkbox(label, getattr(self.options, name), id=f"export-{name.replace('_', '-')}")
            yield Checkbox("Replace the file if it exists", False, id="export-replace")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write", variant="primary", id="export-write")
                yield Button("Cancel", id="export-cancel")
        yield Footer(compact=True, show_command_palette=False)  # the dialog's keys, not the screen's below

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _checked(self, name: str) -> bool:
        return self.query_one(f"#export-{name.replace('_', '-')}", Checkbox).value

    @on(Select.Changed, "#export-format")
    def follow_format(self, event: Select.Changed) -> None:
        """Give the file name the suffix of the chosen format (``migration.sql`` -> ``migration.md``)."""
        box = self.query_one("#export-path", Input)
        text = box.value.strip()
        if text and isinstance(event.value, str) and format_of(Path(text)) != event.value:
            box.value = str(Path(text).with_suffix(_SUFFIXES[event.value]))

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export-cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-write")
    def action_write(self) -> None:
        error = self.query_one("#export-path-error", Static)
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            error.update("Give a file name.")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            error.update("That is a directory: give a file name.")
            return
        if not path.parent.exists():
            error.update(f"The directory {path.parent} does not exist.")
            return
        if path.exists() and not self._checked("replace"):
            error.update("The file exists: tick “Replace” to overwrite it.")
            return
        # only how the script is written changes; owners and extension versions follow the comparison
        request = self.request.with_plan_choices(**{name: self._checked(name) for name, _ in OPTION_BOXES})
        fmt = self.query_one("#export-format", Select).value
        self.dismiss(ExportRequest(path, request, self._checked("replace"), fmt if isinstance(fmt, str) else "sql"))
