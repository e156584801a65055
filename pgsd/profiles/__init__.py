"""Saved connection profiles: a TOML file of named connections, passwords kept elsewhere.

``store`` reads and writes the file, ``secrets`` talks to the OS keyring, and
``resolve`` turns a profile name into a ConnectionSpec with its password. Nothing here
imports Textual or opens a database connection.

The store (TOML, platformdirs and its models) loads on first use of a name below, not
with the package: every ``pgsd`` command builds its argument parser with the password
sources, and most never touch a profile.
"""

from typing import Any

PASSWORD_SOURCES: tuple[str, ...] = ("keyring", "pgpass", "env", "prompt")
"""keyring: the OS keyring; pgpass: libpq reads ~/.pgpass; env: libpq reads PGPASSWORD;
prompt: asked for on each use."""

_FROM_STORE = ("Profile", "ProfileStore", "config_dir", "profiles_path")

__all__ = ["PASSWORD_SOURCES", *_FROM_STORE]


def __getattr__(name: str) -> Any:
    if name in _FROM_STORE:
        from pgsd.profiles import store  # noqa: PLC0415 - see the module docstring

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
