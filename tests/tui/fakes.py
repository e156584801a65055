"""Canned comparisons for the app tests: a fixed pair of snapshots and a fake backend.

``FakeBackend`` answers like the real one (the real comparison and, by default, the real
planner) but reads no database: ``load`` returns the snapshots it was given, optionally
after waiting on a ``threading.Event`` (to prove the UI stays live while "the database"
is slow) and honouring the cancel token as the real introspection does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from pgsd import errors
from pgsd.connect import ConnectionSpec
from pgsd.ddl.context import PlanOptions
from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.diff.changes import ChangeSet
from pgsd.model.objects import Column, Function, Index, Schema, Table, View
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Dependency, Snapshot
from pgsd.tui.backend import ServerReport
from pgsd.tui.definitions import field_listing
from pgsd.workflow import ComparisonRequest, DatabaseSide, Loaded, Replayed, Side, compare_with_decisions

SRC = DatabaseSide(spec=ConnectionSpec.parse("dbname=src"), profile="src")
TGT = DatabaseSide(spec=ConnectionSpec.parse("dbname=tgt"), profile="tgt")
"""The two sides the fake backend knows (two databases, named like profiles): it answers
them with its source and target snapshots."""


def server(version: str = "18.1", num: int = 180001, user: str = "app", **kw: object) -> ServerInfo:
    return ServerInfo(
        version=version, version_num=num, current_user=user, current_database="shop", is_superuser=False,
        in_recovery=False, encoding="UTF8", can_create_in_database=True, usable_schemas=("public", "shop"), **kw,
    )


def _cols(table: str, *cols: tuple[str, str, bool]) -> list[Column]:
    return [Column(schema_name="shop", table=table, name=n, type=t, not_null=nn, position=i)
            for i, (n, t, nn) in enumerate(cols, 1)]


def shop_pair() -> tuple[Snapshot, Snapshot]:
    """(source, target): a new table with a view on it, a changed function, a removed table, ..."""
    common = [
        Schema(name="shop"),
        Table(schema_name="shop", name="customers"),
        *_cols("customers", ("id", "bigint", True), ("email", "text", True)),
    ]
    orders_src = [
        Table(schema_name="shop", name="orders"),
        *_cols("orders", ("id", "bigint", True), ("customer_id", "bigint", True), ("total", "numeric(12,2)", True),
               ("note", "text", False)),
        Index(schema_name="shop", table="orders", name="orders_customer_idx",
              definition="CREATE INDEX orders_customer_idx ON shop.orders USING btree (customer_id)"),
    ]
    orders_tgt = [
        Table(schema_name="shop", name="orders"),
        *_cols("orders", ("id", "bigint", True), ("customer_id", "bigint", True), ("total", "numeric(10,2)", True)),
    ]
    reviews = [
        Table(schema_name="shop", name="reviews"),
        *_cols("reviews", ("id", "bigint", True), ("rating", "integer", True)),
        View(schema_name="shop", name="review_stats", columns=("rating", "n"), column_types=("integer", "bigint"),
             definition=" SELECT rating,\n    count(*) AS n\n   FROM shop.reviews\n  GROUP BY rating;"),
    ]
    fn_src = Function(
        schema_name="shop", name="order_total", argument_types="bigint", identity_arguments="o bigint",
        arguments="o bigint", result="numeric", language="sql", volatility="s",
        definition="CREATE OR REPLACE FUNCTION shop.order_total(o bigint)\n RETURNS numeric\n LANGUAGE sql\n STABLE\n"
                   "AS $function$ SELECT total FROM shop.orders WHERE id = o $function$\n",
    )
    fn_tgt = fn_src.model_copy(update={
        "volatility": "v",
        "definition": "CREATE OR REPLACE FUNCTION shop.order_total(o bigint)\n RETURNS numeric\n LANGUAGE sql\n"
                      "AS $function$ SELECT total FROM shop.orders WHERE id = o $function$\n",
    })
    legacy = [Table(schema_name="shop", name="legacy_carts"), *_cols("legacy_carts", ("id", "integer", True))]
    source = Snapshot(
        origin="postgresql://app:***@staging:5432/shop", server=server(),
        objects=tuple(sorted([*common, *orders_src, *reviews, fn_src], key=lambda o: o.key)),
        dependencies=(Dependency(dependent="view:shop.review_stats", referenced="table:shop.reviews"),
                      Dependency(dependent="view:shop.review_stats", referenced="column:shop.reviews.rating")),
    )
    target = Snapshot(
        origin="postgresql://app:***@prod:5432/shop", server=server("17.5", 170005, "deploy"),
        objects=tuple(sorted([*common, *orders_tgt, *legacy, fn_tgt], key=lambda o: o.key)),
    )
    return source, target


class CannedDefinitions:
    """Definitions that do not depend on the renderers (for pictures that must not move)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def of_key(self, key: str) -> str | None:
        obj = self.snapshot.get(key)
        if obj is None:
            return None
        definition = getattr(obj, "definition", None)
        if isinstance(definition, str):
            return definition.strip()
        return field_listing(obj)


def canned_plan(changes: ChangeSet, options: PlanOptions, selected: set[str] | None) -> Plan:
    """One statement per selected change, with hazards on drops: stable text for snapshots."""
    keys = sorted(selected if selected is not None else {c.key for c in changes.changes})
    statements = []
    for c in changes.changes:
        if c.key not in keys or c.same_meaning:
            continue
        if c.status.value == "removed":
            hazards = (Hazard(type=HazardType.DATA_LOSS, message=f"drops {c.key}"),)
            if options.safe:
                continue
            statements.append(Statement(sql=f"DROP {c.kind.upper()} {c.key.split(':', 1)[1]}", key=c.key,
                                        action="drop", hazards=hazards))
        elif c.status.value == "added":
            statements.append(Statement(sql=f"CREATE {c.kind.upper()} {c.key.split(':', 1)[1]} (...)", key=c.key,
                                        action="create"))
        else:
            statements.append(Statement(sql=f"ALTER {c.kind.upper()} {c.key.split(':', 1)[1]} ...", key=c.key,
                                        action="alter"))
    return Plan(statements=tuple(statements), transaction=options.transaction)


@dataclass
class FakeBackend:
    source: Snapshot
    target: Snapshot
    gate: threading.Event | None = None
    """When set, ``load`` waits for it (checking the cancel token) before answering."""
    canned: bool = False
    """Canned plans and definitions (stable pictures) instead of the real planner and renderers."""
    load_error: errors.PgsdError | None = None
    test_error: errors.PgsdError | None = None
    loads: list[tuple[str, str]] = field(default_factory=list)
    """The names of the sides each ``load`` was asked for."""
    on_load: Callable[[], None] | None = None
    request: ComparisonRequest = field(default_factory=ComparisonRequest)
    store: object | None = None
    """Where a tested profile's server version is remembered (the app hands its profile store)."""

    def load(self, source: Side, target: Side, *, progress, cancel) -> Loaded:  # noqa: ANN001
        self.loads.append((source.name, target.name))
        for side in ("source", "target"):
            progress(side, "server", 0, 3)
        if self.gate is not None:
            while not self.gate.wait(0.01):
                if cancel.cancelled:
                    raise errors.Cancelled("reading the catalogs was cancelled")
        if self.load_error is not None:
            raise self.load_error
        if self.on_load is not None:
            self.on_load()
        for side in ("source", "target"):
            progress(side, "done", 3, 3)
        # "src" and "tgt" name the two snapshots, so a swap round-trips like real sources;
        # any other side reads the snapshot of the side it is on.
        snaps = {"src": self.source, "tgt": self.target}
        got = {"source": snaps.get(source.name, self.source), "target": snaps.get(target.name, self.target)}
        return Loaded(snapshots=got, sides={"source": source, "target": target}, filters=self.request.filters)

    def replay(self, source: Snapshot, target: Snapshot, request: ComparisonRequest) -> Replayed:
        return compare_with_decisions(source=source, target=target, request=request)

    def plan(self, changes: ChangeSet, options: PlanOptions, selected: set[str] | None) -> Plan:
        if self.canned:
            return canned_plan(changes, options, selected)
        from pgsd.ddl.planner import build_plan

        return build_plan(changes, options, selected=selected)

    def test_connection(self, side: Side) -> ServerReport:
        if self.test_error is not None:
            raise self.test_error
        from pgsd.workflow import remember_version

        report = ServerReport("postgresql://app@db:5432/shop", server())
        remember_version(side, report.info.version, self.store)  # as the real backend does
        return report

    def definitions(self, snapshot: Snapshot):  # noqa: ANN201
        if self.canned:
            return CannedDefinitions(snapshot)
        from pgsd.tui.definitions import Definitions

        return Definitions(snapshot)


def fake_backend(**kw: object) -> FakeBackend:
    source, target = shop_pair()
    return FakeBackend(source, target, **kw)  # type: ignore[arg-type]
