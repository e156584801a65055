"""App-level messages: facts posted by thread workers (past tense) or requests (``...Requested``).

Workers never touch widgets; they post one of these (``post_message`` is thread-safe)
and a handler on the screen updates the UI. Widget-specific messages are nested in
their widget (``ObjectTree.Highlighted``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from pgsd.ddl.plan import Plan
from pgsd.diff.changes import ChangeSet
from pgsd.model.snapshot import Snapshot
from pgsd.tui.backend import ServerReport
from pgsd.tui.entries import DiffIndex


@dataclass
class SideProgressed(Message):
    """One introspection step of one side started or ended."""

    side: str
    step: str
    done: int
    total: int


@dataclass
class ComparisonLoaded(Message):
    """Both sides were read and compared."""

    source: Snapshot
    target: Snapshot
    changes: ChangeSet
    index: DiffIndex


@dataclass
class SelectionClosed(Message):
    """The selection's dependency closure was computed (in the plan worker, off the event loop)."""

    required: frozenset[str]
    """The selected change keys and every change they need."""
    generation: int
    """The selection generation it was computed for (stale ones are ignored)."""


@dataclass
class PlanReady(Message):
    """A plan was built: for the whole selection (``key`` None) or for one object."""

    plan: Plan
    key: str | None
    generation: int
    """The selection generation it was built for (stale plans are ignored)."""


@dataclass
class ServerTested(Message):
    """A connection test succeeded."""

    name: str
    report: ServerReport


@dataclass
class PlanExported(Message):
    path: Path
    statements: int
    hazards: str


@dataclass
class CompareRequested(Message):
    """Open a comparison of two sources (profile names, URIs or snapshot files)."""

    source: str
    target: str
