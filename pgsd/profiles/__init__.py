"""Saved connection profiles: a TOML file of named connections, passwords kept elsewhere.

``store`` reads and writes the file, ``secrets`` talks to the OS keyring, and
``resolve`` turns a profile name into a ConnectionSpec with its password. Nothing here
imports Textual or opens a database connection.
"""

from pgsd.profiles.store import PASSWORD_SOURCES, Profile, ProfileStore, config_dir, profiles_path

__all__ = ["PASSWORD_SOURCES", "Profile", "ProfileStore", "config_dir", "profiles_path"]
