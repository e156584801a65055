"""What a renderer may consult: both snapshots, the plan options, and table children."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pgsd.model.kinds import KINDS
from pgsd.model.names import quote_ident, split_dotted
from pgsd.model.objects import Column, DbObject
from pgsd.model.snapshot import Snapshot

COLUMN_HOLDERS = tuple(k.name for k in KINDS if k.holds_columns)
"""The kinds whose objects have columns (tables, foreign tables)."""


@dataclass(frozen=True)
class PlanOptions:
    safe: bool = False
    """Leave out every DATA_LOSS statement (and list it as withheld)."""
    concurrently: bool = False
    """CREATE/DROP INDEX CONCURRENTLY, outside the transaction."""
    not_valid: bool = False
    """Add foreign keys and checks NOT VALID, then VALIDATE them separately."""
    transaction: bool = True
    commit_data_loss_early: bool = False
    """When the plan has more than one transaction, let statements that lose data commit
    ahead of a later transaction that may fail (the user's choice; by default the planner
    puts them in the last transaction it can)."""
    lock_timeout: str | None = None
    extension_versions: bool = True
    """Pin VERSION in CREATE EXTENSION (off when extension versions are not compared)."""
    owners: bool = False
    """Owners are compared: created objects get ALTER ... OWNER TO."""
    using: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Column key (``column:s.t.c``) -> the USING expression that converts its values
    when its type changes: the user's, where pgsd knows no conversion or not the right one."""


def using_key(column: str) -> str:
    """``SCHEMA.TABLE.COLUMN`` (SQL spelling: quote what needs it) -> its column key.

    Raises ValueError when the name is not three parts.
    """
    parts = split_dotted(column)
    if len(parts) != 3:
        raise ValueError(f"{column!r} is not SCHEMA.TABLE.COLUMN")
    return "column:" + ".".join(quote_ident(p) for p in parts)


@dataclass
class RenderContext:
    source: Snapshot
    target: Snapshot
    options: PlanOptions = field(default_factory=PlanOptions)

    @cached_property
    def _source_children(self) -> dict[str, tuple[DbObject, ...]]:
        return self.source.children()

    @cached_property
    def _target_children(self) -> dict[str, tuple[DbObject, ...]]:
        return self.target.children()

    def children(self, parent_key: str, kind: str | None = None, *, side: str = "source") -> list[DbObject]:
        """Objects inside ``parent_key`` (columns of a table, ...) on one side, in key order.

        Columns come back in their ``position`` order.
        """
        pool = self._source_children if side == "source" else self._target_children
        found = [o for o in pool.get(parent_key, ()) if kind is None or o.kind == kind]
        if kind == "column":
            found.sort(key=lambda c: c.position)  # type: ignore[attr-defined]
        return found

    def in_source(self, key: str) -> DbObject | None:
        return self.source.get(key)

    def in_target(self, key: str) -> DbObject | None:
        return self.target.get(key)


    @cached_property
    def owned_sequences(self) -> dict[str, list[str]]:
        """In the target: column key -> keys of the sequences it owns (they go when it goes)."""
        out: dict[str, list[str]] = defaultdict(list)
        for seq in self.target.of_kind("sequence"):
            owner = getattr(seq, "owned_by", None)
            if owner:
                out[owner].append(seq.key)
        return out

    @cached_property
    def inherited_columns(self) -> dict[str, list[str]]:
        """In the target: parent column key -> child columns that exist only through it."""
        return inherited_columns(self.target)

    @cached_property
    def inherited_columns_in_source(self) -> dict[str, list[str]]:
        """``inherited_columns`` of the source."""
        return inherited_columns(self.source)


def inherited_columns(snap: Snapshot) -> dict[str, list[str]]:
    """Parent column key -> keys of child columns that exist only through it.

    Only tables that inherit have such columns: looking at their columns, not at every
    column of the snapshot (35,000 at 2,000 tables), costs next to nothing.
    """
    out: dict[str, list[str]] = defaultdict(list)
    children = snap.children()
    for kind in COLUMN_HOLDERS:
        for table in snap.of_kind(kind):
            if not getattr(table, "inherits", ()):
                continue
            for col in children.get(table.key, ()):
                if isinstance(col, Column) and not col.is_local:
                    parent_col = parent_column(snap, col)
                    if parent_col is not None:
                        out[parent_col].append(col.key)
    return out


def parent_column(snap: Snapshot, col: Column) -> str | None:
    """The key of the parent table's column ``col`` comes from (first parent that has it)."""
    table = snap.get(col.parent_key)
    if table is None:
        return None
    for parent_name in getattr(table, "inherits", ()) or ():
        candidate = f"column:{parent_name}.{quote_ident(col.name)}"
        if snap.get(candidate) is not None:
            return candidate
    return None
