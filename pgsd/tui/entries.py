"""What the object tree shows, as plain data: one entry per object, grouped by schema and kind.

Pure (no Textual): built once per comparison (in a worker), then flattened into rows
whenever the filter, the state toggles or the collapsed groups change. Flattening is a
single pass over the entries, so it stays fast at tens of thousands of objects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from os.path import commonprefix
from typing import NamedTuple

from pgsd.diff.changes import ChangeSet
from pgsd.model.kinds import DISPLAY_RANK, KIND_LABELS
from pgsd.model.names import quote_ident
from pgsd.model.objects import DbObject

STATES = ("added", "removed", "changed", "identical")
MARKERS = {"added": "+", "removed": "-", "changed": "~", "identical": "="}


DATABASE_GROUP = ""
"""The schema group of objects that live in no schema (schemas, extensions, ...)."""


def plural(kind: str) -> str:
    word = KIND_LABELS.get(kind, kind.replace("_", " "))
    if word.endswith(("x", "ss")):
        return word + "es"  # indexes, operator classes
    if word.endswith("s"):
        return word  # "default privileges"
    if word.endswith("y"):
        return word[:-1] + "ies"
    return word + "s"


class Entry(NamedTuple):
    """One object of either side, as the tree lists it.

    A named tuple rather than a frozen dataclass: the index makes one per object of the
    comparison (490,000 at 10,000 tables), and a tuple is built about four times faster
    (bench/tui_latency.py --real: the app's time to open).
    """

    key: str
    kind: str
    schema: str
    label: str
    """The display name without its schema (the group says it)."""
    status: str
    """added, removed, changed or identical."""
    same_meaning: bool = False
    """Changed only in how the server prints it: nothing to plan."""
    search: str = ""
    """Lower-cased full display name, for the filter."""
    parent: str | None = None
    """Key of the object this one lives in (a column's table)."""
    note: str = ""
    """A rename said after the name: ``renamed from shop.customer``, or a candidate ``→ rename to client?``."""

    @property
    def plannable(self) -> bool:
        return self.status != "identical" and not self.same_meaning


def _label(obj: DbObject, prefixes: dict[str, str] | None = None) -> str:
    """The display name without the schema's ``name.`` (``prefixes``: schema -> that prefix, filled as it goes)."""
    name = obj.display_name
    schema = obj.schema_name
    if schema:
        prefix = prefixes.get(schema) if prefixes is not None else None
        if prefix is None:
            prefix = quote_ident(schema) + "."
            if prefixes is not None:
                prefixes[schema] = prefix
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass
class DiffIndex:
    """Every entry of a comparison, grouped schema -> kind -> entries (each sorted)."""

    groups: dict[str, dict[str, list[Entry]]] = field(default_factory=dict)
    by_key: dict[str, Entry] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)
    children: dict[str, list[str]] = field(default_factory=dict)
    """Parent key -> keys of the entries inside it."""

    @classmethod
    def build(cls, cs: ChangeSet) -> DiffIndex:
        from pgsd.tui.pairing import rename_notes  # noqa: PLC0415 - pairing imports this module

        notes = rename_notes(cs)
        entries: list[Entry] = []
        changed = set()
        prefixes: dict[str, str] = {}
        for c in cs.changes:
            obj = cs.source.get(c.key) or cs.target.get(c.key)
            changed.add(c.key)
            if obj is None:
                continue
            entries.append(_entry(obj, c.status.value, c.same_meaning, prefixes, notes.get(c.key, "")))
        src = cs.source.by_key
        for key, obj in cs.target.by_key.items():
            if key in src and key not in changed:
                entries.append(_entry(obj, "identical", False, prefixes))
        return cls.from_entries(entries)

    @classmethod
    def from_entries(cls, entries: list[Entry]) -> DiffIndex:
        index = cls()
        raw: dict[str, dict[str, list[Entry]]] = {}
        by_key, children = index.by_key, index.children
        totals: dict[str, int] = {}
        for e in entries:  # one pass, locals only: it runs once per object of both sides
            key, kind, schema, _, status, _, _, parent, _ = e
            kinds = raw.get(schema)
            if kinds is None:
                kinds = raw[schema] = {}
            group = kinds.get(kind)
            if group is None:
                kinds[kind] = [e]
            else:
                group.append(e)
            by_key[key] = e
            totals[status] = totals.get(status, 0) + 1
            if parent is not None:
                inside = children.get(parent)
                if inside is None:
                    children[parent] = [key]
                else:
                    inside.append(key)
        index.totals.update(totals)
        for schema in sorted(raw):
            kinds = raw[schema]
            index.groups[schema] = {
                k: sorted(kinds[k], key=lambda e: e.label)
                for k in sorted(kinds, key=lambda k: (DISPLAY_RANK.get(k, 99), k))
            }
        return index


def _entry(obj: DbObject, status: str, same_meaning: bool, prefixes: dict[str, str] | None = None,
           note: str = "") -> Entry:
    kind = obj.kind
    schema = (obj.schema_name or DATABASE_GROUP) if kind != "schema" else DATABASE_GROUP
    # positional: Entry's field order
    return Entry(obj.key, kind, schema, _label(obj, prefixes), status, same_meaning, obj.display_name.lower(),
                 obj.parent_key, note)


ELLIPSIS = "…"


def shorten(label: str, width: int, differs_at: int | None = None) -> str:
    """``label`` in at most ``width`` cells, cut with ``…`` where the cut loses the least.

    Without more to go on the cut keeps a short head and a longer tail (names mostly
    differ at their end). ``differs_at`` is where the label first differs from its most
    alike neighbour in the list (``payments_2024_01_…`` and ``payments_2024_02_…`` differ
    at 15): the cut then keeps that place in sight, so two cut names never look the same.
    """
    if len(label) <= width:
        return label
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    head = keep // 3
    if differs_at is not None and head <= differs_at < len(label) - (keep - head):
        start = max(differs_at - 1, 0)
        if len(label) - start <= keep - 1:
            head = keep - (len(label) - start)
        elif keep >= 6:
            head = min(3, keep // 4)
            return label[:head] + ELLIPSIS + label[start:start + keep - head - 1] + ELLIPSIS
    return label[:head] + ELLIPSIS + label[len(label) - (keep - head):]


def common_prefix(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share."""
    return len(commonprefix([a, b]))  # noqa: RUF071 - character by character is what is meant


# ------------------------------------------------------------------------------ rows

SCHEMA_ROW = 0
KIND_ROW = 1
OBJECT_ROW = 2


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the tree: a schema header, a kind header or an object."""

    type: int
    group: str
    """``schema`` for schema rows, ``schema/kind`` for kind rows and objects."""
    label: str
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)
    """Visible added, removed, changed, identical (header rows)."""
    entry: Entry | None = None
    collapsed: bool = False


def _count_tuple(c: Counter[str]) -> tuple[int, int, int, int]:
    return (c["added"], c["removed"], c["changed"], c["identical"])


def flatten(
    index: DiffIndex,
    *,
    text: str = "",
    states: frozenset[str] = frozenset({"added", "removed", "changed"}),
    collapsed: frozenset[str] = frozenset(),
) -> tuple[list[Row], Counter[str]]:
    """The rows to show, and the visible count per state.

    ``text`` keeps objects whose display name contains it (case-insensitive); a group
    with nothing visible is left out; a collapsed group shows its header and counts only.
    """
    needle = text.strip().lower()
    rows: list[Row] = []
    visible: Counter[str] = Counter()
    for schema, kinds in index.groups.items():
        schema_rows: list[Row] = []
        schema_counts: Counter[str] = Counter()
        schema_collapsed = schema in collapsed
        for kind, entries in kinds.items():
            if needle:
                shown = [e for e in entries if e.status in states and needle in e.search]
            else:
                shown = [e for e in entries if e.status in states]
            if not shown:
                continue
            counts = Counter(e.status for e in shown)
            schema_counts.update(counts)
            if schema_collapsed:
                continue
            group = f"{schema}/{kind}"
            is_collapsed = group in collapsed
            schema_rows.append(Row(KIND_ROW, group, plural(kind), _count_tuple(counts), collapsed=is_collapsed))
            if not is_collapsed:
                schema_rows.extend(Row(OBJECT_ROW, group, e.label, entry=e) for e in shown)
        if not schema_counts:
            continue
        visible.update(schema_counts)
        label = "database-wide" if schema == DATABASE_GROUP else schema
        rows.append(Row(SCHEMA_ROW, schema, label, _count_tuple(schema_counts), collapsed=schema_collapsed))
        rows.extend(schema_rows)
    return rows, visible
