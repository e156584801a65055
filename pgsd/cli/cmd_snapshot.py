"""`pgsd snapshot SOURCE [-o FILE.json]`: save one database's schema as a snapshot file.

A snapshot can later stand in for the database anywhere a SOURCE or TARGET is
expected (offline audits, CI against a recorded production schema). Without ``-o`` the
JSON goes to stdout; with it, the file is written atomically and an existing file is
replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Iterator
from itertools import chain

from pgsd.cli import output
from pgsd.cli.cmd_diff import add_output_options, emit, guarded, report_snapshots
from pgsd.cli.process import batch_job
from pgsd.cli.quick_exit import check_stop, keep_until_exit
from pgsd.cli.sources import SOURCE_HELP, add_connection_options, add_filter_options, filters_from_args, read
from pgsd.export import check_writable


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "snapshot",
        help="save the schema of a database as a snapshot .json file",
        description="Read the schema of SOURCE and write it as a snapshot (JSON) that pgsd diff, "
        "info and the app accept wherever a database is expected.",
    )
    p.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    add_output_options(p.add_argument_group("output"))
    add_filter_options(p)
    add_connection_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with batch_job():  # read and serialise without the collector walking every object
        return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    if args.output:
        check_writable(args.output, force=args.force)
    started = time.perf_counter()
    # every container kept: which ones a comparison needs depends on its other side too
    loaded = read({"source": args.source}, args, filters_from_args(args), limit_containers=False)
    snapshot = loaded.snapshots["source"]
    report_snapshots(loaded.snapshots)
    if args.verbose:
        loaded.print_timings()
        output.note(f"snapshot: {len(snapshot.objects)} objects in {time.perf_counter() - started:.3f}s")
    keep_until_exit(loaded)
    emit(_until_stopped(chain(snapshot.json_chunks(), ("\n",))), args)  # written as serialised: see json_chunks
    return 0


def _until_stopped(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces, unless Ctrl-C, SIGTERM or SIGHUP came meanwhile.

    The serializer runs in C and swallows an exception raised in it by a signal handler
    ("Exception ignored in: 'Column'"): the stop would be lost and the file written.
    The stop is recorded, and raised here, between pieces and after the last one, so
    that the output is abandoned (the temp file of ``-o`` removed) before it is complete.
    """
    for piece in pieces:
        check_stop()
        yield piece
    check_stop()
