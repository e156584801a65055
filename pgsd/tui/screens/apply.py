"""Verify and apply the plan of the selection from the compare screen.

* ``start_verify(screen)``: the plan of the current selection tried on a scratch copy of
  the target's schema (``workflow.verify``), in a thread worker; the verdict is a
  notification (and ``screen.last_verify`` for tests).
* ``open_apply(screen)``: ``ApplyModal`` shows the target (profile label in its colour,
  host, database, server version), the statement count and hazards; typing the database
  name is required when the plan loses data or the profile is marked production. Apply
  runs ``workflow.apply.apply_to_side`` in a thread worker (the apply lock, the target's
  fingerprint checked, each statement bounded), shows progress per statement, and the
  comparison is read again when the dialog closes.

The compare screen only binds the two keys; everything else lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Log, Static

from pgsd import errors
from pgsd.ddl.plan import Plan
from pgsd.model.snapshot import Snapshot
from pgsd.workflow import DatabaseSide, Side
from pgsd.workflow.apply import StatementEvent, StatementFailed, data_loss_statements, first_line

if TYPE_CHECKING:
    from pgsd.tui.screens.compare import CompareScreen


# --------------------------------------------------------------------------- the target, described


@dataclass(frozen=True)
class TargetFacts:
    name: str
    label: str
    colour: str
    host: str
    database: str
    version: str
    production: bool

    @classmethod
    def of(cls, side: Side, name: str, snapshot: Snapshot | None) -> TargetFacts:
        label = colour = host = database = ""
        production = False
        if isinstance(side, DatabaseSide):
            label, colour = side.label, side.colour
            host = side.spec.host or "localhost"
            if side.spec.port:
                host += f":{side.spec.port}"
            database = side.spec.dbname or ""
            production = bool(side.saved is not None and side.saved.production)
        server = snapshot.server if snapshot is not None else None
        if server is not None:
            database = server.current_database or database
        return cls(name=name, label=label or name, colour=colour, host=host, database=database,
                   version=server.version if server else "?", production=production)


# --------------------------------------------------------------------------- verify


def _selection_plan(screen: CompareScreen) -> Plan | None:
    if screen.changes is None or screen.source_snap is None or screen.target_snap is None:
        screen.notify("Nothing to verify or apply yet.", severity="warning")
        return None
    if not screen.selected:
        screen.notify("No change is selected.", severity="warning")
        return None
    if screen.plan is None:
        screen.notify("The plan of the selection is not ready yet.", severity="warning")
        return None
    return screen.plan


def start_verify(screen: CompareScreen) -> None:
    plan = _selection_plan(screen)
    if plan is None or screen.source_snap is None or screen.target_snap is None:
        return
    screen.notify(f"Trying {len(plan.statements)} statement(s) on a scratch copy of the target…", title="Verify")
    compared = screen.changes.target if screen.changes is not None else None
    screen.run_worker(lambda: _verify(screen, plan, screen.source_snap, screen.target_snap, screen.target_side,
                                      compared),
                      thread=True, exit_on_error=False, group="verify", description="Verifying the plan")


def _verify(screen: CompareScreen, plan: Plan, source: Snapshot, target: Snapshot, side: Side,
            compared: Snapshot | None) -> None:
    try:
        result = screen.backend.verify(plan, source, target, side, compared)
    except errors.PgsdError as e:
        screen.app.call_from_thread(screen.notify, str(e), title="Verification not done", severity="error",
                                    markup=False)
        return
    screen.last_verify = result  # type: ignore[attr-defined]
    lines = result.lines()
    screen.app.call_from_thread(
        screen.notify, "\n".join(lines[:8]), title="Verified" if result.verified else "Verification failed",
        severity="information" if result.verified else "error", markup=False, timeout=20,
    )


# --------------------------------------------------------------------------- apply


def open_apply(screen: CompareScreen) -> None:
    plan = _selection_plan(screen)
    if plan is None:
        return
    if not isinstance(screen.target_side, DatabaseSide):
        screen.notify(f"The target {screen.target_name} is a snapshot file: there is no database to apply to.",
                      severity="warning", markup=False)
        return
    if plan.is_empty:
        screen.notify("The plan of the selection is empty: nothing to apply.", severity="warning")
        return
    facts = TargetFacts.of(screen.target_side, screen.target_name, screen.target_snap)

    def closed(applied: bool | None) -> None:
        if applied:
            screen.action_refresh()

    screen.app.push_screen(ApplyModal(screen, plan, facts), closed)


class ApplyModal(ModalScreen[bool]):
    """Confirm, then apply, the plan of the selection; dismissed with True once something ran."""

    BINDINGS = [Binding("escape", "close", "Close", id="apply-close", tooltip="Close (only when not running).")]
    HELP_KEYS = [
        ("enter", "Apply", "In the name field: apply, once the target database's name is typed (asked when the "
                           "plan loses data or the target is production); on a button: press it."),
        ("tab", "Next field", "Move between the name field and the Apply and Cancel buttons."),
    ]
    """Keys the dialog's field and buttons answer (the help screen lists them with the bindings)."""
    DEFAULT_CSS = """
    #apply-dialog { width: 96; }
    #apply-dialog Log { height: 12; margin-top: 1; }
    #apply-loss { color: $error; }
    """

    @dataclass
    class Progressed(Message):
        event: StatementEvent

    @dataclass
    class Finished(Message):
        lines: list[str]
        ok: bool
        ran: bool

    def __init__(self, compare: CompareScreen, plan: Plan, facts: TargetFacts) -> None:
        super().__init__()
        self.compare = compare
        self.plan = plan
        self.facts = facts
        self.lossy = data_loss_statements(plan)
        self.needs_typing = bool(self.lossy) or facts.production
        self.running = False
        self.done = False
        self.ran = False
        self.result_lines: list[str] = []

    def compose(self) -> ComposeResult:
        f = self.facts
        with Vertical(classes="dialog", id="apply-dialog"):
            title = Text("Apply to ", style="bold")
            title.append(f.label, style=f"bold {f.colour}" if f.colour else "bold")
            if f.production:
                title.append("  PRODUCTION", style="bold red")
            yield Static(title, classes="dialog-title", id="apply-title")
            yield Static(f"host {f.host}   database {f.database}   PostgreSQL {f.version}", markup=False,
                         id="apply-target")
            count = len(self.plan.statements)
            yield Static(f"{count} statement{'s' if count != 1 else ''}: {self.plan.hazard_summary()}",
                         markup=False, id="apply-summary")
            if self.lossy:
                listed = ", ".join(f"{i}: {first_line(self.plan.statements[i - 1].sql)[:50]}" for i in self.lossy[:4])
                yield Static(f"loses data: {listed}", markup=False, id="apply-loss")
            if self.needs_typing:
                yield Input(placeholder=f"type {f.database} to apply", id="apply-name")
            yield Log(id="apply-log", auto_scroll=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="error", id="apply-run")
                yield Button("Cancel", variant="primary", id="apply-cancel")
        yield Footer(compact=True, show_command_palette=False)  # the dialog's keys, not the screen's below

    def on_mount(self) -> None:
        self.query_one(Log).display = False
        focus = "#apply-name" if self.needs_typing else "#apply-cancel"
        self.query_one(focus).focus()

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.ran)

    @on(Button.Pressed, "#apply-cancel")
    def cancel(self) -> None:
        self.action_close()

    @on(Input.Submitted, "#apply-name")
    @on(Button.Pressed, "#apply-run")
    def run(self) -> None:
        if self.running:
            return
        if self.done:
            self.dismiss(self.ran)
            return
        if self.needs_typing and self.query_one("#apply-name", Input).value.strip() != self.facts.database:
            self.notify(f"Type the database name ({self.facts.database}) to apply.", severity="warning",
                        markup=False)
            return
        self.running = True
        self.query_one("#apply-run", Button).disabled = True
        self.query_one("#apply-cancel", Button).disabled = True
        log = self.query_one(Log)
        log.display = True
        log.write_line(f"applying {len(self.plan.statements)} statement(s)…")
        self._apply(self.compare.target_side, self.plan, self.compare.target_snap)

    @work(thread=True, exclusive=True, exit_on_error=False, group="apply", description="Applying the plan")
    def _apply(self, side: Side, plan: Plan, target: Snapshot | None) -> None:
        assert target is not None
        try:
            report = self.compare.backend.apply(side, plan, target, lambda e: self.post_message(self.Progressed(e)))
        except StatementFailed as e:
            self.post_message(self.Finished(e.report.lines(), ok=False, ran=bool(e.report.committed)))
            return
        except errors.PgsdError as e:
            self.post_message(self.Finished([str(e)], ok=False, ran=False))
            return
        self.post_message(self.Finished(report.lines(), ok=True, ran=True))

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        e = message.event
        if e.outcome == "running":
            return
        what = {"ok": f"ok {e.seconds:.3f}s", "lock_timeout": "lock timeout, will retry",
                "failed": "FAILED", "rolled_back": "rolled back"}.get(e.outcome, e.outcome)
        self.query_one(Log).write_line(f"[{e.index}/{e.total}] {what}  {first_line(e.statement.sql)[:70]}")

    @on(Finished)
    def finished(self, message: Finished) -> None:
        self.running = False
        self.done = True
        self.ran = message.ran or message.ok
        self.result_lines = message.lines
        log = self.query_one(Log)
        for line in message.lines:
            log.write_line(line)
        run = self.query_one("#apply-run", Button)
        run.label = "Close"
        run.disabled = False
        run.variant = "primary"
        self.query_one("#apply-cancel", Button).display = False
        run.focus()
        self.notify(message.lines[0], title="Applied" if message.ok else "Apply failed",
                    severity="information" if message.ok else "error", markup=False)
