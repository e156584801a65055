"""What a renderer may consult: both snapshots, the plan options, and table children."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pgsd.model.names import quote_ident, split_dotted
from pgsd.model.objects import DbObject
from pgsd.model.snapshot import Snapshot


@dataclass(frozen=True)
class PlanOptions:
    safe: bool = False
    """Leave out every DATA_LOSS statement (and list it as withheld)."""
    concurrently: bool = False
    """CREATE/DROP INDEX CONCURRENTLY, outside the transaction."""
    not_valid: bool = False
    """Add foreign keys and checks NOT VALID, then VALIDATE them separately."""
    transaction: bool = True
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
    def _source_children(self) -> dict[str, list[DbObject]]:
        return self.source.children()

    @cached_property
    def _target_children(self) -> dict[str, list[DbObject]]:
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

