"""What the app asks of the layers below, as one small injectable object.

The app never calls the workflow directly: it calls a ``Backend``. ``LiveBackend`` is
the real one: ``workflow.read_sides`` (the function ``pgsd diff`` reads its sides with)
and the options of one ``workflow.ComparisonRequest`` (built as ``pgsd diff`` builds
it); tests pass a fake that returns canned snapshots. Every method may block: the app
calls them only from thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Plan
from pgsd.ddl.planner import PlanCache
from pgsd.diff.changes import ChangeSet
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot
from pgsd.workflow import CancelToken, ComparisonRequest, Loaded, Replayed, Side, SideProgress


@dataclass(frozen=True)
class ServerReport:
    """What a connection test found: where, and the server facts."""

    where: str
    info: ServerInfo


class Backend(Protocol):
    request: ComparisonRequest
    """What the user asked for (filters, what is compared, how the script is written)."""

    def load(self, source: Side, target: Side, *, progress: SideProgress, cancel: CancelToken) -> Loaded:
        """Read both sides (snapshot files as is, databases introspected concurrently)."""

    def replay(self, source: Snapshot, target: Snapshot, request: ComparisonRequest) -> Replayed:
        """``workflow.compare_with_decisions``: the comparison with ``request``'s renames and decisions,
        as ``pgsd diff`` runs it (candidates listed on the change set)."""

    def plan(self, changes: ChangeSet, options: PlanOptions, selected: set[str] | None) -> Plan: ...

    def test_connection(self, side: Side) -> ServerReport:
        """Connect to a database side (its password already asked, if it asks) and read the server facts."""

    def definitions(self, snapshot: Snapshot) -> DefinitionSource:
        """What shows an object's SQL definition on one side (cheap: rendering is lazy)."""

    def verify(self, plan: Plan, source: Snapshot, target: Snapshot, target_side: Side,
               compared_target: Snapshot | None = None) -> Any:
        """``workflow.verify.verify_plan`` of the plan: a ``VerifyResult`` (``compared_target``: the
        comparison's target, renames applied, which the changes left out must leave as it is)."""

    def apply(self, target_side: Side, plan: Plan, target: Snapshot, progress: Callable[[Any], object]) -> Any:
        """``workflow.apply.apply_to_side``: an ``ApplyReport``; raises ``StatementFailed`` with one."""


class DefinitionSource(Protocol):
    def of_key(self, key: str) -> str | None:
        """The SQL definition of the object ``key``, or None when this side has no such object."""


def refuse_prompt(profile: object) -> str | None:
    """The app asks prompted passwords in its own dialog before reading; a worker thread must never
    reach the terminal (Textual owns it)."""
    from pgsd import errors

    raise errors.ProfileError(f"profile {getattr(profile, 'name', profile)} asks for its password: open it "
                              "from the connections screen")


def export_script(changes: ChangeSet, plan: Plan, *, files: dict[str, str], generated_at: str | None = None,
                  fmt: str = "sql") -> str:
    """The exported file: the same renderer, header and file names as `pgsd diff --format FMT`."""
    import pgsd
    from pgsd import workflow
    from pgsd.export import render

    when = generated_at or workflow.generated_at()
    return render(fmt, changes, plan, generated_at=when, pgsd_version=pgsd.__version__, files=files)


@dataclass
class LiveBackend:
    """The real thing: pgsd.workflow with the request the command line (or the demo) made."""

    request: ComparisonRequest = field(default_factory=ComparisonRequest)
    settings: object | None = None
    """pgsd.connect.PoolSettings, or None for the defaults."""
    store: object | None = None
    """The profiles' ProfileStore (server versions are remembered there), or None for the default."""
    reading: Callable[[], AbstractContextManager[object]] = nullcontext
    """Around reading and comparing the sides: the process policy the command line gives the app
    (``pgsd.cli.process.app_reading``), or nothing."""

    def load(self, source: Side, target: Side, *, progress: SideProgress, cancel: CancelToken) -> Loaded:
        from pgsd import workflow

        with self.reading():
            return workflow.read_sides(
                {"source": source, "target": target}, filters=self.request.filters, settings=self.settings,  # type: ignore[arg-type]
                progress=progress, cancel=cancel, ask_password=refuse_prompt, store=self.store,  # type: ignore[arg-type]
                shadow=self.request.shadow,
            )

    _plans: PlanCache | None = field(default=None, repr=False, compare=False)

    def replay(self, source: Snapshot, target: Snapshot, request: ComparisonRequest) -> Replayed:
        from pgsd import workflow

        with self.reading():  # the change set is built like the snapshots (cli.process.app_reading)
            return workflow.compare_with_decisions(source=source, target=target, request=request)

    def plan(self, changes: ChangeSet, options: PlanOptions, selected: set[str] | None) -> Plan:
        """The plan of a selection; what no selection changes is kept for the next one of the
        same comparison and options (the app plans again on every toggle)."""
        from pgsd import workflow

        cache = self._plans
        if cache is None or not cache.fits(changes, options):
            cache = self._plans = PlanCache(changes, options)
        return workflow.plan(changes, options, selected, cache=cache)

    def test_connection(self, side: Side) -> ServerReport:
        from pgsd.workflow import side_info

        info, _ = side_info(side, self.settings, ask_password=refuse_prompt, store=self.store)  # type: ignore[arg-type]
        return ServerReport(side.describe(), info)

    def definitions(self, snapshot: Snapshot) -> DefinitionSource:
        from pgsd.tui.definitions import Definitions

        return Definitions(snapshot)

    scratch: str | None = None
    """Where --verify's scratch database is made (a server DSN), or None for pgsd's default place."""

    def verify(self, plan: Plan, source: Snapshot, target: Snapshot, target_side: Side,
               compared_target: Snapshot | None = None) -> Any:
        from pgsd.workflow import DatabaseSide
        from pgsd.workflow.verify import verify_plan

        if isinstance(target_side, DatabaseSide):
            target_side = target_side.with_password_from(refuse_prompt)
        spec = target_side.spec if isinstance(target_side, DatabaseSide) else None
        return verify_plan(plan, source, target, scratch=self.scratch or self.request.shadow.dsn,
                           diff_options=self.request.diff_options(), target_spec=spec,
                           compared_target=compared_target)

    def apply(self, target_side: Side, plan: Plan, target: Snapshot, progress: Callable[[Any], object]) -> Any:
        from pgsd.model.fingerprint import side_fingerprint
        from pgsd.workflow import DatabaseSide
        from pgsd.workflow.apply import ApplySettings, apply_to_side

        if not isinstance(target_side, DatabaseSide):
            from pgsd import errors

            raise errors.PgsdError(f"the target {target_side.describe()} is not a database: nothing to apply to")
        settings = ApplySettings(lock_timeout=self.request.lock_timeout or "5s")
        ready = target_side.with_password_from(refuse_prompt)
        return apply_to_side(ready, plan, expected_fingerprint=side_fingerprint(target), filters=target.filters,
                             settings=settings, progress=progress,  # type: ignore[arg-type]
                             pool_settings=self.settings)  # type: ignore[arg-type]
