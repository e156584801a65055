"""OptionsModal: the comparison's options (what is compared, how the script is written), and
the one-line summary the Compare screen shows of them.

The dialog edits the screen's ``ComparisonRequest``, the value ``pgsd diff`` builds from its
flags; the screen turns it into comparison and plan options with the request's own
``diff_options()`` and ``plan_options()``, so the app and the CLI cannot disagree.
"""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from pgsd.workflow import ComparisonRequest
from pgsd.workflow.options import lock_timeout_value

SCRIPT_BOXES = (
    ("transaction", "Wrap in a transaction", "--no-transaction"),
    ("safe", "Safe: leave out statements that lose data", "--safe"),
    ("concurrently", "Indexes CONCURRENTLY (outside the transaction)", "--concurrently"),
    ("not_valid", "Add constraints NOT VALID, validate after", "--not-valid"),
    ("commit_data_loss_early", "Let data-loss statements commit early", "--commit-data-loss-early"),
)
"""(request field, label, the `pgsd diff` flag): how the script is written (re-plans only)."""

COMPARE_BOXES = (
    ("privileges", "Privileges (grants, default privileges)", "--no-privileges"),
    ("owners", "Owners", "--owners"),
    ("comments", "Comments", "--no-comments"),
    ("extension_versions", "Extension versions (pinned on create)", "--ignore-extension-versions"),
)
"""(request field, label, the `pgsd diff` flag): what is compared (compares again)."""


def options_summary(request: ComparisonRequest) -> str:
    """The options in a few words, as markup: ``in a transaction · safe · owners``.

    Always says whether the script is one transaction; otherwise only what differs from
    `pgsd diff` without flags, so the line stays short and anything unusual stands out.
    """
    default = ComparisonRequest()
    parts = ["in a transaction" if request.transaction else "[$warning]no transaction[/]"]
    if request.safe:
        parts.append("[b $warning]safe[/]: data loss left out")
    if request.concurrently:
        parts.append("indexes concurrently")
    if request.not_valid:
        parts.append("NOT VALID first")
    if request.commit_data_loss_early:
        parts.append("data loss commits early")
    if request.lock_timeout:
        parts.append(f"lock timeout {escape(request.lock_timeout)}")
    if request.using:
        parts.append(f"{len(request.using)} USING")
    for name, word in (("privileges", "privileges"), ("owners", "owners"), ("comments", "comments"),
                       ("extension_versions", "extension versions")):
        value = getattr(request, name)
        if value != getattr(default, name):
            parts.append(word if value else f"no {word}")
    return " · ".join(parts)


class OptionsModal(ModalScreen[ComparisonRequest | None]):
    """Change the comparison's options; returns the new request, or None when nothing is to change."""

    BINDINGS = [
        Binding("escape", "close", "Cancel", id="options-cancel", tooltip="Close without changing anything."),
        Binding("ctrl+s", "use", "Use", id="options-use", tooltip="Use these options (re-plans, or compares again)."),
    ]

    def __init__(self, request: ComparisonRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(id="options-dialog", classes="dialog"):
            yield Static("Options of the comparison", classes="dialog-title")
            yield Label("How the script is written", classes="options-group")
            for name, label, _ in SCRIPT_BOXES:
                yield Checkbox(label, getattr(self.request, name), id=_box_id(name))
            with Horizontal(id="options-lock-row"):
                yield Label("Lock timeout", id="options-lock-label")
                yield Input(self.request.lock_timeout or "", placeholder="none (e.g. 5s)", id="options-lock-timeout")
            yield Static("", id="options-error", classes="field-error")
            yield Label("What is compared", classes="options-group")
            for name, label, _ in COMPARE_BOXES:
                yield Checkbox(label, getattr(self.request, name), id=_box_id(name))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use", variant="primary", id="options-use")
                yield Button("Cancel", id="options-cancel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(f"#{_box_id(SCRIPT_BOXES[0][0])}", Checkbox).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#options-cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#options-lock-timeout")
    @on(Button.Pressed, "#options-use")
    def action_use(self) -> None:
        text = self.query_one("#options-lock-timeout", Input).value.strip()
        error = self.query_one("#options-error", Static)
        try:
            lock_timeout = lock_timeout_value(text) if text else None
        except ValueError as e:
            error.update(f"Lock timeout: {e}.")
            error.add_class("-shown")
            return
        request = self.request.with_plan_choices(**{name: self._checked(name) for name, _, _ in SCRIPT_BOXES},
                                                 lock_timeout=lock_timeout)
        request = replace(request, privileges=self._checked("privileges"), owners=self._checked("owners"),
                          comments=self._checked("comments"), extension_versions=self._checked("extension_versions"))
        self.dismiss(None if request == self.request else request)

    def _checked(self, name: str) -> bool:
        return self.query_one(f"#{_box_id(name)}", Checkbox).value


def _box_id(name: str) -> str:
    return f"options-{name.replace('_', '-')}"
