"""ProfileModal: add or edit a connection profile, with errors next to their field and a Test button.

Validation is the profile model's own (pydantic): each error is shown under the field it
is about. A password typed here goes to the keyring (``pgsd.profiles.secrets``), never to
the profiles file; without a usable keyring the form says so and suggests the others.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from pgsd import errors
from pgsd.tui.backend import Backend, ServerReport
from pgsd.tui.messages import ServerTested

TEXT_FIELDS = (
    ("name", "Name", "letters, digits, - and _"),
    ("label", "Label", "e.g. Production (optional)"),
    ("colour", "Colour", "e.g. red or #d33 (optional)"),
    ("host", "Host", "localhost"),
    ("port", "Port", "5432"),
    ("dbname", "Database", ""),
    ("user", "User", ""),
)
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
PASSWORD_SOURCES = (
    ("keyring", "OS keyring"),
    ("pgpass", "~/.pgpass"),
    ("env", "PGPASSWORD"),
    ("prompt", "ask each time"),
)


def report_markup(name: str, report: ServerReport) -> str:
    info = report.info
    lines = [
        f"[$success]✓[/] [b]{escape(name)}[/] {escape(report.where)}",
        f"PostgreSQL {escape(info.version)} · database {escape(info.current_database)} · "
        f"role {escape(info.current_user)}{' (superuser)' if info.is_superuser else ''}",
    ]
    lines.extend(f"[$warning]⚠ {escape(w)}[/]" for w in info.warnings)
    return "\n".join(lines)


class ProfileModal(ModalScreen[str | None]):
    """The form of one profile; returns the saved profile's name, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="profile-cancel", tooltip="Close without saving."),
        Binding("ctrl+s", "save", "Save", id="profile-save", tooltip="Validate and save the profile."),
        Binding("ctrl+t", "test", "Test", id="profile-test",
                tooltip="Connect with these settings and show the server version, role and warnings."),
    ]

    def __init__(self, store: Any, profile: Any | None, *, backend: Backend) -> None:
        super().__init__()
        self.store = store
        self.profile = profile
        self.backend = backend

    def compose(self) -> ComposeResult:
        p = self.profile
        with Vertical(id="profile-dialog", classes="dialog"):
            yield Static("Edit profile" if p else "New profile", classes="dialog-title")
            with VerticalScroll(id="profile-fields"):
                for name, label, placeholder in TEXT_FIELDS:
                    value = getattr(p, name, None) if p else None
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        yield Input("" if value is None else str(value), placeholder=placeholder, id=f"field-{name}",
                                    disabled=(name == "name" and p is not None))
                    yield Static("", id=f"error-{name}", classes="field-error")
                with Horizontal(classes="form-row"):
                    yield Label("SSL mode", classes="form-label")
                    yield Select([(m, m) for m in SSL_MODES], value=(getattr(p, "sslmode", None) or Select.NULL),
                                 prompt="libpq default", id="field-sslmode")
                yield Static("", id="error-sslmode", classes="field-error")
                with Horizontal(classes="form-row"):
                    yield Label("Password from", classes="form-label")
                    yield Select([(label, v) for v, label in PASSWORD_SOURCES], allow_blank=False,
                                 value=getattr(p, "password_source", "keyring"), id="field-password_source")
                with Horizontal(classes="form-row"):
                    yield Label("Password", classes="form-label")
                    yield Input(password=True, placeholder="saved in the keyring (blank: keep)", id="field-password")
                yield Static("", id="error-password", classes="field-error")
            yield Static("", id="profile-test-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="profile-save")
                yield Button("Test", id="profile-test")
                yield Button("Cancel", id="profile-cancel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#field-label" if self.profile else "#field-name", Input).focus()

    # ------------------------------------------------------------------ values

    def _values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, _, _ in TEXT_FIELDS:
            text = self.query_one(f"#field-{name}", Input).value.strip()
            if name in ("label", "colour"):
                out[name] = text
            elif text:
                out[name] = text
        ssl = self.query_one("#field-sslmode", Select).value
        if ssl is not Select.NULL:
            out["sslmode"] = ssl
        out["password_source"] = self.query_one("#field-password_source", Select).value
        if self.profile is not None:
            out["server_version"] = getattr(self.profile, "server_version", None)
            out["options"] = dict(getattr(self.profile, "options", {}) or {})
        return out

    def _build(self) -> Any | None:
        """The validated profile, or None after showing each error next to its field."""
        from pgsd.profiles.store import Profile

        for err in self.query(".field-error"):
            err.update("")  # type: ignore[attr-defined]
        try:
            return Profile(**self._values())
        except ValidationError as e:
            for item in e.errors():
                field = str(item["loc"][0]) if item.get("loc") else "name"
                message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
                target = self.query(f"#error-{field}")
                (target.first() if target else self.query_one("#error-name")).update(message)  # type: ignore[attr-defined]
            return None

    # ------------------------------------------------------------------ buttons

    @on(Button.Pressed, "#profile-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#profile-save")
    def action_save(self) -> None:
        profile = self._build()
        if profile is None:
            return
        password = self.query_one("#field-password", Input).value
        try:
            if password and profile.password_source == "keyring":
                from pgsd.profiles import secrets

                secrets.set_password(profile.name, password)
            self.store.add(profile, replace=self.profile is not None)
        except errors.SecretStoreUnavailable as e:
            self.query_one("#error-password", Static).update(str(e))
            return
        except errors.PgsdError as e:
            self.query_one("#error-name", Static).update(str(e))
            return
        self.dismiss(profile.name)

    @on(Button.Pressed, "#profile-test")
    def action_test(self) -> None:
        profile = self._build()
        if profile is None:
            return
        password = self.query_one("#field-password", Input).value or None
        self.query_one("#profile-test-result", Static).update("Connecting…")
        self._test(profile, password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="test", description="Testing a connection")
    def _test(self, profile: Any, password: str | None) -> None:
        if password is None and profile.password_source == "keyring" and self.profile is not None:
            from pgsd.profiles import secrets

            try:
                password = secrets.get_password(profile.name)
            except errors.SecretStoreUnavailable:
                password = None
        report = self.backend.test_connection(profile.spec(password))
        self.post_message(ServerTested(profile.name, report))

    @on(ServerTested)
    def tested(self, event: ServerTested) -> None:
        event.stop()
        self.query_one("#profile-test-result", Static).update(report_markup(event.name, event.report))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#profile-test-result", Static).update(f"[$error]✗ {escape(str(event.worker.error))}[/]")
            self.app.show_error(event.worker.error)  # type: ignore[attr-defined]


class PasswordModal(ModalScreen[str | None]):
    """Ask for one profile's password (for profiles that ask each time)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="password-cancel", tooltip="Do not connect.")]

    def __init__(self, name: str, where: str) -> None:
        super().__init__()
        self.profile_name = name
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="password-dialog"):
            yield Static(f"Password for [b]{escape(self.profile_name)}[/] ({escape(self.where)})")
            yield Input(password=True, id="password-input")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
