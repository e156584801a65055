"""ProfileModal: add or edit a connection profile, with errors next to their field and a Test button.

The form follows the rules `pgsd profiles add` follows, by calling the same functions:
validation is the profile model's own (pydantic), each error shown under its field; a
keyring profile is refused where there is no usable keyring, and a password is refused
where the profile would not keep it (``pgsd.profiles.secrets``). What works instead is
offered: without a keyring a new profile starts on ``~/.pgpass``, and a password typed
for a ``~/.pgpass`` profile is written there as its line (``pgsd.profiles.pgpass``).
A password never reaches the profiles file.
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
KEPT_BY = {"keyring", "pgpass"}
"""Sources whose password the form can store: in the keyring, or as the ~/.pgpass line."""


def password_placeholder(source: str, *, editing: bool) -> str:
    """What the Password field does with what is typed into it, for this source."""
    if source == "keyring":
        return "stored in the OS keyring" + (" (blank: keep the stored one)" if editing else " (blank: none)")
    if source == "pgpass":
        return "written to ~/.pgpass on Save (blank: leave the file)"
    if source == "env":
        return "not stored: libpq reads PGPASSWORD"
    return "not stored: asked for on each use"


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
        from pgsd.profiles import secrets

        super().__init__()
        self.store = store
        self.profile = profile
        self.backend = backend
        self.keyring_problem = secrets.backend_problem()
        """Why there is no usable keyring here (None: there is one)."""

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
                with Horizontal(classes="form-row select-row"):
                    yield Label("SSL mode", classes="form-label")
                    yield Select([(m, m) for m in SSL_MODES], value=(getattr(p, "sslmode", None) or Select.NULL),
                                 prompt="libpq default", id="field-sslmode")
                yield Static("", id="error-sslmode", classes="field-error")
                with Horizontal(classes="form-row select-row"):
                    yield Label("Password from", classes="form-label")
                    yield Select(self._source_options(), allow_blank=False, value=self._initial_source(),
                                 id="field-password_source")
                with Horizontal(classes="form-row"):
                    yield Label("Password", classes="form-label")
                    yield Input(password=True, id="field-password")
                yield Static("", id="error-password", classes="field-error")
                yield Static("", id="password-note", classes="field-note")
            yield Static("", id="profile-test-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="profile-save")
                yield Button("Test", id="profile-test")
                yield Button("Cancel", id="profile-cancel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#field-label" if self.profile else "#field-name", Input).focus()
        self._show_password_source(self._initial_source())

    def _source_options(self) -> list[tuple[str, str]]:
        options = []
        for value, label in PASSWORD_SOURCES:
            if value == "keyring" and self.keyring_problem:
                label += " (none here)"
            options.append((label, value))
        return options

    def _initial_source(self) -> str:
        if self.profile is not None:
            return str(getattr(self.profile, "password_source", "keyring"))
        return "pgpass" if self.keyring_problem else "keyring"  # offer what works here

    @on(Select.Changed, "#field-password_source")
    def source_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._show_password_source(event.value)

    def _show_password_source(self, source: str) -> None:
        """The Password field says what happens to what is typed; a source that keeps none disables it."""
        field = self.query_one("#field-password", Input)
        field.placeholder = password_placeholder(source, editing=self.profile is not None)
        field.disabled = source not in KEPT_BY
        if field.disabled:
            field.value = ""
        note = ""
        if source == "keyring" and self.keyring_problem:
            note = (f"[$warning]No keyring here: {escape(self.keyring_problem)}. "
                    "Choose ~/.pgpass, PGPASSWORD or ask each time.[/]")
        elif source == "pgpass":
            note = "[dim]libpq reads the line host:port:database:user:password from ~/.pgpass (mode 0600)[/]"
        self.query_one("#password-note", Static).update(note)
        self._error("password", "")

    # ------------------------------------------------------------------ values

    def _values(self) -> dict[str, Any]:
        # Editing keeps what the form does not show (certificates, options, ...), as `profiles edit` does.
        out: dict[str, Any] = self.profile.model_dump() if self.profile is not None else {}
        for name, _, _ in TEXT_FIELDS:
            text = self.query_one(f"#field-{name}", Input).value.strip()
            if name in ("label", "colour"):
                out[name] = text
            elif text or self.profile is not None:
                out[name] = text or None
        ssl = self.query_one("#field-sslmode", Select).value
        out["sslmode"] = None if ssl is Select.NULL else ssl
        out["password_source"] = self.query_one("#field-password_source", Select).value
        return out

    def _error(self, field: str, message: str) -> None:
        """Show ``message`` under ``field`` (an empty message takes no room)."""
        target = self.query(f"#error-{field}")
        widget = target.first() if target else self.query_one("#error-name")
        widget.update(message)  # type: ignore[attr-defined]
        widget.set_class(bool(message), "-shown")

    def _build(self) -> Any | None:
        """The validated profile, or None after showing each error next to its field."""
        from pgsd.profiles.store import Profile

        for err in self.query(".field-error"):
            err.update("")  # type: ignore[attr-defined]
            err.remove_class("-shown")
        try:
            return Profile(**self._values())
        except ValidationError as e:
            for item in e.errors():
                field = str(item["loc"][0]) if item.get("loc") else "name"
                self._error(field, str(item.get("msg", "invalid")).removeprefix("Value error, "))
            return None

    # ------------------------------------------------------------------ buttons

    @on(Button.Pressed, "#profile-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#profile-save")
    def action_save(self) -> None:
        """Save under the rules of `pgsd profiles add/edit` (the same functions), or say why not."""
        from pgsd.profiles import secrets
        from pgsd.profiles.pgpass import write_pgpass_line

        profile = self._build()
        if profile is None:
            return
        source = profile.password_source
        field = self.query_one("#field-password", Input)
        password = (field.value or None) if not field.disabled else None
        previous = self.profile.password_source if self.profile is not None else None
        replace = self.profile is not None
        try:
            if not replace and profile.name in self.store:
                self._error("name", f"a profile named {profile.name} exists: pick another name or edit it")
                return
            if password is not None and source != "pgpass":
                secrets.refuse_unkept_password(
                    source, instead="clear the Password field, or choose OS keyring or ~/.pgpass")
            keyring_password = password if source == "keyring" else None
            secrets.require_keyring_for(profile.name, source, previous=previous,
                                        new_password=keyring_password is not None)
            if source == "pgpass" and password is not None:
                path = write_pgpass_line(profile, password)
                self.app.notify(f"The password line of {profile.name} is in {path}.", title="~/.pgpass",
                                markup=False)
            secrets.save_with_password(self.store, profile, keyring_password, replace=replace)
            if previous == "keyring" and source != "keyring":
                secrets.delete_password(profile.name)  # no secret outlives the profile's use of it
        except errors.PgsdError as e:
            self._error("password" if "password" in str(e) or "keyring" in str(e) else "name", str(e))
            return
        self.dismiss(profile.name)

    @on(Button.Pressed, "#profile-test")
    def action_test(self) -> None:
        profile = self._build()
        if profile is None:
            return
        password = self.query_one("#field-password", Input).value or None
        if profile.password_source == "keyring" and self.keyring_problem:
            # The typed password may well connect now, but nothing could give it back later.
            self._error("password", f"Save will refuse this: no keyring here ({self.keyring_problem}); "
                        "choose ~/.pgpass, PGPASSWORD or ask each time")
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
        from pgsd.workflow import DatabaseSide

        # the form's values, not yet saved: a side of its own, with no profile to remember a version in
        report = self.backend.test_connection(DatabaseSide(spec=profile.spec(password)))
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
