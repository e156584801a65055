"""Renames on the Compare screen: pair a removed object with an added one, accept a suggestion,
take a pairing back, and save or load the decisions.

A pairing never renames anything in the app itself: it adds a ``RenameDecision`` to the
screen's ``ComparisonRequest`` and compares again in a worker with
``workflow.compare_with_decisions`` (through the backend), exactly what ``pgsd diff
--rename OLD=NEW`` runs; the tree, the definitions and the plan follow the new change set.
``RenamePairing`` is mixed into ``CompareScreen``; ``RENAME_BINDINGS`` are listed with its keys.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pgsd.tui.pairing import (
    Counterpart,
    candidates_of,
    counterparts,
    current_decisions,
    is_decided,
    pair_decision,
    rename_of,
    target_key_map,
    with_pair,
    without_rename,
)
from pgsd.workflow.decisions import Decisions, decisions_toml, read_decisions

if TYPE_CHECKING:
    from pgsd.diff.changes import ChangeSet
    from pgsd.model.snapshot import Snapshot
    from pgsd.tui.entries import Entry
    from pgsd.workflow import ComparisonRequest

DEFAULT_DECISIONS = Path("pgsd-decisions.toml")

RENAME_BINDINGS = [
    Binding("m", "pair_rename", "Pair", id="rename-pair",
            tooltip="Pair the removed (or added) object under the cursor with an added (removed) one of its kind: "
            "a rename, planned as ALTER ... RENAME instead of drop and create."),
    Binding("m", "unpair_rename", "Unpair", id="rename-unpair",
            tooltip="Take back the rename under the cursor: the old object is dropped and the new one created again."),
    Binding("R", "accept_rename", "Accept rename", id="rename-accept",
            tooltip="Take the rename the tree suggests on this line (→ rename to ...?)."),
    Binding("D", "save_decisions", "Save decisions", show=False, id="decisions-save",
            tooltip="Write the renames and the left-out changes to a decisions file "
            "(pgsd diff and pgsd apply replay it with --decisions FILE)."),
    Binding("L", "load_decisions", "Load decisions", show=False, id="decisions-load",
            tooltip="Read a decisions file (renames, left-out changes, USING expressions) and compare again."),
]
FOOTER_ROOM = {"pair_rename": 90, "unpair_rename": 90, "accept_rename": 106}
"""Least terminal width at which a rename key joins the footer (at 80 columns the Compare keys fill it).
Narrower, the key works all the same through its twin (``NARROW_TWINS``, bound on the screen itself:
never in the footer, help or palette, where the key is listed once)."""
NARROW_TWINS = tuple((b.key, f"{b.action}_narrow") for b in RENAME_BINDINGS if b.action in FOOTER_ROOM)
RENAME_ACTIONS = frozenset(b.action for b in RENAME_BINDINGS) | {action for _, action in NARROW_TWINS}


@dataclass
class DecisionsLoaded(Message):
    """A decisions file was read (in a worker)."""

    path: Path
    decisions: Decisions


@dataclass
class DecisionsSaved(Message):
    path: Path
    decisions: Decisions


if TYPE_CHECKING:
    _Screen = Screen[None]
else:
    _Screen = object


class RenamePairing(_Screen):
    """The Compare screen's renames (mixed into ``CompareScreen``, which provides the state below)."""

    if TYPE_CHECKING:
        changes: ChangeSet | None
        source_snap: Snapshot | None
        target_snap: Snapshot | None
        request: ComparisonRequest
        excluded: set[str]
        comparison: int

        def _compare(self, source: Snapshot, target: Snapshot) -> Any: ...
        @property
        def loading_catalogs(self) -> bool: ...

    _rename_focus: str | None = None
    """The key the cursor goes to once the comparison with a new pairing arrives."""
    _pending_left_out: tuple[str, ...] = ()
    """A loaded decisions file's left-out changes, applied when its comparison arrives."""
    _as_read: dict[str, str] | None = None
    _rename_keys_state: tuple[object, ...] = ()
    _twins_bound = False
    decisions_path: Path | None = None
    """The decisions file last loaded or saved (the dialogs offer it again)."""

    # ------------------------------------------------------------------ what applies where

    def _current_entry(self) -> Entry | None:
        from pgsd.tui.widgets.object_tree import ObjectTree

        return self.query_one(ObjectTree).current_entry

    def rename_can_act(self, action: str) -> bool:
        """Whether a rename key acts on the line under the cursor (the footer and the palette ask)."""
        if self.changes is None or isinstance(self.focused, Input):
            return False
        if action in ("save_decisions", "load_decisions"):
            return True
        entry = self._current_entry()
        if entry is None:
            return False
        if action == "pair_rename":
            return entry.status in ("added", "removed") and bool(counterparts(self.changes, entry.key))
        if action == "accept_rename":
            return entry.status in ("added", "removed") and bool(candidates_of(self.changes, entry.key))
        if action == "unpair_rename":
            return is_decided(self.request, self.changes, entry.key)
        return False

    def rename_in_footer(self, action: str) -> bool:
        """``check_action`` of a rename key: it acts where ``rename_can_act`` says, and the footer shows it
        only where the terminal is wide enough (else its twin, which the footer leaves out, takes the key)."""
        base = action.removesuffix("_narrow")
        if not self.rename_can_act(base):
            return False
        if base not in FOOTER_ROOM:
            return True
        wide = self.app.size.width >= FOOTER_ROOM[base]
        return wide if action == base else not wide

    def rename_keys_follow(self) -> None:
        """Show the rename keys in the footer where they apply (only when that changes: a cursor move stays cheap)."""
        state = (*(self.rename_can_act(a) for a in FOOTER_ROOM), self.app.size.width)
        if state != self._rename_keys_state:
            self._rename_keys_state = state
            self.refresh_bindings()

    # ------------------------------------------------------------------ the comparison's side

    def decisions_applied(self, changes: ChangeSet) -> None:
        """Called by the screen when a comparison arrives, before it plans: the left-out changes of a
        decisions file, the cursor on a new pair, and the stale decisions said."""
        from pgsd.tui.widgets.object_tree import ObjectTree

        self._as_read = target_key_map(changes)
        if not self._twins_bound:
            for key, action in NARROW_TWINS:
                self._bindings.bind(key, action, show=False)  # after the shown binding of the key: tried second
            self._twins_bound = True
        self._rename_keys_state = ()
        if self.comparison == 1 and self.request.decisions.left_out:
            self._pending_left_out = self.request.decisions.left_out
        if self._pending_left_out:
            keys = {c.key for c in changes.changes}
            self.excluded |= {k for k in self._pending_left_out if k in keys}
            self._pending_left_out = ()
        if self._rename_focus is not None:
            self.query_one(ObjectTree).select_key(self._rename_focus)
            self._rename_focus = None
        if changes.stale_decisions:
            n = len(changes.stale_decisions)
            more = f" (+{n - 1} more)" if n > 1 else ""
            self.notify(changes.stale_decisions[0] + more, title="Stale decisions", severity="warning",
                        markup=False, timeout=10)

    def definition_target_key(self, key: str) -> str:
        """The target's key (as read) of the object the tree lists as ``key``: a renamed object's old key."""
        return (self._as_read or {}).get(key, key)

    def rename_title(self, entry: Entry) -> str:
        """The tree's rename note, whole (the tree may have cut it): the definition pane's title ends with it."""
        from rich.markup import escape

        return f" [dim]({escape(entry.note)})[/]" if entry.note else ""

    # ------------------------------------------------------------------ pairing

    def action_pair_rename(self) -> None:
        entry = self._current_entry()
        if entry is None or self.changes is None or not self.rename_can_act("pair_rename"):
            self.app.bell()
            return
        choices = counterparts(self.changes, entry.key)
        removed = entry.status == "removed"
        what = "added" if removed else "removed"
        title = f"{'Rename' if removed else 'Pair'} {entry.label} ({entry.status}) — pick the {what} {_kind(entry.kind)}"

        def chosen(key: str | None) -> None:
            if key is not None:
                self._pair(entry.key, key) if removed else self._pair(key, entry.key)

        self.app.push_screen(RenamePicker(title, choices), chosen)

    def action_pair_rename_narrow(self) -> None:
        self.action_pair_rename()

    def action_accept_rename(self) -> None:
        entry = self._current_entry()
        if entry is None or self.changes is None:
            return
        found = candidates_of(self.changes, entry.key)
        if not found:
            self.app.bell()
            return
        best = found[0]
        removed = dict(self.changes.renamed_keys).get(best.before, best.before)
        self._pair(removed, best.after)

    def action_accept_rename_narrow(self) -> None:
        self.action_accept_rename()

    def _pair(self, removed_key: str, added_key: str) -> None:
        if self.changes is None or self.source_snap is None or self.target_snap is None:
            return
        decision = pair_decision(self.changes, self.target_snap, self.source_snap, removed_key, added_key)
        if decision is None:
            return
        self._recompare(with_pair(self.request, decision), focus=added_key)
        self.notify(f"{decision.old} → {decision.new}: comparing again…", title="Paired as a rename", markup=False)

    def action_unpair_rename(self) -> None:
        entry = self._current_entry()
        if entry is None or self.changes is None or not is_decided(self.request, self.changes, entry.key):
            self.app.bell()
            return
        r: Any = rename_of(self.changes, entry.key)
        self._recompare(without_rename(self.request, self.changes, entry.key), focus=entry.key)
        self.notify(f"{r.before_name} and {r.after_name} are a drop and a create again.", title="Unpaired",
                    markup=False)

    def action_unpair_rename_narrow(self) -> None:
        self.action_unpair_rename()

    def _recompare(self, request: ComparisonRequest, *, focus: str | None) -> None:
        """Compare again with ``request`` (in the screen's comparison worker, never on the event loop)."""
        if self.source_snap is None or self.target_snap is None or self.loading_catalogs:
            return
        self.request = request
        self._rename_focus = focus
        self._compare(self.source_snap, self.target_snap)

    # ------------------------------------------------------------------ decisions files

    def action_save_decisions(self) -> None:
        if self.changes is None:
            return
        self.app.push_screen(DecisionsFileModal("save", self.decisions_path or DEFAULT_DECISIONS), self._save_to)

    def _save_to(self, chosen: tuple[Path, bool] | None) -> None:
        if chosen is None or self.changes is None:
            return
        path, force = chosen
        self._write_decisions(path, current_decisions(self.request, self.changes, self.excluded), force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="decisions", description="Writing decisions")
    def _write_decisions(self, path: Path, decisions: Decisions, force: bool) -> None:
        from pgsd.export import write_atomic

        write_atomic(path, decisions_toml(decisions), force=force)
        self.post_message(DecisionsSaved(path, decisions))

    def on_decisions_saved(self, event: DecisionsSaved) -> None:
        self.decisions_path = event.path
        d = event.decisions
        self.notify(f"{len(d.renames)} rename(s), {len(d.left_out)} left-out change(s), {len(d.using)} USING "
                    f"written to {event.path} (pgsd diff --decisions {event.path} replays them).",
                    title="Decisions saved", markup=False)

    def action_load_decisions(self) -> None:
        if self.changes is None:
            return
        self.app.push_screen(DecisionsFileModal("load", self.decisions_path or DEFAULT_DECISIONS), self._load_from)

    def _load_from(self, chosen: tuple[Path, bool] | None) -> None:
        if chosen is not None:
            self._read_decisions(chosen[0])

    @work(thread=True, exclusive=True, exit_on_error=False, group="decisions", description="Reading decisions")
    def _read_decisions(self, path: Path) -> None:
        self.post_message(DecisionsLoaded(path, read_decisions(path)))

    def on_decisions_loaded(self, event: DecisionsLoaded) -> None:
        """The file's decisions replace the app's: its renames, left-out changes and USING expressions."""
        d = event.decisions
        self.decisions_path = event.path
        self._pending_left_out = d.left_out
        self.notify(f"{len(d.renames)} rename(s), {len(d.left_out)} left-out change(s), {len(d.using)} USING "
                    f"from {event.path}: comparing again…", title="Decisions loaded", markup=False)
        self._recompare(replace(self.request, renames=(), decisions=d), focus=None)


def _kind(kind: str) -> str:
    from pgsd.model.kinds import KIND_LABELS

    return KIND_LABELS.get(kind, kind.replace("_", " "))


# ---------------------------------------------------------------------- dialogs


class RenamePicker(ModalScreen[str | None]):
    """Pick the object to pair with: candidates first (with their score and reason), then the rest."""

    BINDINGS = [
        Binding("escape", "dismiss_picker", "Cancel", id="rename-picker-cancel", tooltip="Close without pairing."),
    ]
    HELP_KEYS = [
        ("↑ ↓", "Choose", "Move through the objects of the other side: rename candidates first, with score and reason."),
        ("enter", "Pair", "Pair the row with the chosen object: the plan renames it instead of dropping and creating."),
    ]

    def __init__(self, title: str, choices: list[Counterpart]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*(Option(_choice(c), id=c.key) for c in self.choices), id="rename-choices")
            yield Static("[dim]↑↓ choose · Enter pairs · Esc cancels[/]", id="rename-hint")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_picker(self) -> None:
        self.dismiss(None)


def _choice(c: Counterpart) -> Text:
    text = Text(("→ " if c.candidate is not None else "  ") + c.label)
    if c.hint:
        text.append("  " + c.hint, style="dim")
    return text


class DecisionsFileModal(ModalScreen[tuple[Path, bool] | None]):
    """Ask for a decisions file to write (``save``) or read (``load``): (path, replace) or None."""

    BINDINGS = [
        Binding("escape", "dismiss_modal", "Cancel", id="decisions-cancel", tooltip="Close without a file."),
    ]
    HELP_KEYS = [
        ("enter", "Save / Load", "In the file field: save the decisions there, or load them from there; "
                                 "on a button: press it."),
        ("tab", "Next field", "Move between the file field, the Replace box and the buttons."),
    ]

    def __init__(self, mode: str, path: Path) -> None:
        super().__init__()
        self.mode = mode
        self.default_path = path

    def compose(self) -> ComposeResult:
        saving = self.mode == "save"
        with Vertical(id="decisions-dialog", classes="dialog"):
            yield Static("Save the decisions" if saving else "Load decisions", classes="dialog-title")
            yield Static("Renames and left-out changes, replayed by pgsd diff/apply --decisions FILE."
                         if saving else "A decisions file's renames, left-out changes and USING expressions "
                         "replace the ones made here.", classes="field-note")
            yield Label("File", classes="field-label")
            yield Input(str(self.default_path), id="decisions-path")
            yield Static("", id="decisions-path-error", classes="field-error")
            if saving:
                yield Checkbox("Replace the file if it exists", False, id="decisions-replace")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save" if saving else "Load", variant="primary", id="decisions-ok")
                yield Button("Cancel", id="decisions-cancel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#decisions-path", Input).focus()

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#decisions-cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#decisions-path")
    @on(Button.Pressed, "#decisions-ok")
    def done(self) -> None:
        error = self.query_one("#decisions-path-error", Static)
        text = self.query_one("#decisions-path", Input).value.strip()
        path = Path(text).expanduser() if text else None
        replace_it = self.mode == "save" and self.query_one("#decisions-replace", Checkbox).value
        problem = _path_problem(path, self.mode, replace_it)
        if problem:
            error.update(problem)
            error.add_class("-shown")
            return
        assert path is not None
        self.dismiss((path, replace_it))


def _path_problem(path: Path | None, mode: str, replace_it: bool) -> str:
    if path is None:
        return "Give a file name."
    if path.is_dir():
        return "That is a directory: give a file name."
    if mode == "load":
        return "" if path.is_file() else f"There is no file {path}."
    if not path.parent.exists():
        return f"The directory {path.parent} does not exist."
    if path.exists() and not replace_it:
        return "The file exists: tick “Replace” to overwrite it."
    return ""
