"""`pgsd tui [SOURCE TARGET]`: the terminal app; `pgsd` with no command opens it too.

Textual is imported only inside the run functions: importing ``pgsd.cli`` (every
headless command) never loads it.
"""

from __future__ import annotations

import argparse

SOURCE_HELP = "profile name, postgresql:// URI, conninfo string, or snapshot .json file"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tui",
        help="open the app (on the comparison of SOURCE and TARGET when given)",
        description="Open the pgsd app. With SOURCE and TARGET it opens on their comparison; "
        "without, on the saved connections.",
    )
    p.add_argument("source", metavar="SOURCE", nargs="?", help=f"the desired state: {SOURCE_HELP}")
    p.add_argument("target", metavar="TARGET", nargs="?", help=f"the database to change: {SOURCE_HELP}")
    try:
        from pgsd.cli.cmd_diff import add_filter_options
    except ImportError:  # pragma: no cover - the diff command is always there in a release
        add_filter_options = None
    if add_filter_options is not None:
        add_filter_options(p)
    c = p.add_argument_group("comparison")
    c.add_argument("--no-privileges", action="store_true", help="ignore grants and default privileges")
    c.add_argument("--owners", action="store_true", help="compare owners too")
    c.add_argument("--no-comments", action="store_true", help="ignore comments")
    c.add_argument("--ignore-extension-versions", action="store_true",
                   help="do not compare (or pin) extension versions")
    from pgsd.cli.sources import add_connection_options

    add_connection_options(p)
    p.set_defaults(run=run, _tui_parser=p)


def _backend(args: argparse.Namespace):  # noqa: ANN202 - pgsd.tui.backend.LiveBackend
    from pgsd.cli.sources import pool_settings
    from pgsd.diff.changes import DiffOptions
    from pgsd.model.snapshot import Filters
    from pgsd.tui.backend import LiveBackend

    filters = Filters(
        include_schemas=tuple(getattr(args, "schema", None) or ()),
        exclude_schemas=tuple(getattr(args, "exclude_schema", None) or ()),
        include_objects=tuple(getattr(args, "include", None) or ()),
        exclude_objects=tuple(getattr(args, "exclude", None) or ()),
    )
    options = DiffOptions(
        privileges=not getattr(args, "no_privileges", False),
        owners=getattr(args, "owners", False),
        comments=not getattr(args, "no_comments", False),
        extension_versions=not getattr(args, "ignore_extension_versions", False),
    )
    return LiveBackend(filters=None if filters.is_empty() else filters, diff_options=options,
                       settings=pool_settings(args))


def _prompted(text: str) -> tuple[str, str | None]:
    """A profile that asks for its password each time is asked now, on the terminal, before the app starts."""
    from pgsd.workflow import is_snapshot_file, looks_like_connection_string

    if is_snapshot_file(text) or looks_like_connection_string(text):
        return text, None
    try:
        from pgsd.profiles.resolve import spec_for_profile
        from pgsd.profiles.store import ProfileStore

        profile = ProfileStore().load().get(text)
    except ImportError:
        return text, None
    if profile is None or profile.password_source != "prompt":
        return text, None
    return spec_for_profile(text).conninfo(), text


def run(args: argparse.Namespace) -> int:
    if (args.source is None) != (args.target is None):
        args._tui_parser.error("give both SOURCE and TARGET, or neither")
    if args.source is None:
        return run_default(args)
    source, source_name = _prompted(args.source)
    target, target_name = _prompted(args.target)
    from pgsd.tui.app import PgsdApp

    app = PgsdApp(source, target, backend=_backend(args), source_name=source_name, target_name=target_name)
    return int(app.run() or 0)


def run_default(args: argparse.Namespace) -> int:
    """`pgsd` with no command: the app on the saved connections."""
    from pgsd.tui.app import PgsdApp

    return int(PgsdApp(backend=_backend(args)).run() or 0)


def open_compare(source: str, target: str, *, source_name: str | None = None, target_name: str | None = None) -> int:
    """The app straight on a comparison (``pgsd demo`` calls this, naming the two sides)."""
    from pgsd.tui.app import PgsdApp

    app = PgsdApp(source, target, backend=_backend(argparse.Namespace()),
                  source_name=source_name, target_name=target_name)
    return int(app.run() or 0)
