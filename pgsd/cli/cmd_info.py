"""`pgsd info SOURCE`: server version, role, permissions and warnings."""

from __future__ import annotations

import argparse
import json

from pgsd.cli import output
from pgsd.cli.sources import open_info, add_connection_options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="show the server version, role and permissions of a database")
    p.add_argument("source", metavar="SOURCE", help="profile name, postgresql:// URI or conninfo string")
    p.add_argument("--json", action="store_true", help="print the facts as JSON")
    add_connection_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    where, info = open_info(args.source, args)
    if args.json:
        output.result(json.dumps({"server": where, **info.model_dump(mode="json")}, indent=2))
        return 0
    lines = [
        f"server:     {where}",
        f"version:    PostgreSQL {info.version} ({info.version_num})",
        f"database:   {info.current_database} (encoding {info.encoding})",
        f"role:       {info.current_user}{' (superuser)' if info.is_superuser else ''}",
        f"standby:    {'yes' if info.in_recovery else 'no'}",
        f"can apply:  {'yes' if info.can_apply() else 'no'}",
        f"schemas:    {', '.join(info.usable_schemas) or '(none)'}",
    ]
    if info.hidden_schemas:
        lines.append(f"hidden:     {', '.join(info.hidden_schemas)} (no USAGE)")
    output.result("\n".join(lines))
    for w in info.warnings:
        output.warn(w)
    return 0
