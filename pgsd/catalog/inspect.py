"""inspect_database: read one database's catalog into a Snapshot.

Everything happens in one READ ONLY, REPEATABLE READ transaction (one consistent view of
the catalog), with a fixed number of queries whatever the number of objects: one per
kind, plus server detection. Progress is reported per step; ``cancelled()`` is polled
between steps, and ``Inspection.cancel()`` cancels the running server query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import threading
from collections.abc import Callable
from operator import attrgetter

import pgsd
from pgsd import errors
from pgsd.catalog.context import LoadContext, query_for
from pgsd.catalog.loaders import LOADERS
from pgsd.catalog.prefetch import Prefetch
from pgsd.catalog.shared_builds import SharedBuilds
from pgsd.connect.pool import ReadSession, SidePool
from pgsd.connect.server import detect_server
from pgsd.model.objects import DbObject
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Dependency, Filters, Snapshot, TableStats

ProgressFn = Callable[[str, int, int], None]
"""progress(step label, steps done, total steps)."""


class Inspection:
    """One introspection run that another thread may cancel."""

    def __init__(self, pool: SidePool, filters: Filters | None = None,
                 shared_builds: SharedBuilds | None = None, *, sessions: int = 1) -> None:
        """``sessions``: how many connections may read this side's catalog at once (see
        ``pgsd.catalog.prefetch``): 2 for a side read alone, 1 when the sides of a diff are read
        together (their two server processes already keep two cores busy)."""
        self.pool = pool
        self.filters = filters or Filters()
        self.shared_builds = shared_builds
        self.sessions = sessions
        self._cancel = threading.Event()
        self._sessions: list[ReadSession] = []

    def cancel(self) -> None:
        self._cancel.set()
        for session in list(self._sessions):
            session.cancel()

    def _helpers(self, session: ReadSession, server: ServerInfo, stack: contextlib.ExitStack) -> tuple[ReadSession, ...]:
        """Sessions that see what ``session`` sees (its exported snapshot), when more than one may read.

        Not on a standby (exporting a snapshot there is version-dependent) nor with a pool of
        one connection; a helper that cannot connect is done without.
        """
        if self.sessions < 2 or server.in_recovery or self.pool.settings.max_size < 2:
            return ()
        snapshot = session.export_snapshot()
        helpers: list[ReadSession] = []
        for _ in range(self.sessions - 1):
            try:
                helpers.append(stack.enter_context(self.pool.read_session(snapshot=snapshot)))
            except errors.PgsdError:
                break
        self._sessions.extend(helpers)
        return tuple(helpers)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self, progress: ProgressFn | None = None) -> Snapshot:
        total = len(LOADERS) + 1
        report = progress or (lambda step, done, total: None)
        where = self.pool.spec.describe()
        prefetch: Prefetch | None = None
        with self.pool.read_session() as session, contextlib.ExitStack() as helper_sessions:
            self._sessions = [session]
            try:
                report("server", 0, total)
                server = detect_server(session, where=where)
                ctx = LoadContext(session=session, server=server, filters=self.filters,
                                  shared_builds=self.shared_builds)
                queries = [(q, query_for(q, server), ctx.params()) for entry in LOADERS for q in entry[3]]
                helpers = self._helpers(session, server, helper_sessions)
                ctx.prefetch = prefetch = Prefetch(session, queries, helpers=helpers).start()
                objects: list[DbObject] = []
                dependencies: list[Dependency] = []
                not_compared: dict[str, int] = {}
                table_stats: dict[str, TableStats] = {}
                for done, (module_name, func_name, label, _queries) in enumerate(LOADERS, start=1):
                    if self._cancel.is_set():
                        raise errors.Cancelled(f"reading {where} was cancelled")
                    report(label, done, total)
                    loader = getattr(importlib.import_module(module_name), func_name)
                    result = loader(ctx)
                    if func_name == "load_dependencies":
                        dependencies = result
                        table_stats = ctx.shared.get("table_stats", {})
                        # the OID maps served their one purpose: let them go before the
                        # objects are sorted and indexed (a few MB a side at 10,000 tables)
                        ctx.oids, ctx.column_keys, ctx.shared = {}, {}, {}
                    elif func_name == "load_coverage":
                        not_compared = result
                    else:
                        objects.extend(result)
                report("done", total, total)
            except errors.Cancelled:
                raise
            except errors.PgsdError as e:
                if self._cancel.is_set():
                    raise errors.Cancelled(f"reading {where} was cancelled") from None
                raise e
            finally:
                if prefetch is not None:
                    prefetch.close()
                self._sessions = []
        objects.sort(key=attrgetter("key"))
        from pgsd.catalog.loaders.dependencies import through_column_types  # noqa: PLC0415 - loaded lazily, as above
        dependencies = through_column_types(objects, dependencies)
        # every part was built from models already: no need to validate 100k objects again
        return Snapshot.model_construct(
            pgsd_version=pgsd.__version__,
            taken_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            origin=where,
            server=server,
            filters=self.filters,
            objects=tuple(objects),  # type: ignore[arg-type]  # every loader builds members of AnyObject
            dependencies=tuple(dependencies),
            table_stats=table_stats,
            not_compared=not_compared,
            warnings=tuple(server.warnings) + tuple(ctx.warnings),
        )


def inspect_database(pool: SidePool, filters: Filters | None = None, progress: ProgressFn | None = None) -> Snapshot:
    """Read the catalog behind ``pool`` into a snapshot (see Inspection for cancelling)."""
    return Inspection(pool, filters).run(progress)
