"""ConnectionsScreen: saved profiles, a source and a target to compare, and connection tests.

Profiles come from ``pgsd.profiles.store.ProfileStore`` (TOML, no passwords); passwords
go to the keyring through ``pgsd.profiles.secrets``. A source or target may also be typed
in directly: a URI, a conninfo string or a snapshot file.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from pgsd import errors
from pgsd.profiles.store import Profile
from pgsd.tui.backend import Backend, ServerReport
from pgsd.tui.messages import ServerTested
from pgsd.tui.screens.confirm import ConfirmModal
from pgsd.tui.screens.profile_form import PasswordModal, ProfileModal, report_markup
from pgsd.workflow import DatabaseSide, Side

SIDE_PLACEHOLDER = "profile, URI, .json, .sql, dir/, git:…"
SIDE_HINT = ("Each side is a saved profile, a postgresql:// URI or conninfo string, a snapshot .json, "
             "a .sql file, a directory of .sql files, or git:REV:PATH (a directory at a git revision).")
"""Every kind of side the Source and Target fields take (as `pgsd diff` does)."""


class ConnectionsScreen(Screen[None]):
    """Pick two saved connections (or type them) and compare."""

    BINDINGS = [
        Binding("s", "use_as('source')", "Source", id="use-as-source",
                tooltip="Use the highlighted profile as the source (the wanted schema)."),
        Binding("t", "use_as('target')", "Target", id="use-as-target",
                tooltip="Use the highlighted profile as the target (the database to change)."),
        Binding("c", "compare", "Compare", id="compare", tooltip="Compare the source and the target."),
        Binding("n", "new_profile", "New", id="new-profile", tooltip="Add a connection profile."),
        Binding("e", "edit_profile", "Edit", id="edit-profile", tooltip="Edit the highlighted profile."),
        Binding("d", "delete_profile", "Delete", show=False, id="delete-profile",
                tooltip="Delete the highlighted profile (and its keyring entry)."),
        Binding("x", "test_profile", "Test", id="test-profile",
                tooltip="Connect with the highlighted profile and show the server version, role and warnings."),
        Binding("i", "type_source", "Type", id="type-source",
                tooltip="Type a source (a URI, a conninfo string, a snapshot file, SQL files or git:REV:PATH); "
                        "Tab goes on to the target."),
        Binding("escape", "back", "Back", id="back-to-comparison",
                tooltip="Return to the comparison left with o (as it was)."),
    ]

    LETTER_ACTIONS = frozenset({"use_as", "compare", "new_profile", "edit_profile", "delete_profile",
                                "test_profile", "type_source"})
    """Single-letter commands: never while the user types into a field (the footer hides them then)."""

    def __init__(self, *, store: object | None = None, backend: Backend) -> None:
        super().__init__()
        self._store = store
        self.backend = backend
        self.profiles: dict[str, Profile] = {}

    @property
    def store(self):  # noqa: ANN201 - ProfileStore
        if self._store is None:
            from pgsd.profiles.store import ProfileStore

            self._store = ProfileStore()
        return self._store

    def compose(self) -> ComposeResult:
        yield Static("[b]pgsd[/] — compare two PostgreSQL schemas", id="connections-title")
        with Horizontal(id="connections-body"):
            with Vertical(id="profiles-pane"):
                yield Static("Saved connections", classes="pane-title")
                yield DataTable(id="profiles", cursor_type="row", zebra_stripes=True)
                with Horizontal(classes="button-row"):
                    # For the mouse: the keys n e d x do the same, and Tab goes from the list
                    # straight to the Source and Target fields.
                    for label, button_id, variant in (
                        ("New", "new-profile", "default"), ("Edit", "edit-profile", "default"),
                        ("Delete", "delete-profile", "error"), ("Test", "test-profile", "default"),
                    ):
                        button = Button(label, id=button_id, variant=variant)  # type: ignore[arg-type]
                        button.can_focus = False
                        yield button
            with Vertical(id="compare-form"):
                yield Label("Source — the schema you want", classes="field-label")
                yield Input(placeholder=SIDE_PLACEHOLDER, id="source-input")
                yield Label("Target — the database to change", classes="field-label")
                yield Input(placeholder=SIDE_PLACEHOLDER, id="target-input")
                yield Static(SIDE_HINT, id="sides-hint", markup=False)
                yield Button("Compare", variant="primary", id="compare")
                yield Static("", id="test-result")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#profiles", DataTable)
        table.add_columns("Name", "Version", "Server")
        self.reload_profiles()
        table.focus()

    def reload_profiles(self, select: str | None = None) -> None:
        table = self.query_one("#profiles", DataTable)
        try:
            self.profiles = dict(self.store.load())
        except errors.PgsdError as e:
            self.profiles = {}
            self.app.show_error(e)  # type: ignore[attr-defined]
        table.clear()
        for name, p in self.profiles.items():
            colour = getattr(p, "colour", "") or ""
            label = Text(name, style=f"bold {colour}" if _is_colour(colour) else "bold")
            if getattr(p, "label", ""):
                label.append(f" {p.label}", style="dim")
            version = getattr(p, "server_version", None) or "?"
            table.add_row(label, Text(version), Text(p.describe().split("://", 1)[-1]), key=name)
        if select and select in self.profiles:
            table.move_cursor(row=list(self.profiles).index(select))
        if not self.profiles:
            self.query_one("#test-result", Static).update(
                "[dim]No saved connections yet: press [b]n[/] to add one, or type a URI or a snapshot file "
                "on the right.[/]"
            )

    @property
    def highlighted(self) -> str | None:
        table = self.query_one("#profiles", DataTable)
        if not self.profiles or table.cursor_row < 0 or table.cursor_row >= table.row_count:
            return None
        return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.LETTER_ACTIONS and isinstance(self.focused, Input):
            return False
        if action == "back":
            parked = getattr(self.app, "parked_comparison", None)
            return parked is not None and parked not in self.app.screen_stack
        return True

    def action_type_source(self) -> None:
        self.query_one("#source-input", Input).focus()

    def action_back(self) -> None:
        self.app.back_to_comparison()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ choose and compare

    def action_use_as(self, side: str) -> None:
        name = self.highlighted
        if name is None:
            self.notify("No profile highlighted.", severity="warning")
            return
        self.query_one(f"#{side}-input", Input).value = name

    @on(DataTable.RowSelected, "#profiles")
    def pick_row(self, event: DataTable.RowSelected) -> None:
        """Enter on a profile fills the source, then the target."""
        name = str(event.row_key.value)
        source = self.query_one("#source-input", Input)
        target = self.query_one("#target-input", Input)
        if not source.value or (source.value and target.value):
            source.value = name
            if target.value == name:
                target.value = ""
        else:
            target.value = name

    @on(Button.Pressed, "#compare")
    @on(Input.Submitted, "#target-input")
    def action_compare(self) -> None:
        source = self.query_one("#source-input", Input).value.strip()
        target = self.query_one("#target-input", Input).value.strip()
        if not source or not target:
            self.notify("Give both a source and a target.", title="Compare", severity="warning")
            return
        from pgsd.workflow import parse_side

        try:  # parsed once, here, as `pgsd tui SOURCE TARGET` parses its arguments
            sides = [parse_side(source, store=self.store), parse_side(target, store=self.store)]
        except errors.PgsdError as e:
            self.app.show_error(e)  # type: ignore[attr-defined]
            return
        self._ask_passwords(sides, lambda ready: self.app.open_compare(ready[0], ready[1]))  # type: ignore[attr-defined]

    def _ask_passwords(self, sides: list[Side], then, done: list[Side] | None = None) -> None:  # noqa: ANN001
        """Ask, one after the other, the password of each profile that asks for it each time."""
        done = done or []
        if len(done) == len(sides):
            then(done)
            return
        side = sides[len(done)]
        if not isinstance(side, DatabaseSide) or not side.asks_password:
            self._ask_passwords(sides, then, [*done, side])
            return

        def got(password: str | None) -> None:
            if password is None:
                return
            self._ask_passwords(sides, then, [*done, side.with_password(password)])

        self.app.push_screen(PasswordModal(side.name, side.describe()), got)

    # ------------------------------------------------------------------ profiles

    @on(Button.Pressed, "#new-profile")
    def action_new_profile(self) -> None:
        self.app.push_screen(ProfileModal(self.store, None, backend=self.backend), self._saved)

    @on(Button.Pressed, "#edit-profile")
    def action_edit_profile(self) -> None:
        name = self.highlighted
        if name is None:
            self.notify("No profile highlighted.", severity="warning")
            return
        self.app.push_screen(ProfileModal(self.store, self.profiles[name], backend=self.backend), self._saved)

    def _saved(self, name: str | None) -> None:
        if name:
            self.reload_profiles(select=name)
            self.notify(f"Profile {name} saved.", title="Saved", markup=False)

    @on(Button.Pressed, "#delete-profile")
    def action_delete_profile(self) -> None:
        name = self.highlighted
        if name is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.remove(name)
                from pgsd.profiles import secrets

                secrets.delete_password(name)
            except errors.PgsdError as e:
                self.app.show_error(e)  # type: ignore[attr-defined]
            self.reload_profiles()
            self.notify(f"Profile {name} deleted.", title="Deleted", markup=False)

        self.app.push_screen(ConfirmModal(f"Delete the profile {name} and its saved password?"), confirmed)

    # ------------------------------------------------------------------ test

    @on(Button.Pressed, "#test-profile")
    def action_test_profile(self) -> None:
        name = self.highlighted
        if name is None:
            self.notify("No profile highlighted.", severity="warning")
            return
        self.query_one("#test-result", Static).update(f"Connecting with [b]{escape(name)}[/]…")
        from pgsd.workflow import profile_side

        try:
            side = profile_side(name, store=self.store)
        except errors.PgsdError as e:
            self.app.show_error(e)  # type: ignore[attr-defined]
            return
        if side.asks_password:
            def test_with(pw: str | None) -> None:
                if pw is not None:
                    self._test(name, side.with_password(pw))

            self.app.push_screen(PasswordModal(name, side.describe()), test_with)
        else:
            self._test(name, side)

    @work(thread=True, exclusive=True, exit_on_error=False, group="test", description="Testing a connection")
    def _test(self, name: str, side: Side) -> None:
        report = self.backend.test_connection(side)  # the profile's server version is remembered
        self.post_message(ServerTested(name, report))

    @on(ServerTested)
    def tested(self, event: ServerTested) -> None:
        self.query_one("#test-result", Static).update(report_markup(event.name, event.report))
        self.notify(f"{event.name}: PostgreSQL {event.report.info.version}", title="Connected", markup=False)
        self.reload_profiles(select=event.name)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            if event.worker.group == "test":
                self.query_one("#test-result", Static).update(
                    f"[$error]✗ {escape(str(event.worker.error))}[/]"
                )
            self.app.show_error(event.worker.error)  # type: ignore[attr-defined]


def _is_colour(text: str) -> bool:
    from rich.color import Color, ColorParseError

    if not text:
        return False
    try:
        Color.parse(text)
    except ColorParseError:
        return False
    return True


__all__ = ["ConnectionsScreen", "ServerReport"]
