"""`pgsd dump SOURCE --out DIR`: a database, snapshot or SQL side written as SQL files.

The statements are the plan from an empty database (a throwaway one on the shadow
server, so its built-in schema is what a fresh database has) to SOURCE: the renderers
plans use, in an order that loads. ``--layout by-object`` (the default) writes one file
per object, ordinal-prefixed so that lexical order is load order; ``--layout single``
one file. A manifest (``pgsd-dump.json``) says what was written. An existing non-empty
DIR needs ``--force``; then files the previous dump wrote that hold no object any more
are removed (only those its manifest lists).
"""

from __future__ import annotations

import argparse
import time

import pgsd
from pgsd.cli import output
from pgsd.cli.cmd_diff import guarded, report_snapshots
from pgsd.cli.process import batch_job
from pgsd.cli.quick_exit import keep_until_exit
from pgsd.cli.sources import (
    SOURCE_HELP,
    add_comparison_options,
    add_connection_options,
    add_filter_options,
    filters_from_args,
    pool_settings,
    request_from_args,
    shadow_from_args,
)
from pgsd.export.dump import LAYOUTS, dump_files, manifest, prepare_directory, write_dump
from pgsd.export.render import describe_side
from pgsd.workflow import compare, generated_at, plan, read_sides
from pgsd.workflow.sides import SqlSide, parse_side


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dump",
        help="write the schema of SOURCE as SQL files",
        description="Write the schema of SOURCE as SQL: the statements pgsd would run to create it in an "
        "empty database, one file per object (in load order) or one file, plus a manifest. "
        "The directory loads back as a SQL side: pgsd diff DIR SOURCE shows nothing.",
    )
    p.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    out = p.add_argument_group("output")
    out.add_argument("--out", required=True, metavar="DIR", help="the directory to write (created if missing)")
    out.add_argument("--layout", choices=LAYOUTS, default="by-object",
                     help="by-object: one file per object, named NNNN_kind_name.sql in load order (default); "
                          "single: one file, schema.sql")
    out.add_argument("--force", action="store_true",
                     help="write into a non-empty DIR; files an earlier dump wrote there that no longer "
                          "hold an object are removed")
    add_filter_options(p)
    add_comparison_options(p)
    add_connection_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with batch_job():
        return guarded(_run, args)


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    directory = prepare_directory(args.out, force=args.force)  # before any slow work
    request = request_from_args(args)
    sides = {"source": parse_side(args.source), "target": SqlSide(kind="empty")}
    progress = output.Progress()
    try:
        loaded = read_sides(sides, filters=filters_from_args(args), settings=pool_settings(args),
                            progress=progress, shadow=shadow_from_args(args))
    finally:
        progress.clear()
    for note in loaded.notes:
        if not note.startswith("warning: the target SQL was parsed"):  # the empty database
            output.note(f"pgsd: {note}")
    source, empty = loaded.snapshots["source"], loaded.snapshots["target"]
    report_snapshots({"source": source})
    changes = compare(source, empty, request.diff_options())
    the_plan = plan(changes, request.with_plan_choices(transaction=False).plan_options())
    files = dump_files(the_plan, source, args.layout)
    origin = describe_side(source, loaded.files.get("source"))
    text = manifest(files, source=origin, layout=args.layout, pgsd_version=pgsd.__version__,
                    generated_at=generated_at())
    removed = write_dump(directory, files, text, title="pgsd dump")
    keep_until_exit(loaded, changes, the_plan)
    output.note(f"pgsd: wrote {len(files)} file{'s' if len(files) != 1 else ''} "
                f"({len(the_plan.statements)} statements) to {args.out}"
                + (f", removed {len(removed)} left from an earlier dump" if removed else ""))
    if args.verbose:
        output.note(f"total: {time.perf_counter() - started:.3f}s")
    return 0
