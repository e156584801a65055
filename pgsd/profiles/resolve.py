"""spec_for_profile: a saved profile name -> a ConnectionSpec, password fetched as the profile says.

``workflow.sides`` calls ``password_for`` when a side given as a profile name is read.
Only the ``keyring`` and ``prompt`` sources put a password into the spec; for
``pgpass`` and ``env`` the spec has none and libpq reads ``~/.pgpass`` or
``PGPASSWORD`` itself when it connects, exactly as it would for a bare URI.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable

from pgsd.connect.spec import ConnectionSpec, mask_secrets
from pgsd.errors import InvalidConnectionString, ProfileError
from pgsd.profiles import secrets
from pgsd.profiles.store import NAME_RE, Profile, ProfileStore

AskPassword = Callable[[Profile], "str | None"]
"""ask(profile) -> password, or None to connect without one (the app passes its own dialog)."""


def spec_for_profile(
    name: str,
    *,
    store: ProfileStore | None = None,
    ask_password: AskPassword | None = None,
) -> ConnectionSpec:
    """The ConnectionSpec of profile ``name``, with its password when the profile keeps one."""
    if not NAME_RE.match(name):
        # Not even a possible profile name: most likely a mistyped URI or file name.
        raise InvalidConnectionString(
            f"{mask_secrets(name, unparsed=True)!r} is not a postgresql:// URI, a conninfo string (key=value ...), "
            "a snapshot .json file or a profile name"
        )
    profile = (store or ProfileStore()).get(name)
    return profile.spec(password_for(profile, ask_password=ask_password))


def password_for(profile: Profile, *, ask_password: AskPassword | None = None) -> str | None:
    source = profile.password_source
    if source == "keyring":
        # None when no password was ever stored (trust or certificate authentication):
        # libpq may still find one in ~/.pgpass.
        return secrets.get_password(profile.name)
    if source == "prompt":
        if ask_password is not None:
            return ask_password(profile)
        return prompt_password(profile)
    # pgpass / env: libpq reads ~/.pgpass or PGPASSWORD when connecting.
    return None


def prompt_password(profile: Profile) -> str:
    """Ask on the terminal; without one there is nobody to ask, so say what to do instead."""
    if not sys.stdin.isatty():
        raise ProfileError(
            f"profile {profile.name} asks for its password (password_source=prompt) but stdin "
            f"is not a terminal; set PGPASSWORD and use --password-source env, or use ~/.pgpass "
            f"(pgsd profiles edit {profile.name} --password-source pgpass)"
        )
    return getpass.getpass(f"Password for {profile.name} ({profile.describe()}): ")
