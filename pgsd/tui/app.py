"""PgsdApp: the screens, the global keys, the command palette and the one error handler.

Everything the app needs from below is injected: a ``Backend`` (the real workflow by
default, a fake in tests) and a ``ProfileStore``. With a source and a target the app
opens on the comparison; without, on the saved connections.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from pgsd import errors
from pgsd.tui.backend import Backend, LiveBackend
from pgsd.workflow import Side


class PgsdApp(App[int]):
    """The pgsd terminal app."""

    CSS_PATH = "app.tcss"
    TITLE = "pgsd"
    SUB_TITLE = "PostgreSQL schema diff"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help", tooltip="List every key binding."),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit pgsd (running catalog reads are cancelled)."),
    ]

    def __init__(
        self,
        source: Side | None = None,
        target: Side | None = None,
        *,
        backend: Backend | None = None,
        profile_store: object | None = None,
        source_name: str | None = None,
        target_name: str | None = None,
    ) -> None:
        super().__init__()
        self.backend: Backend = backend or LiveBackend()
        if getattr(self.backend, "store", False) is None:
            self.backend.store = profile_store  # type: ignore[attr-defined] # versions are remembered with the profiles
        self.profile_store = profile_store
        self._initial = (source, target, source_name, target_name)

    def on_mount(self) -> None:
        from pgsd.tui.screens.connections import ConnectionsScreen

        self.push_screen(ConnectionsScreen(store=self.profile_store, backend=self.backend))
        source, target, source_name, target_name = self._initial
        if source and target:
            self.open_compare(source, target, source_name=source_name, target_name=target_name)

    # ------------------------------------------------------------------ navigation

    PARKED = "comparison"
    """The comparison left with ``o``: kept, so that Esc on the connections comes back to it."""

    def open_compare(self, source: Side, target: Side, *, source_name: str | None = None,
                     target_name: str | None = None) -> None:
        from pgsd.tui.screens.compare import CompareScreen

        self._drop_parked()
        self.push_screen(
            CompareScreen(source, target, backend=self.backend, source_name=source_name, target_name=target_name)
        )

    def open_connections(self) -> None:
        from pgsd.tui.screens.compare import CompareScreen
        from pgsd.tui.screens.connections import ConnectionsScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, ConnectionsScreen):
            screen = self.screen
            if isinstance(screen, CompareScreen) and self.parked_comparison in (None, screen):
                if self.parked_comparison is None:
                    self.install_screen(screen, self.PARKED)
            else:
                self._cancel_loads(screen)
            self.pop_screen()
        self.screen.refresh_bindings()

    @property
    def parked_comparison(self) -> Screen | None:
        return self._installed_screens.get(self.PARKED)  # type: ignore[return-value]

    def back_to_comparison(self) -> bool:
        """Return to the comparison left with ``o``; False when there is none."""
        screen = self.parked_comparison
        if screen is None or screen in self.screen_stack:
            return False
        self.push_screen(screen)
        return True

    def _drop_parked(self) -> None:
        screen = self.parked_comparison
        if screen is not None and screen not in self.screen_stack:
            self.uninstall_screen(self.PARKED)
            self._cancel_loads(screen)
            screen.remove()

    def profile_badge(self, name: str) -> tuple[str, str] | None:
        """(label, colour) of the saved profile ``name``, as the connections screen loaded it."""
        from pgsd.tui.screens.connections import ConnectionsScreen

        for screen in self.screen_stack:
            if isinstance(screen, ConnectionsScreen):
                profile = screen.profiles.get(name)
                if profile is not None:
                    label, colour = getattr(profile, "label", ""), getattr(profile, "colour", "")
                    return (label, colour) if label or colour else None
        return None

    def action_help(self) -> None:
        from pgsd.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        for screen in [*self.screen_stack, self.parked_comparison]:
            if screen is not None:
                self._cancel_loads(screen)
        self.exit(0)

    @staticmethod
    def _cancel_loads(screen: Screen) -> None:
        token = getattr(screen, "_token", None)
        if token is not None and not token.cancelled:
            token.cancel()

    # ------------------------------------------------------------------ errors

    def show_error(self, error: BaseException | None) -> None:
        """One notification per failure: the error's one line, titled by its kind; never a traceback."""
        if error is None:
            return
        if isinstance(error, errors.Cancelled):
            self.notify(str(error), title=error.title, severity="warning", markup=False)
        elif isinstance(error, errors.PgsdError):
            self.notify(str(error), title=error.title, severity="error", markup=False, timeout=10)
        else:
            self.log.error(repr(error))
            first = (str(error).strip().splitlines() or [""])[0]
            self.notify(f"{type(error).__name__}: {first}", title="Unexpected error", severity="error",
                        markup=False, timeout=10)

    # ------------------------------------------------------------------ command palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then every described binding of the screen and the focused
        widget, each titled with its key (``Export (e)``) so the palette teaches the keys."""
        yield from super().get_system_commands(screen)
        seen = {"quit", "help"}
        sources: list[tuple[Widget, list]] = [(screen, getattr(screen, "BINDINGS", []))]
        focused = screen.focused
        if focused is not None:
            sources.append((focused, getattr(focused, "BINDINGS", [])))
        for node, bindings in sources:
            for b in bindings:
                if not isinstance(b, Binding) or not b.description or b.id in seen or b.action.startswith("cursor"):
                    continue
                seen.add(b.id or b.action)
                can_act = getattr(screen, "can_act", None)
                if can_act is not None and can_act(b.action.partition("(")[0]) is False:
                    continue  # hidden from the footer too: nothing to act on yet
                yield SystemCommand(f"{b.description} ({self.key_names(b)})", b.tooltip,
                                    partial(node.run_action, b.action))
        yield SystemCommand("Help (?)", "List every key binding.", self.action_help)

    def key_names(self, binding: Binding) -> str:
        """Every key of a binding as the footer shows it: ``n / ]``."""
        return " / ".join(self.get_key_display(Binding(k.strip(), binding.action)) for k in binding.key.split(","))
