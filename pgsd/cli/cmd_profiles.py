"""`pgsd profiles list | add | edit | remove | test`: saved connections, used by name anywhere.

A profile is written to the profiles file without its password. With
``--password-source keyring`` (the default) a password given in the URI, on stdin
(``--password-stdin``) or at the prompt goes to the OS keyring; with ``pgpass``, ``env``
or ``prompt`` pgsd stores no password at all, and refuses one rather than dropping it
silently. The keyring entry is written before the file and removed again if the file
cannot be written, so the two never disagree for long.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING, Any

from pgsd.cli import output
from pgsd.cli.sources import add_connection_options, open_info
from pgsd.connect.spec import SSL_MODES, ConnectionSpec
from pgsd.errors import PgsdError, ProfileError
from pgsd.profiles import PASSWORD_SOURCES, secrets

if TYPE_CHECKING:
    from pgsd.profiles.store import Profile


def _store():  # noqa: ANN202 - the module
    """``pgsd.profiles.store``, loaded when a profile command runs, not to build the parser."""
    from pgsd.profiles import store  # noqa: PLC0415

    return store


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("profiles", help="list, add, edit, remove and test saved connection profiles",
                       description="Saved connections. A profile name works anywhere a database is expected.")
    p.set_defaults(run=lambda args: _usage(p))
    cmds = p.add_subparsers(dest="profiles_command", metavar="ACTION")

    ls = cmds.add_parser("list", help="list the saved profiles")
    ls.add_argument("--json", action="store_true", help="print the profiles as JSON")
    ls.set_defaults(run=run_list)

    add = cmds.add_parser("add", help="save a new profile",
                          description="Save a connection as NAME. Give a URI or conninfo string, "
                          "or the options below (or both: options override the URI).")
    add.add_argument("name", metavar="NAME")
    add.add_argument("uri", metavar="URI", nargs="?", help="postgresql:// URI or conninfo string")
    _add_profile_options(add)
    add.set_defaults(run=run_add)

    edit = cmds.add_parser("edit", help="change a saved profile",
                           description="Change NAME. A URI replaces its connection settings; "
                           "options change single settings.")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("uri", metavar="URI", nargs="?", help="new postgresql:// URI or conninfo string")
    _add_profile_options(edit)
    edit.add_argument("--password", action="store_true",
                      help="ask for a new password (stored in the keyring)")
    edit.set_defaults(run=run_edit)

    rm = cmds.add_parser("remove", help="delete a profile and its keyring entry")
    rm.add_argument("name", metavar="NAME")
    rm.set_defaults(run=run_remove)

    test = cmds.add_parser("test", help="connect with a profile and print what `pgsd info` prints")
    test.add_argument("name", metavar="NAME")
    test.add_argument("--json", action="store_true", help="print the facts as JSON")
    add_connection_options(test, sql_sides=False)
    test.set_defaults(run=run_test)


def _add_profile_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("profile")
    g.add_argument("--label", help="a human name shown in the app")
    g.add_argument("--colour", "--color", dest="colour", help="a colour name or #rrggbb for the app")
    g.add_argument("--production", action=argparse.BooleanOptionalAction, default=None,
                   help="mark a production database: pgsd apply and the app's apply ask for the database's "
                        "name to be typed before running any plan on it")
    g.add_argument("--password-source", choices=PASSWORD_SOURCES,
                   help="keyring (default): the OS keyring; pgpass: ~/.pgpass; env: PGPASSWORD; "
                   "prompt: ask each time")
    g.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin (for scripts)")
    c = p.add_argument_group("connection settings (override the URI)")
    c.add_argument("--host")
    c.add_argument("--port", type=int)
    c.add_argument("--dbname")
    c.add_argument("--user")
    c.add_argument("--sslmode", choices=SSL_MODES)
    c.add_argument("--sslrootcert", metavar="FILE")
    c.add_argument("--sslcert", metavar="FILE")
    c.add_argument("--sslkey", metavar="FILE")
    c.add_argument("--connect-timeout", type=int, metavar="SECONDS")
    c.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="any other libpq keyword, e.g. service=prod (repeatable)")


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


# --------------------------------------------------------------------------- list


def run_list(args: argparse.Namespace) -> int:
    store = _store().ProfileStore()
    profiles = store.load()
    if args.json:
        output.result(json.dumps(
            [{"name": p.name, "server": p.describe(), **p.to_toml()} for p in profiles.values()], indent=2
        ))
        return 0
    if not profiles:
        output.note(f"no profiles in {store.path} (add one: pgsd profiles add NAME URI)")
        return 0
    rows = [("NAME", "LABEL", "SERVER", "PASSWORD", "VERSION")]
    rows += [(p.name, p.label + (" [production]" if p.production else ""), p.describe(), p.password_source,
              p.server_version or "") for p in profiles.values()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    output.result("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows))
    return 0


# --------------------------------------------------------------------------- add / edit


def run_add(args: argparse.Namespace) -> int:
    store = _store().ProfileStore()
    if args.name in store:
        raise ProfileError(f"a profile named {args.name} exists (pgsd profiles edit {args.name})")
    spec = _parse_uri(args.uri) if args.uri else ConnectionSpec()
    source = args.password_source or "keyring"
    fields = _connection_fields(spec, args)
    profile = _store().make_profile(args.name, **fields, password_source=source,
                                    **_present(label=args.label, colour=args.colour, production=args.production))
    password = _given_password(spec, args, source)
    secrets.require_keyring_for(args.name, source, previous=None, new_password=password is not None)
    if source == "keyring" and password is None and not args.password_stdin and sys.stdin.isatty():
        password = _ask_new_password(profile)
    secrets.save_with_password(store, profile, password, replace=False)
    stored = " (password in the keyring)" if password else ""
    output.note(f"saved profile {profile.name}: {profile.describe()}{stored}")
    return 0


def run_edit(args: argparse.Namespace) -> int:
    store = _store().ProfileStore()
    old = store.get(args.name)
    spec = _parse_uri(args.uri) if args.uri else old.spec()
    source = args.password_source or old.password_source
    changes: dict[str, Any] = _connection_fields(spec, args)
    changes.update(_present(label=args.label, colour=args.colour, production=args.production),
                   password_source=source)
    profile = old.with_changes(**changes)
    if profile.connection_fields() != old.connection_fields():
        profile = profile.with_changes(server_version=None)  # perhaps another server now
    password = _given_password(spec, args, source)
    secrets.require_keyring_for(profile.name, source, previous=old.password_source, new_password=args.password)
    if source == "keyring":
        switching = old.password_source != "keyring"
        if password is None and (args.password or switching) and not args.password_stdin:
            if sys.stdin.isatty():
                password = _ask_new_password(profile)
            elif args.password:
                raise ProfileError("--password needs a terminal to ask on; use --password-stdin in scripts")
    elif args.password:
        raise ProfileError(f"--password: profile {profile.name} uses password_source={source}, "
                           "which stores no password; add --password-source keyring")
    secrets.save_with_password(store, profile, password, replace=True)
    if old.password_source == "keyring" and source != "keyring":
        _forget_password(profile.name)  # no secret outlives the profile's use of it
    output.note(f"saved profile {profile.name}: {profile.describe()}")
    return 0


def _parse_uri(text: str) -> ConnectionSpec:
    return ConnectionSpec.parse(text)


def _connection_fields(spec: ConnectionSpec, args: argparse.Namespace) -> dict[str, Any]:
    """The spec's settings (its password left out), overridden by the options given."""
    spec_fields = _store().SPEC_FIELDS
    fields: dict[str, Any] = {f: getattr(spec, f) for f in spec_fields}
    fields["options"] = dict(spec.options)
    overrides = {
        "host": args.host, "port": args.port, "dbname": args.dbname, "user": args.user,
        "sslmode": args.sslmode, "sslrootcert": args.sslrootcert, "sslcert": args.sslcert,
        "sslkey": args.sslkey, "connect_timeout": args.connect_timeout,
    }
    fields.update({k: v for k, v in overrides.items() if v is not None})
    for item in args.option:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ProfileError(f"--option {item!r}: expected KEY=VALUE")
        if key == "password":
            raise ProfileError("a password never goes into a profile's options; see --password-source")
        if key in spec_fields:
            fields[key] = value
        else:
            fields["options"][key] = value
    return fields


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _given_password(spec: ConnectionSpec, args: argparse.Namespace, source: str) -> str | None:
    """A password from the URI or stdin; refused when the profile will not keep it."""
    password = spec.password.get_secret_value() if spec.password is not None else None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n") or None
    if password is not None:
        secrets.refuse_unkept_password(source, instead="leave it out, or use --password-source keyring")
    return password


def _ask_new_password(profile: Profile) -> str | None:
    answer = getpass.getpass(f"Password for {profile.name} ({profile.describe()}), empty for none: ")
    return answer or None


def _forget_password(name: str) -> bool:
    try:
        return secrets.delete_password(name)
    except PgsdError as e:
        output.warn(str(e))
        return False


# --------------------------------------------------------------------------- remove / test


def run_remove(args: argparse.Namespace) -> int:
    store = _store().ProfileStore()
    profile = store.remove(args.name)
    had_secret = _forget_password(profile.name)
    output.note(f"removed profile {profile.name}" + (" and its keyring entry" if had_secret else ""))
    return 0


def run_test(args: argparse.Namespace) -> int:
    from pgsd.cli.cmd_info import print_info

    store = _store().ProfileStore()
    profile = store.get(args.name)
    where, info = open_info(args.name, args)
    try:
        store.record_server_version(profile.name, info.version)
    except PgsdError as e:
        output.warn(f"could not remember the server version: {e}")
    if not args.json:
        output.result(f"profile:    {profile.name}" + (f" ({profile.label})" if profile.label else ""))
    print_info(where, info, as_json=args.json)
    return 0
