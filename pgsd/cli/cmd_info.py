"""`pgsd info SOURCE`: server version, role, permissions and warnings.

SOURCE is anything a database is expected as (parsed by ``workflow.parse_side``): a
profile name, a URI or conninfo string, or a snapshot file, for which the facts recorded
when it was taken are printed (no connection is made).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from pgsd.cli import output
from pgsd.cli.sources import SOURCE_HELP, add_connection_options, pool_settings
from pgsd.errors import PgsdError
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Snapshot
from pgsd.workflow import DatabaseSide, SnapshotSide, parse_side, read_snapshot_file, side_info
from pgsd.workflow.sides import SqlSide

if TYPE_CHECKING:
    from pgsd.catalog.loaders.coverage import SecurityLabels


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="show the server version, role and permissions of a database",
                       description="Connect to SOURCE and print what pgsd would work with there: the server "
                       "version, the role and whether it is a superuser, the schemas it can read, and "
                       "warnings about objects its permissions hide. For a snapshot file, print the facts "
                       "recorded when it was taken (no connection is made).")
    p.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    p.add_argument("--json", action="store_true", help="print the facts as JSON")
    add_connection_options(p, sql_sides=False)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    side = parse_side(args.source)
    if isinstance(side, SnapshotSide):
        return _snapshot_info(side.path, read_snapshot_file(side.path), as_json=args.json)
    if isinstance(side, SqlSide):
        raise PgsdError(f"{side.describe()} is not a database: pgsd snapshot {args.source} shows what it holds")
    if isinstance(side, DatabaseSide):
        side = side.with_password_from()  # asked once, for the facts and the coverage query
    info, stats = side_info(side, pool_settings(args))  # a profile's version is remembered
    if args.verbose:
        output.note(stats.line())
    coverage = coverage_facts(side, args, info) if isinstance(side, DatabaseSide) else None
    print_info(side.describe(), info, as_json=args.json, coverage=coverage)
    if not args.json and coverage is not None:
        from pgsd.export.render import coverage_line

        counts, labels = coverage
        output.result(f"coverage:   {coverage_line(Snapshot(not_compared=counts)) or 'every object is compared'}\n"
                      f"labels:     {labels.describe()}")
    return 0


def coverage_facts(side: DatabaseSide, args: argparse.Namespace, info: ServerInfo) -> tuple[dict[str, int], SecurityLabels]:
    """The kinds of object this database holds that pgsd does not compare, with counts (the
    coverage query every snapshot runs), and what can be read about security labels."""
    from pgsd.catalog.context import LoadContext
    from pgsd.catalog.loaders.coverage import load_coverage, security_labels
    from pgsd.connect.pool import SidePool

    with SidePool(side.spec, "source", pool_settings(args)) as pool, pool.read_session() as session:
        ctx = LoadContext(session=session, server=info)
        counts = load_coverage(ctx)
        labels = security_labels(ctx)
    return counts, labels


def print_info(where: str, info: ServerInfo, *, as_json: bool = False,
               coverage: tuple[dict[str, int], SecurityLabels] | None = None) -> None:
    if as_json:
        facts: dict[str, object] = {"server": where, **info.model_dump(mode="json")}
        if coverage is not None:
            counts, labels = coverage
            facts["not_compared"] = dict(sorted(counts.items()))
            facts["security_labels"] = labels.as_json()
        output.result(json.dumps(facts, indent=2))
        return
    output.result("\n".join([f"server:     {where}", *info_lines(info)]))
    for w in info.warnings:
        output.warn(w)


def info_lines(info: ServerInfo) -> list[str]:
    lines = [
        f"version:    PostgreSQL {info.version} ({info.version_num})",
        f"database:   {info.current_database} (encoding {info.encoding})",
        f"role:       {info.current_user}{' (superuser)' if info.is_superuser else ''}",
        f"standby:    {'yes' if info.in_recovery else 'no'}",
        f"can apply:  {'yes' if info.can_apply() else 'no'}",
        f"schemas:    {', '.join(info.usable_schemas) or '(none)'}",
    ]
    if info.hidden_schemas:
        lines.append(f"hidden:     {', '.join(info.hidden_schemas)} (no USAGE)")
    return lines


def _snapshot_info(path: str, snap: Snapshot, *, as_json: bool) -> int:
    from pgsd.export.render import coverage_line

    if as_json:
        facts = {
            "snapshot": path,
            "server": snap.origin,
            "taken_at": snap.taken_at,
            "pgsd_version": snap.pgsd_version,
            "objects": len(snap.objects),
            "filters": snap.filters.model_dump(mode="json"),
            "not_compared": snap.not_compared,
            "warnings": list(snap.warnings),
            **(snap.server.model_dump(mode="json") if snap.server else {}),
        }
        output.result(json.dumps(facts, indent=2))
        return 0
    lines = [
        f"snapshot:   {path} (format {snap.format_version}, pgsd {snap.pgsd_version or '?'})",
        f"taken at:   {snap.taken_at or '?'}",
        f"server:     {snap.origin or '?'}",
        *(info_lines(snap.server) if snap.server else ["version:    unknown"]),
        f"objects:    {len(snap.objects)}",
    ]
    if not snap.filters.is_empty():
        lines.append(f"filters:    {snap.filters.describe()}")
    cov = coverage_line(snap)
    if cov:
        lines.append(f"coverage:   {cov}")
    output.result("\n".join(lines))
    for w in snap.warnings:
        output.warn(w)
    return 0
