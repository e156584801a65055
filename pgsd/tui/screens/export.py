"""ExportModal: where to write the plan, and the plan options to write it with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from pgsd.ddl.context import PlanOptions


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    options: PlanOptions
    replace: bool = False
    """Replace the file if it exists."""


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

    def __init__(self, path: Path, options: PlanOptions) -> None:
        super().__init__()
        self.default_path = path
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static("Export the plan", classes="dialog-title")
            yield Label("File", classes="field-label")
            yield Input(str(self.default_path), id="export-path")
            yield Static("", id="export-path-error", classes="field-error")
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
        options = PlanOptions(
            safe=self._checked("safe"),
            concurrently=self._checked("concurrently"),
            not_valid=self._checked("not_valid"),
            transaction=self._checked("transaction"),
            lock_timeout=self.options.lock_timeout,
            extension_versions=self.options.extension_versions,
            owners=self.options.owners,
        )
        self.dismiss(ExportRequest(path, options, self._checked("replace")))
