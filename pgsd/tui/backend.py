"""What the app asks of the layers below, as one small injectable object.

The app never calls the workflow directly: it calls a ``Backend``. ``LiveBackend`` is
the real one (pgsd.workflow, with the command line's filters and options); tests pass
a fake that returns canned snapshots. Every method may block: the app calls them only
from thread workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pgsd import errors
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Plan
from pgsd.diff.changes import ChangeSet, DiffOptions
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Filters, Snapshot
from pgsd.workflow import CancelToken, SideProgress


@dataclass(frozen=True)
class ServerReport:
    """What a connection test found: where, and the server facts."""

    where: str
    info: ServerInfo


class Backend(Protocol):
    def load(
        self, source: str, target: str, *, progress: SideProgress, cancel: CancelToken
    ) -> tuple[Snapshot, Snapshot]:
        """Read both sides (snapshot files as is, databases introspected concurrently)."""

    def compare(self, source: Snapshot, target: Snapshot) -> ChangeSet: ...

    def plan(self, changes: ChangeSet, options: PlanOptions, selected: set[str] | None) -> Plan: ...

    def test_connection(self, spec: object) -> ServerReport:
        """Connect to a ConnectionSpec (or a source text) and read the server facts."""

    def definitions(self, snapshot: Snapshot) -> DefinitionSource:
        """What shows an object's SQL definition on one side (cheap: rendering is lazy)."""


class DefinitionSource(Protocol):
    def of_key(self, key: str) -> str | None:
        """The SQL definition of the object ``key``, or None when this side has no such object."""


@dataclass
class LiveBackend:
    """The real thing: pgsd.workflow with the options given on the command line."""

    filters: Filters | None = None
    diff_options: DiffOptions = field(default_factory=DiffOptions)
    settings: object | None = None
    """pgsd.connect.PoolSettings, or None for the defaults."""

    def load(self, source: str, target: str, *, progress: SideProgress, cancel: CancelToken) -> tuple[Snapshot, Snapshot]:
        from pgsd import workflow

        return workflow.load_both(
            source, target, filters=self.filters, settings=self.settings, progress=progress, cancel=cancel  # type: ignore[arg-type]
        )

    def compare(self, source: Snapshot, target: Snapshot) -> ChangeSet:
        from pgsd import workflow

        return workflow.compare(source, target, self.diff_options)

    def plan(self, changes: ChangeSet, options: PlanOptions, selected: set[str] | None) -> Plan:
        from pgsd import workflow

        return workflow.plan(changes, options, selected)

    def test_connection(self, spec: object) -> ServerReport:
        from pgsd.connect import ConnectionSpec
        from pgsd.workflow import resolve_spec, server_info

        if not isinstance(spec, ConnectionSpec):
            spec = resolve_spec(str(spec))
        info, _ = server_info(spec, self.settings)  # type: ignore[arg-type]
        return ServerReport(spec.describe(), info)

    def definitions(self, snapshot: Snapshot) -> DefinitionSource:
        from pgsd.tui.definitions import Definitions

        return Definitions(snapshot)
