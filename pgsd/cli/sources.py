"""Turn a SOURCE/TARGET argument into something pgsd can read.

A SOURCE is a postgresql:// URI, a libpq conninfo string, a saved profile name or a
snapshot .json file (the last two are resolved by later layers when present).
"""

from __future__ import annotations

import argparse

from pgsd.connect import PoolSettings
from pgsd.model.server import ServerInfo
from pgsd.workflow import resolve_spec, server_info


ARGV_PASSWORD_NOTE = (
    "A password written into a URI or conninfo argument is visible to other local users "
    "(ps, /proc) for as long as pgsd runs: prefer a saved profile (pgsd profiles add, password "
    "in the keyring), ~/.pgpass or PGPASSWORD."
)


def add_connection_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("connection", description=ARGV_PASSWORD_NOTE)
    g.add_argument("--statement-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="server statement timeout for catalog queries (default 60); a server that "
                   "stops answering is given up on 5 s after it")
    g.add_argument("--read-lock-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="how long a catalog query waits for a lock another session holds (default 5)")
    g.add_argument("--max-connections", type=int, default=4, metavar="N",
                   help="pool size per side (default 4)")
    g.add_argument("-v", "--verbose", action="store_true", help="print pool statistics and timings to stderr")


def pool_settings(args: argparse.Namespace) -> PoolSettings:
    return PoolSettings(
        max_size=getattr(args, "max_connections", 4),
        statement_timeout_ms=int(getattr(args, "statement_timeout", 60.0) * 1000),
        lock_timeout_ms=int(getattr(args, "read_lock_timeout", 5.0) * 1000),
    )


def open_info(text: str, args: argparse.Namespace) -> tuple[str, ServerInfo]:
    spec = resolve_spec(text)
    info, stats = server_info(spec, pool_settings(args))
    if getattr(args, "verbose", False):
        from pgsd.cli import output

        output.note(stats.line())
    return spec.describe(), info
