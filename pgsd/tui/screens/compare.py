"""CompareScreen: the two sides, the tree of differences, definitions, the plan, and its keys.

All database work and every potentially slow computation (introspection, comparison,
planning, export) runs in thread workers that post messages; the event loop only moves
cursors and repaints. The selection is kept as the set of changes the user *left out*,
so a refresh or a swap keeps the user's choices.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState, get_current_worker

from pgsd import errors
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Plan, Statement
from pgsd.ddl.planner import required_changes
from pgsd.diff.changes import ChangeSet
from pgsd.model.objects import KIND_LABELS
from pgsd.model.snapshot import Snapshot
from pgsd.tui.backend import Backend, DefinitionSource
from pgsd.tui.entries import MARKERS, STATES, DiffIndex, Entry
from pgsd.tui.messages import ComparisonLoaded, PlanExported, PlanReady, SelectionClosed, SideProgressed
from pgsd.tui.pairing import swapped
from pgsd.tui.screens.export import ExportModal, ExportRequest
from pgsd.tui.screens.renames import RENAME_ACTIONS, RENAME_BINDINGS, RenamePairing
from pgsd.tui.widgets.ddl_pane import DdlPane, hazard_text
from pgsd.tui.widgets.definition_pane import DefinitionPane
from pgsd.tui.widgets.filter_input import FilterInput
from pgsd.tui.widgets.load_progress import LoadProgress
from pgsd.tui.widgets.object_tree import ObjectTree
from pgsd.tui.widgets.side_header import SideHeader
from pgsd.tui.widgets.title_bar import TitleBar
from pgsd.workflow import CancelToken, ComparisonRequest, DatabaseSide, Side, SnapshotSide

STATE_COLOURS = {"added": "$text-success", "removed": "$text-error", "changed": "$text-warning",
                 "identical": "$text-muted"}


class CompareScreen(RenamePairing, Screen[None]):
    """Compare two sources and build a plan from the changes the user keeps."""

    AUTO_FOCUS = ""
    """Nothing is focused while the catalogs are read (keys go to the screen's bindings)."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter",
                tooltip="Filter the objects by name (↓ or Enter: back to the tree)."),
        Binding("escape", "cancel", "Cancel", show=False, id="cancel",
                tooltip="Cancel reading the catalogs; otherwise leave or clear the filter."),
        Binding("1", "toggle_state('added')", "Added", show=False, id="show-added",
                tooltip="Show or hide added objects."),
        Binding("2", "toggle_state('removed')", "Removed", show=False, id="show-removed",
                tooltip="Show or hide removed objects."),
        Binding("3", "toggle_state('changed')", "Changed", show=False, id="show-changed",
                tooltip="Show or hide changed objects."),
        Binding("4", "toggle_state('identical')", "Identical", show=False, id="show-identical",
                tooltip="Show or hide identical objects."),
        Binding("a", "toggle_all", "All/none", show=False, id="toggle-all",
                tooltip="Include every change, or leave every change out."),
        Binding("e", "export", "Export", id="export-plan", tooltip="Write the plan of the selection to a file."),
        Binding("y", "copy", "Copy", id="copy-ddl",
                tooltip="Copy the plan of the selection through the terminal's clipboard (OSC 52)."),
        Binding("u", "toggle_unified", "Unified", show=False, id="toggle-unified",
                tooltip="Show the definitions side by side or as one unified diff."),
        Binding("p", "toggle_scope", "Plan scope", show=False, id="toggle-plan-scope",
                tooltip="Show the plan of the object under the cursor or of the whole selection."),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Read both sides again (the cursor stays put)."),
        Binding("s", "swap", "Swap", id="swap", tooltip="Swap source and target."),
        Binding("o", "connections", "Connections", show=False, id="open-connections",
                tooltip="Go to the saved connections (Esc there comes back here)."),
        Binding("v", "verify", "Verify", show=False, id="verify-plan",
                tooltip="Try the plan of the selection on a scratch copy of the target's schema."),
        Binding("A", "apply", "Apply", show=False, id="apply-plan",
                tooltip="Apply the plan of the selection to the target (asks first)."),
        Binding("O", "options", "Options", show=False, id="plan-options",
                tooltip="Change the options: safe, transaction, concurrently, NOT VALID, lock timeout, "
                        "what is compared (owners, privileges, comments, extension versions)."),
        *RENAME_BINDINGS,  # m R D L (pgsd.tui.screens.renames)
    ]

    NEEDS_COMPARISON = frozenset({"export", "copy", "toggle_all", "toggle_state", "toggle_unified", "toggle_scope"})
    """Actions with nothing to act on before the first comparison: hidden from the footer until then."""

    TYPED_KEYS = frozenset({"toggle_state", "toggle_all", "export", "copy", "toggle_unified", "toggle_scope",
                            "refresh", "swap", "connections", "options"})
    """Letter and digit commands: a field being typed into takes these keys, so the footer hides them."""

    def __init__(self, source: Side, target: Side, *, backend: Backend,
                 source_name: str | None = None, target_name: str | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.source_side, self.target_side = source, target
        self.source_name = source_name or source.name
        self.target_name = target_name or target.name
        self.source_snap: Snapshot | None = None
        self.target_snap: Snapshot | None = None
        self.changes: ChangeSet | None = None
        self.index = DiffIndex()
        self.excluded: set[str] = set()
        """Changes the user left out (the selection is every other plannable change)."""
        self.selected: frozenset[str] = frozenset()
        self.required: frozenset[str] = frozenset()
        self.plan: Plan | None = None
        self.files: dict[str, str] = {}
        """Which sides are snapshot files (the exported script's header names them)."""
        self.scope = "object"
        self.generation = 0
        self.comparison = 0
        self._by_key: dict[str, list[Statement]] | None = None
        self._token: CancelToken | None = None
        self._defs: tuple[DefinitionSource, DefinitionSource] | None = None
        self.last_export: Path | None = None

    @property
    def request(self) -> ComparisonRequest:
        """What the user asked for (the backend's, which verify and apply read too); the options
        dialog and the export dialog change it, and the options line shows it."""
        return self.backend.request

    @request.setter
    def request(self, request: ComparisonRequest) -> None:
        self.backend.request = request

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what cannot act yet (no comparison, or typing in the filter); Copy is dimmed while planning."""
        if action in self.TYPED_KEYS and isinstance(self.focused, Input):
            return False
        if action in RENAME_ACTIONS:
            return self.rename_in_footer(action)
        return self.can_act(action)

    def can_act(self, action: str) -> bool | None:
        """Whether ``action`` has something to act on (the palette asks this too)."""
        if action in self.NEEDS_COMPARISON and self.changes is None:
            return False
        if action in RENAME_ACTIONS:
            return self.rename_can_act(action.removesuffix("_narrow"))
        if action == "copy" and self.plan is None:
            return None
        return True

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield SideHeader(id="sides")
        yield LoadProgress(id="progress")
        with Horizontal(id="body"):
            with Vertical(id="tree-pane"):
                yield FilterInput(placeholder="/ filter by name", id="filter")
                yield TitleBar("", id="state-toggles")
                yield ObjectTree(id="tree")
            with Vertical(id="detail-pane"):
                yield DefinitionPane(id="definition")
                yield DdlPane(id="ddl")
        yield TitleBar("", id="totals")
        # Compact and without the palette key (ctrl+p is in ? Help), so the keys fit in 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_options()
        self._show_sides(None, None)
        self.query_one("#body").display = False
        self.load()

    def _show_sides(self, source: Snapshot | None, target: Snapshot | None) -> None:
        """The header: each side's name (in its profile's colour, with its label) and what it is."""
        self.query_one(SideHeader).show(
            self.source_name, source, self.target_name, target,
            snapshots=self._snapshot_sides(),
            badges=(self._badge(self.source_side, self.source_name), self._badge(self.target_side, self.target_name)),
        )

    def _badge(self, side: Side, name: str) -> tuple[str, str] | None:
        """(label, colour) of a profile's side: from the side itself, else as the connections screen has it."""
        if isinstance(side, DatabaseSide) and (side.label or side.colour):
            return side.label or "", side.colour or ""
        badge = getattr(self.app, "profile_badge", None)
        return badge(name) if badge is not None else None

    def _snapshot_sides(self) -> tuple[bool, bool]:
        return isinstance(self.source_side, SnapshotSide), isinstance(self.target_side, SnapshotSide)

    # ------------------------------------------------------------------ loading

    @property
    def loading_catalogs(self) -> bool:
        return any(w.group == "load" and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers)

    def load(self) -> None:
        """Read both sides (again) in a worker; progress replaces the panes meanwhile."""
        self._token = CancelToken()
        progress = self.query_one(LoadProgress)
        progress.reset(f"Reading {self.source_name} and {self.target_name}…",
                       snapshots=self._snapshot_sides())
        progress.display = True
        self.query_one("#body").display = False
        self._load(self.source_side, self.target_side, self._token)

    @property
    def plan_options(self) -> PlanOptions:
        return self.request.plan_options()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", description="Reading both catalogs")
    def _load(self, source: Side, target: Side, token: CancelToken) -> None:
        def progress(side: str, step: str, done: int, total: int) -> None:
            self.post_message(SideProgressed(side, step, done, total))

        loaded = self.backend.load(source, target, progress=progress, cancel=token)
        if token.cancelled or get_current_worker().is_cancelled:
            raise errors.Cancelled("reading the catalogs was cancelled")
        self.files = loaded.files
        for note in loaded.notes:
            self.app.call_from_thread(self.notify, note[:1].upper() + note[1:] + ".", title="Filters", markup=False)
        self._compare_and_post(loaded.snapshots["source"], loaded.snapshots["target"])

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", description="Comparing")
    def _compare(self, source_snap: Snapshot, target_snap: Snapshot) -> None:
        self._compare_and_post(source_snap, target_snap)

    def _compare_and_post(self, source_snap: Snapshot, target_snap: Snapshot) -> None:
        changes = self.backend.replay(source_snap, target_snap, self.request).changes  # renames and decisions, as pgsd diff
        index = DiffIndex.build(changes)
        self.post_message(ComparisonLoaded(source_snap, target_snap, changes, index))

    @work(thread=True, exit_on_error=False, group="cancel", description="Cancelling")
    def _cancel(self, token: CancelToken) -> None:
        token.cancel()

    @on(SideProgressed)
    def show_progress(self, event: SideProgressed) -> None:
        self.query_one(LoadProgress).step(event.side, event.step, event.done, event.total)

    @on(ComparisonLoaded)
    def show_comparison(self, event: ComparisonLoaded) -> None:
        self.source_snap, self.target_snap = event.source, event.target
        self.changes, self.index = event.changes, event.index
        self._defs = (self.backend.definitions(event.source), self.backend.definitions(event.target))
        self.comparison += 1
        self.plan = None
        self._show_sides(event.source, event.target)
        self.query_one(LoadProgress).display = False
        self.query_one("#body").display = True
        tree = self.query_one(ObjectTree)
        tree.set_index(event.index)
        self.decisions_applied(event.changes)
        self._show_state_toggles()
        self.call_after_refresh(self._show_state_toggles)  # again once the panes have their width
        self._selection_changed()
        tree.focus()
        self.refresh_bindings()
        # A snapshot's warnings include its server's: each is said once (the header's tooltip lists them).
        warnings = list(dict.fromkeys(
            w for s in (event.source, event.target) for w in (*(s.server.warnings if s.server else ()), *s.warnings)
        ))
        if warnings:
            more = f" (+{len(warnings) - 1} more: hover the header)" if len(warnings) > 1 else ""
            self.notify(warnings[0] + more, title="Check coverage", severity="warning", markup=False)
        if event.changes.is_empty:
            self.notify("The schemas are identical: nothing to do.", title="No differences")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker, state = event.worker, event.state
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        if state == WorkerState.ERROR:
            if worker.group == "load":
                self._load_stopped(worker.error)
            self.app.show_error(worker.error)  # type: ignore[attr-defined]

    def _load_stopped(self, error: BaseException | None) -> None:
        progress = self.query_one(LoadProgress)
        if self.changes is not None:
            progress.display = False
            self.query_one("#body").display = True
            self.query_one(ObjectTree).focus()
        else:
            self.set_focus(None)
            what = "Cancelled" if isinstance(error, errors.Cancelled) else "Could not read the catalogs"
            first = (str(error or "").strip().splitlines() or [""])[0]
            progress.failed(what, first or what, "Press [b]r[/] to try again, [b]o[/] for the connections.")
        self.refresh_bindings()

    # ------------------------------------------------------------------ selection

    def _plannable(self) -> list[str]:
        return [e.key for e in self.index.by_key.values() if e.plannable]

    def _selection_changed(self) -> None:
        if self.changes is None:
            return
        pulled = self.required - self.selected
        self.selected = frozenset(k for k in self._plannable() if k not in self.excluded)
        # The dependency closure is the plan worker's first step (off the event loop): until it
        # answers, what was pulled in before and is not selected itself now stays marked.
        self.required = self.selected | pulled
        self.query_one(ObjectTree).set_selection(self.selected, self.required - self.selected)
        self.generation += 1
        self.plan = None
        self._by_key = None
        self.refresh_bindings()
        self._show_totals()
        self._plan_selection(self.changes, self.plan_options, set(self.selected), self.generation)
        self._show_plan_pane()

    @on(ObjectTree.ToggleRequested)
    def toggle_changes(self, event: ObjectTree.ToggleRequested) -> None:
        """Include or leave out changes; a table's changes inside it go with it."""
        keys = set(event.keys)
        for key in event.keys:
            keys.update(k for k in self.index.children.get(key, ()) if self.index.by_key[k].plannable)
        if keys <= self.selected:
            self.excluded |= keys
        else:
            self.excluded -= keys
        self._selection_changed()

    def action_toggle_all(self) -> None:
        if self.excluded:
            self.excluded.clear()
        else:
            self.excluded = set(self._plannable())
        self._selection_changed()

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan", description="Planning the selection")
    def _plan_selection(self, changes: ChangeSet, options: PlanOptions, selected: set[str], generation: int) -> None:
        self.post_message(SelectionClosed(frozenset(required_changes(changes, selected)), generation))
        plan = self.backend.plan(changes, options, selected)
        self.post_message(PlanReady(plan, None, generation))

    def _show_totals(self) -> None:
        totals = self.index.totals
        plannable = len(self._plannable())
        pulled = len(self.required - self.selected)
        parts = [f"{len(self.selected)} of {plannable} changes selected"]
        if pulled:
            parts.append(f"[$accent]+{pulled} pulled in as dependencies[/]")
        parts.append(hazard_text(self.plan) if self.plan is not None else "[dim]planning…[/]")
        counts = " ".join(f"[{STATE_COLOURS[s]}]{MARKERS[s]}{totals[s]}[/]" for s in STATES[:3])
        self.query_one("#totals", TitleBar).update(f"{counts}  " + " · ".join(parts))

    def _show_state_toggles(self) -> None:
        """``+6 -2 ~2 · hidden =7``: the hidden states are said in words, not drawn struck through
        (not every terminal draws strikethrough); each count is clickable, like keys 1-4."""
        tree = self.query_one(ObjectTree)
        totals = self.index.totals
        shown, hidden = [], []
        for state in STATES:
            text = f"{MARKERS[state]}{totals[state]}"
            if state in tree.states:
                shown.append(f"[@click=screen.toggle_state('{state}')][{STATE_COLOURS[state]}]{text}[/][/]")
            else:
                hidden.append(f"[@click=screen.toggle_state('{state}')]{text}[/]")
        toggles = self.query_one("#state-toggles", TitleBar)
        room = toggles.content_region.width or 1000  # (0 before the first layout)
        line = ""
        for prefix, word in (("[dim]1-4[/] ", "hidden"), ("", "hidden"), ("", "off")):
            line = prefix + (" ".join(shown) if shown else "[dim]nothing shown[/]")
            if hidden:
                line += f" [dim]· {word} " + " ".join(hidden) + "[/]"
            if Content.from_markup(line).cell_length <= room:
                break
        toggles.update(line)

    # ------------------------------------------------------------------ detail panes

    @on(ObjectTree.Highlighted)
    def show_detail(self, event: ObjectTree.Highlighted) -> None:
        entry = event.entry
        definition = self.query_one(DefinitionPane)
        if entry is None or self._defs is None:
            row = self.query_one(ObjectTree).current_row
            definition.clear(f"{row.label}: select an object to see its definition" if row else "Definition")
        else:
            src = self._defs[0].of_key(entry.key)
            tgt = self._defs[1].of_key(self.definition_target_key(entry.key))
            definition.show(self._title(entry), src, tgt)
        self._show_plan_pane()
        self.rename_keys_follow()

    def _title(self, entry: Entry) -> str:
        from rich.markup import escape

        kind = KIND_LABELS.get(entry.kind, entry.kind)
        colour = STATE_COLOURS[entry.status]
        text = f"{kind} [b]{escape(entry.label)}[/] [{colour}]{entry.status}[/]"
        change = self.changes.by_key.get(entry.key) if self.changes else None
        if change is not None and change.fields:
            text += f" [dim]({escape(', '.join(sorted(change.changed_fields)))})[/]"
        if entry.same_meaning:
            text += " [dim]same meaning[/]"
        return text + self.rename_title(entry)

    def _showing_selection_plan(self) -> bool:
        return self.scope == "selection" or self.query_one(ObjectTree).current_entry is None

    def _show_plan_pane(self) -> None:
        ddl = self.query_one(DdlPane)
        if self.changes is None:
            return
        on_object = self.query_one(ObjectTree).current_entry is not None
        ddl.hint = ("p: this object" if self.scope == "selection" else "p: whole selection") if on_object else ""
        if self._showing_selection_plan():
            if self.plan is None:
                ddl.set_title("Plan for the selection (planning…)")
            else:
                ddl.show_plan(f"Plan for the selection ({len(self.selected)} changes)", self.plan)
            return
        entry = self.query_one(ObjectTree).current_entry
        assert entry is not None
        if entry.status == "identical":
            ddl.show_message(f"Plan for {entry.label}", "-- identical on both sides: nothing to do\n")
            return
        if entry.same_meaning:
            ddl.show_message(
                f"Plan for {entry.label}", "-- only printed differently by the two servers: nothing to do\n"
            )
            return
        if self.plan is None:
            ddl.set_title(f"Plan for {entry.label} (planning…)")
            return
        title = f"Plan for {entry.label}"
        if entry.key not in self.required:
            ddl.show_message(title, "-- left out of the plan: space includes it\n")
            return
        statements = self._statements_by_key().get(entry.key)
        if not statements and entry.parent is not None:
            statements = self._statements_by_key().get(entry.parent)
            title += " (with its table)"
        if not statements:
            ddl.show_message(title, "-- no statement of its own: done by the statements of what contains it\n")
            return
        ddl.show_plan(title, Plan(statements=tuple(statements), transaction=False))

    def _statements_by_key(self) -> dict[str, list[Statement]]:
        """The whole plan's statements by object key (built once per plan)."""
        if self._by_key is None:
            self._by_key = {}
            if self.plan is not None:
                for s in self.plan.statements:
                    self._by_key.setdefault(s.key, []).append(s)
        return self._by_key

    @on(SelectionClosed)
    def selection_closed(self, event: SelectionClosed) -> None:
        """Mark what the selection pulls in, as soon as the worker knows it (before the plan)."""
        if event.generation != self.generation:
            return  # a newer selection is being planned
        self.required = event.required
        self.query_one(ObjectTree).set_selection(self.selected, self.required - self.selected)
        self._show_totals()

    @on(PlanReady)
    def plan_ready(self, event: PlanReady) -> None:
        if event.generation != self.generation:
            return  # a newer selection is being planned
        self.plan = event.plan
        self._by_key = None
        self.refresh_bindings()
        self._show_totals()
        self._show_plan_pane()

    # ------------------------------------------------------------------ actions

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def filter_tree(self, event: Input.Changed) -> None:
        self.query_one(ObjectTree).filter_text = event.value

    @on(Input.Submitted, "#filter")
    def leave_filter(self) -> None:
        self.query_one(ObjectTree).focus()

    def action_cancel(self) -> None:
        if self.loading_catalogs and self._token is not None:
            self._cancel(self._token)
            self.query_one(LoadProgress).stopped("Cancelling…")
            return
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus:
            self.query_one(ObjectTree).focus()
        elif filter_input.value:
            filter_input.value = ""

    def action_toggle_state(self, state: str) -> None:
        self.query_one(ObjectTree).toggle_state(state)
        self._show_state_toggles()

    def action_toggle_unified(self) -> None:
        self.query_one(DefinitionPane).toggle_unified()

    def action_toggle_scope(self) -> None:
        self.scope = "selection" if self.scope == "object" else "object"
        self._show_plan_pane()

    def action_refresh(self) -> None:
        if not self.loading_catalogs:
            self.load()

    def action_swap(self) -> None:
        if self.loading_catalogs:
            return
        self.source_side, self.target_side = self.target_side, self.source_side
        self.source_name, self.target_name = self.target_name, self.source_name
        self.files = {("target" if role == "source" else "source"): path for role, path in self.files.items()}
        self.request = swapped(self.request)  # renames decided the other way round
        if self.source_snap is None or self.target_snap is None:
            self._show_sides(None, None)
            self.load()
            return
        self._compare(self.target_snap, self.source_snap)
        self.notify(f"Source is now {self.source_name}; target {self.target_name}.", title="Swapped", markup=False)

    def action_copy(self) -> None:
        """Send the plan to the terminal's clipboard, and say plainly that it may not arrive.

        The only clipboard a terminal app can reach is the terminal's own, through the
        OSC 52 escape; many terminals (and tmux without ``set-clipboard on``) ignore it
        and nothing tells the app, so the message offers the file export instead.
        """
        if self.plan is None:
            self.notify("The plan is not ready yet.", severity="warning")
            return
        self.app.copy_to_clipboard(self.plan.to_sql())
        n = len(self.plan.statements)
        where = "tmux (it needs set-clipboard on)" if os.environ.get("TMUX") else "your terminal"
        self.notify(
            f"Sent {n} statement{'s' if n != 1 else ''} to the terminal clipboard (OSC 52). "
            f"If nothing arrives, {where} does not pass it on: press e to write a file instead.",
            title="Copy sent", markup=False, timeout=8,
        )

    def action_connections(self) -> None:
        self.app.open_connections()  # type: ignore[attr-defined]

    def action_verify(self) -> None:
        from pgsd.tui.screens.apply import start_verify

        start_verify(self)

    def action_apply(self) -> None:
        from pgsd.tui.screens.apply import open_apply

        open_apply(self)

    # ------------------------------------------------------------------ options

    def _show_options(self) -> None:
        from pgsd.tui.screens.options import options_summary

        self.query_one(DdlPane).show_options(f"[dim]Options (O):[/] {options_summary(self.request)}")

    def action_options(self) -> None:
        from pgsd.tui.screens.options import OptionsModal

        self.app.push_screen(OptionsModal(self.request), self._options_chosen)

    def _options_chosen(self, request: ComparisonRequest | None) -> None:
        if request is not None and request != self.request:
            self._use_request(request)

    def _use_request(self, request: ComparisonRequest) -> None:
        """Plan (or, when what is compared changed, compare) again with ``request``."""
        if request == self.request:
            return
        compare_again = request.diff_options() != self.request.diff_options()
        self.request = request
        self._show_options()
        if compare_again and self.loading_catalogs:
            return  # the read under way compares with the new request when it ends
        if compare_again and self.source_snap is not None and self.target_snap is not None:
            self._compare(self.source_snap, self.target_snap)
            return
        self._selection_changed()
        self._show_plan_pane()

    # ------------------------------------------------------------------ export

    def action_export(self) -> None:
        if self.changes is None:
            self.notify("Nothing to export yet.", severity="warning")
            return
        default = self.last_export or Path(f"{_slug(self.target_name)}_migration.sql")
        self.app.push_screen(ExportModal(default, self.request), self._export_chosen)

    def _export_chosen(self, request: ExportRequest | None) -> None:
        if request is None or self.changes is None or self.source_snap is None or self.target_snap is None:
            return
        self._use_request(request.request)  # what the dialog ticked stays, and the options line says so
        self.last_export = request.path
        self._export(self.changes, request, set(self.selected), self.source_snap, self.target_snap)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="Exporting the plan")
    def _export(self, changes: ChangeSet, request: ExportRequest, selected: set[str],
                source: Snapshot, target: Snapshot) -> None:
        from pgsd.export import write_atomic
        from pgsd.tui.backend import export_script

        plan = self.backend.plan(changes, request.request.plan_options(), selected)
        text = export_script(changes, plan, files=self.files, fmt=request.fmt)
        write_atomic(request.path, text, force=request.replace)
        self.post_message(PlanExported(request.path, len(plan.statements), plan.hazard_summary()))

    @on(PlanExported)
    def exported(self, event: PlanExported) -> None:
        self.notify(
            f"{event.statements} statement(s) written to {event.path} ({event.hazards}).",
            title="Plan exported",
            markup=False,
        )


def _slug(name: str) -> str:
    keep = "".join(c if c.isalnum() else "_" for c in name.split("/")[-1])
    return keep.strip("_") or "pgsd"
