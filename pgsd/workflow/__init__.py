"""The one composition point: sides -> snapshots -> change set -> plan -> apply.

The CLI and the app call these functions; they take plain callables for progress and
cancellation, never UI objects.

* ``sides``: ``parse_side`` turns a SOURCE/TARGET argument into a ``Side``, once;
* ``options``: ``ComparisonRequest`` is what the user asked, and builds the diff and plan options;
* ``read``: ``read_sides`` reads every side (files, filters, passwords, databases concurrently);
* ``apply``: ``ApplySession`` runs a plan on a database, the only code that writes to one.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

from pgsd.connect import ConnectionSpec, PoolSettings, PoolStats, SidePool, detect_server
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Plan
from pgsd.ddl.planner import PlanCache, build_plan
from pgsd.ddl.sizes import size_hazards
from pgsd.diff.changes import ChangeSet, DiffOptions, diff_snapshots
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot

if TYPE_CHECKING:
    from pgsd.profiles.store import ProfileStore

def server_info(spec: ConnectionSpec, settings: PoolSettings | None = None) -> tuple[ServerInfo, PoolStats]:
    """Connect, read the server facts (version, role, permissions) and close again.

    Used by `pgsd info`, `pgsd profiles test` and the app's Test button.
    """
    with SidePool(spec, "source", settings) as pool:
        with pool.read_session() as session:
            info = detect_server(session, where=spec.describe())
        return info, pool.stats()


def side_info(
    side: Side,
    settings: PoolSettings | None = None,
    *,
    ask_password: AskPassword | None = None,
    store: ProfileStore | None = None,
) -> tuple[ServerInfo, PoolStats]:
    """``server_info`` of a database side: its password fetched or asked first, and a
    profile's server version remembered after."""
    if not isinstance(side, DatabaseSide):
        raise TypeError(f"{side!r} is not a database")
    ready = side.with_password_from(ask_password)
    info, stats = server_info(ready.spec, settings)
    remember_version(ready, info.version, store)
    return info, stats


def generated_at() -> str:
    """When a plan is generated, as its header says: now (UTC, to the second), or the time in
    ``SOURCE_DATE_EPOCH`` when that is set (reproducible scripts, as reproducible builds use it)."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed.isdigit():
        return dt.datetime.fromtimestamp(int(fixed), dt.UTC).isoformat()
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def compare(source: Snapshot, target: Snapshot, options: DiffOptions | None = None) -> ChangeSet:
    return diff_snapshots(source=source, target=target, options=options)


def plan(changes: ChangeSet, options: PlanOptions | None = None, selected: set[str] | None = None,
         cache: PlanCache | None = None) -> Plan:
    """The plan of ``changes`` (of the ``selected`` ones); ``cache`` serves the next plan of the same
    change set and options (the app re-plans on every toggle: pgsd.ddl.incremental)."""
    # the target's table sizes on the hazards (pgsd.ddl.sizes), for every presenter
    return size_hazards(build_plan(changes, options, selected=selected, cache=cache),
                        target=changes.target, source=changes.source)


# The parts, re-exported: import them from ``pgsd.workflow``.
from pgsd.workflow.apply import ApplySession, ApplySettings, apply_plan  # noqa: E402
from pgsd.workflow.decisions import Decisions, Replayed, compare_with_decisions, read_decisions  # noqa: E402
from pgsd.workflow.options import ComparisonRequest  # noqa: E402
from pgsd.workflow.read import (  # noqa: E402
    CANCEL_GRACE,
    CancelToken,
    Loaded,
    SideProgress,
    read_side,
    read_sides,
    read_snapshot_file,
    remember_version,
    scope_filters,
)
from pgsd.workflow.sides import (  # noqa: E402
    AskPassword,
    DatabaseSide,
    Side,
    SnapshotSide,
    looks_like_connection_string,
    parse_side,
    profile_side,
    with_password,
)

__all__ = [
    "CANCEL_GRACE", "ApplySession", "ApplySettings", "AskPassword", "CancelToken", "ComparisonRequest",
    "DatabaseSide", "Decisions", "Loaded", "Replayed", "Side", "SideProgress", "SnapshotSide", "apply_plan",
    "compare", "compare_with_decisions", "generated_at", "looks_like_connection_string", "parse_side", "plan",
    "profile_side", "read_decisions", "read_side", "read_sides", "read_snapshot_file", "remember_version",
    "scope_filters", "server_info", "side_info", "with_password",
]
