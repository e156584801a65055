"""ObjectTree: the changes of a comparison, grouped by schema and kind, drawn line by line.

A virtualised widget (Textual's Line API): it keeps a flat list of rows and renders only
the lines on screen, so moving the cursor repaints two lines whatever the number of
objects, and filtering re-flattens the index in one pass. The widget owns its view state
(filter text, shown states, collapsed groups); the screen hands it the index and the
selection, and hears about the cursor and toggles through nested messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pgsd.tui.entries import (
    KIND_ROW,
    MARKERS,
    OBJECT_ROW,
    SCHEMA_ROW,
    STATES,
    DiffIndex,
    Entry,
    Row,
    common_prefix,
    flatten,
    shorten,
)

CHECKBOX_X = 4
"""Column of an object row's check box (clicking it toggles the object)."""


class ObjectTree(ScrollView, can_focus=True):
    """Changes grouped by schema and kind, with markers, counts and a check box per change."""

    COMPONENT_CLASSES = {
        "object-tree--cursor",
        "object-tree--group",
        "object-tree--added",
        "object-tree--removed",
        "object-tree--changed",
        "object-tree--identical",
        "object-tree--selected",
        "object-tree--dependency",
        "object-tree--dim",
        "object-tree--rename",
    }

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="tree-up", tooltip="Move to the previous line."),
        Binding("down,j", "cursor(1)", "Down", show=False, id="tree-down", tooltip="Move to the next line."),
        Binding("pageup", "page(-1)", "Page up", show=False, id="tree-page-up", tooltip="Move up one page."),
        Binding("pagedown", "page(1)", "Page down", show=False, id="tree-page-down", tooltip="Move down one page."),
        Binding("home", "edge(0)", "First", show=False, id="tree-first", tooltip="Move to the first line."),
        Binding("end", "edge(1)", "Last", show=False, id="tree-last", tooltip="Move to the last line."),
        Binding("left,h", "collapse", "Collapse", show=False, id="tree-collapse",
                tooltip="Collapse the group (or go to the group of the object)."),
        Binding("right,l", "expand", "Expand", show=False, id="tree-expand", tooltip="Expand the group."),
        Binding("enter", "toggle_group", "Open/close", show=False, id="tree-toggle-group",
                tooltip="Open or close the group under the cursor."),
        Binding("space", "toggle_selection", "Include", id="toggle-change",
                tooltip="Include the change under the cursor in the plan, or leave it out "
                "(on a group: every change in it)."),
        Binding("n,right_square_bracket", "next_change(1)", "Next", id="tree-next-change",
                tooltip="Move to the next added, removed or changed object."),
        Binding("N,left_square_bracket", "next_change(-1)", "Previous change", show=False,
                id="tree-previous-change", tooltip="Move to the previous added, removed or changed object."),
        Binding("minus", "collapse_all", "Collapse all", show=False, id="tree-collapse-all",
                tooltip="Close every kind group (schemas stay open, with their counts)."),
        Binding("plus,equals_sign", "expand_all", "Expand all", show=False, id="tree-expand-all",
                tooltip="Open every group."),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to an object (``entry``) or to a group header (``entry`` None)."""

        tree: ObjectTree
        entry: Entry | None

        @property
        def control(self) -> ObjectTree:
            return self.tree

    @dataclass
    class ToggleRequested(Message):
        """The user asked to include or leave out these changes (all at once)."""

        tree: ObjectTree
        keys: tuple[str, ...]

        @property
        def control(self) -> ObjectTree:
            return self.tree

    filter_text: reactive[str] = reactive("", init=False)
    """Objects whose display name contains this text (any case) are shown."""
    states: reactive[frozenset[str]] = reactive(frozenset({"added", "removed", "changed"}), init=False)
    """The states shown (identical objects are hidden by default)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.diff_index = DiffIndex()
        self.rows: list[Row] = []
        self.visible_counts: Counter[str] = Counter()
        self.collapsed: set[str] = set()
        self.selected: frozenset[str] = frozenset()
        self.pulled: frozenset[str] = frozenset()
        self.cursor = 0
        self._cache: dict[tuple[int, bool], Strip] = {}
        self._last_highlight: object = ()

    # ---------------------------------------------------------------- data in

    def set_index(self, index: DiffIndex) -> None:
        """Show a new comparison; the cursor stays on the same object (or group) when it is still there.

        A refresh or a swap compares the same objects again, so the user's place and the
        groups they closed are kept; a first comparison starts at the top.
        """
        keep = self.current_key
        self.diff_index = index
        if not self.rows:
            self.collapsed = set()
            self.cursor = 0
        self._rebuild(keep=keep if keep in index.by_key else None)  # else the same group, if any

    def set_selection(self, selected: frozenset[str], pulled: frozenset[str]) -> None:
        self.selected = selected
        self.pulled = pulled
        self._cache.clear()
        self.refresh()

    def watch_filter_text(self) -> None:
        self._rebuild(keep=self.current_key, prefer_object=True)

    def watch_states(self) -> None:
        self._rebuild(keep=self.current_key, prefer_object=True)

    def toggle_state(self, state: str) -> None:
        self.states = self.states ^ {state}

    # ---------------------------------------------------------------- queries

    @property
    def current_row(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def current_entry(self) -> Entry | None:
        row = self.current_row
        return row.entry if row is not None else None

    @property
    def current_key(self) -> str | None:
        entry = self.current_entry
        return entry.key if entry else None

    def visible_entries(self) -> list[Entry]:
        return [r.entry for r in self.rows if r.entry is not None]

    def line_of(self, key: str) -> int | None:
        for i, row in enumerate(self.rows):
            if row.entry is not None and row.entry.key == key:
                return i
        return None

    def select_key(self, key: str) -> bool:
        """Move the cursor to ``key`` (opening its groups); False when it is filtered out."""
        entry = self.diff_index.by_key.get(key)
        if entry is None:
            return False
        opened = {entry.schema, f"{entry.schema}/{entry.kind}"} & self.collapsed
        if opened:
            self.collapsed -= opened
            self._rebuild(keep=key)
        line = self.line_of(key)
        if line is None:
            return False
        self._move(line)
        return True

    # ---------------------------------------------------------------- flatten

    def _rebuild(self, keep: str | None, *, prefer_object: bool = False) -> None:
        old_group = self.current_row.group if self.current_row else None
        self.rows, self.visible_counts = flatten(
            self.diff_index, text=self.filter_text, states=self.states, collapsed=frozenset(self.collapsed)
        )
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.rows))
        line = self.line_of(keep) if keep else None
        if line is None and prefer_object:
            line = next((i for i, r in enumerate(self.rows) if r.entry is not None), None)
        if line is None and old_group is not None:
            line = next((i for i, r in enumerate(self.rows) if r.group == old_group and r.entry is None), None)
        self._move(line if line is not None else min(self.cursor, max(0, len(self.rows) - 1)), force=True)
        self.refresh()

    # ---------------------------------------------------------------- cursor

    def _move(self, line: int, *, force: bool = False) -> None:
        line = max(0, min(line, len(self.rows) - 1)) if self.rows else 0
        previous = self.cursor
        self.cursor = line
        if previous != line:
            self._refresh_row(previous)
            self._refresh_row(line)
        if self.rows:
            self.scroll_to_region(Region(0, line, 1, 1), animate=False, force=True, x_axis=False)
        entry = self.current_entry
        marker = (entry.key if entry else None, self.current_row.group if self.current_row else None)
        if force or marker != self._last_highlight:
            self._last_highlight = marker
            self.post_message(self.Highlighted(self, entry))

    def _refresh_row(self, line: int) -> None:
        self._cache.pop((line, True), None)
        self._cache.pop((line, False), None)
        self.refresh_line(line)

    def action_cursor(self, delta: int) -> None:
        self._move(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move(self.cursor + direction * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self._move(len(self.rows) - 1 if end else 0)

    def action_next_change(self, direction: int) -> None:
        """Move to the next (1) or previous (-1) object that the plan can act on."""
        line = self.cursor + direction
        while 0 <= line < len(self.rows):
            entry = self.rows[line].entry
            if entry is not None and entry.plannable:
                self._move(line)
                return
            line += direction
        self.app.bell()

    def action_collapse_all(self) -> None:
        kinds = {f"{schema}/{kind}" for schema, groups in self.diff_index.groups.items() for kind in groups}
        self.collapsed = (self.collapsed - set(self.diff_index.groups)) | kinds
        self._rebuild(keep=None)

    def action_expand_all(self) -> None:
        self.collapsed = set()
        self._rebuild(keep=self.current_key)

    def action_collapse(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.type == OBJECT_ROW or (row.collapsed and row.type == KIND_ROW):
            # go to the header of the group this line is in
            if row.type == OBJECT_ROW:
                parent_type, parent_group = KIND_ROW, row.group
            else:
                parent_type, parent_group = SCHEMA_ROW, row.group.split("/")[0]
            for i in range(self.cursor - 1, -1, -1):
                r = self.rows[i]
                if r.type == parent_type and r.group == parent_group:
                    self._move(i)
                    return
            return
        if not row.collapsed:
            self._set_collapsed(row.group, True)

    def action_expand(self) -> None:
        row = self.current_row
        if row is not None and row.type != OBJECT_ROW and row.collapsed:
            self._set_collapsed(row.group, False)

    def action_toggle_group(self) -> None:
        row = self.current_row
        if row is not None and row.type != OBJECT_ROW:
            self._set_collapsed(row.group, not row.collapsed)

    def _set_collapsed(self, group: str, collapsed: bool) -> None:
        if collapsed:
            self.collapsed.add(group)
        else:
            self.collapsed.discard(group)
        self._rebuild(keep=None)
        for i, r in enumerate(self.rows):
            if r.group == group and r.entry is None:
                self._move(i)
                break

    def action_toggle_selection(self) -> None:
        row = self.current_row
        if row is None:
            return
        keys: tuple[str, ...]
        if row.entry is not None:
            keys = (row.entry.key,) if row.entry.plannable else ()
        else:
            keys = tuple(e.key for e in self._entries_under(row) if e.plannable)
        if keys:
            self.post_message(self.ToggleRequested(self, keys))

    def _entries_under(self, row: Row) -> list[Entry]:
        if row.type == SCHEMA_ROW:
            kinds = self.diff_index.groups.get(row.group, {})
            entries = [e for es in kinds.values() for e in es]
        else:
            schema, _, kind = row.group.partition("/")
            entries = self.diff_index.groups.get(schema, {}).get(kind, [])
        needle = self.filter_text.strip().lower()
        return [e for e in entries if e.status in self.states and (not needle or needle in e.search)]

    async def _on_click(self, event: events.Click) -> None:
        line = event.style.meta.get("line")
        if line is None:
            return
        self._move(line)
        row = self.current_row
        if row is None:
            return
        if row.type != OBJECT_ROW:
            self.action_toggle_group()
        elif CHECKBOX_X <= event.x + self.scroll_offset.x < CHECKBOX_X + 3:
            self.action_toggle_selection()

    # ---------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def _on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(event.size.width, len(self.rows))

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        width = self.scrollable_content_region.width or self.size.width  # less the scrollbar, when shown
        if line >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        is_cursor = line == self.cursor
        key = (line, is_cursor)
        strip = self._cache.get(key)
        if strip is None or strip.cell_length != width:
            strip = self._cache[key] = self._render_row(line, width, is_cursor)
        return strip

    def _differs_at(self, line: int) -> int | None:
        """Where this object's label first differs from its neighbours' in the same group (for cutting)."""
        row = self.rows[line]
        assert row.entry is not None
        shared = [
            common_prefix(row.entry.label, other.entry.label)
            for other in (self.rows[i] for i in (line - 1, line + 1) if 0 <= i < len(self.rows))
            if other.entry is not None and other.group == row.group
        ]
        return max(shared) if shared else None

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"object-tree--{name}", partial=True)

    def _render_row(self, line: int, width: int, is_cursor: bool) -> Strip:
        row = self.rows[line]
        base = self.rich_style
        meta = Style(meta={"line": line})
        segs: list[Segment] = []
        if row.type == OBJECT_ROW:
            e = row.entry
            assert e is not None
            segs.append(Segment("    "))
            if not e.plannable:
                segs.append(Segment("    "))
            elif e.key in self.selected:
                segs.append(Segment("[x] ", self._style("selected")))
            elif e.key in self.pulled:
                segs.append(Segment("[d] ", self._style("dependency")))
            else:
                segs.append(Segment("[ ] ", self._style("dim")))
            status_style = self._style(e.status)
            segs.append(Segment(MARKERS[e.status] + " ", status_style))
            label_style = self._style("dim") if (e.status == "identical" or e.same_meaning) else Style()
            note = f"  {e.note}" if e.note else "  (same meaning)" if e.same_meaning else ""
            if e.note and len(e.label) + len(note) > width - 10:
                # a rename's note is cut before the name is (the definition pane's title says it whole)
                rest = width - 10 - len(e.label)
                note = note[:rest - 1] + "…" if rest >= 8 else ""
            room = width - 10 - len(note)
            if len(e.label) > room and note:
                note, room = "", room + len(note)
            segs.append(Segment(shorten(e.label, max(room, 4), self._differs_at(line)), label_style))
            if note:
                segs.append(Segment(note, self._style("rename" if e.note else "dim")))
        else:
            indent = "" if row.type == SCHEMA_ROW else "  "
            arrow = "▸ " if row.collapsed else "▾ "
            group_style = self._style("group")
            counts = [(state, f" {MARKERS[state]}{n}") for state, n in zip(STATES, row.counts, strict=True) if n]
            room = width - len(indent + arrow) - sum(len(t) for _, t in counts)
            segs.append(Segment(indent + arrow, group_style))
            segs.append(Segment(shorten(row.label, max(room, 4)), group_style))
            for state, text in counts:
                segs.append(Segment(text, self._style(state)))
        segs = Segment.adjust_line_length(segs, width, style=Style())
        if is_cursor:
            # The cursor's colours win over the markers', so the line reads on any theme.
            cursor = self._style("cursor")
            segs = [Segment(text, (style or Style()) + cursor) for text, style, _ in segs]
        return Strip(segs).apply_style(base + meta)
