"""The ``~/.pgpass`` line of a profile: where a ``pgpass`` profile's password lives.

libpq reads ``$PGPASSFILE`` or ``~/.pgpass`` (lines ``host:port:database:user:password``,
``*`` matching anything, ``:`` and ``\\`` escaped with ``\\``) and ignores the file unless
only its owner can read it. pgsd never reads the password back; it only writes the line
for a user who typed it into the app, replacing a line for the same server, database and
user, and keeps the file at mode 0600.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pgsd.errors import ProfileError

DEFAULT_PORT = 5432


def pgpass_path() -> Path:
    """``$PGPASSFILE`` when set, else ``~/.pgpass`` (what libpq reads)."""
    override = os.environ.get("PGPASSFILE")
    return Path(override) if override else Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def line_fields(profile: Any) -> tuple[str, str, str, str]:
    """(host, port, database, user) as libpq matches them for this profile."""
    host = profile.host or "localhost"  # libpq matches a socket connection as localhost
    return (host, str(profile.port or DEFAULT_PORT), profile.dbname or "*", profile.user or "*")


def pgpass_line(profile: Any, password: str) -> str:
    return ":".join(_escape(f) for f in (*line_fields(profile), password))


def masked_line(profile: Any) -> str:
    """The line as it may be shown: the password replaced by ``…``."""
    return ":".join(_escape(f) for f in line_fields(profile)) + ":…"


def _prefix(line: str) -> str | None:
    """The escaped ``host:port:db:user:`` part of a line (None for comments and odd lines)."""
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    fields, i, escaped = 0, 0, False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":":
            fields += 1
            if fields == 4:
                return line[: i + 1]
    return None


def write_pgpass_line(profile: Any, password: str, path: Path | None = None) -> Path:
    """Add the profile's line to the pgpass file (replacing one for the same server, database
    and user) at mode 0600; ProfileError when the file cannot be written."""
    from pgsd.profiles.store import write_private  # noqa: PLC0415 - the store loads lazily

    path = path or pgpass_path()
    new = pgpass_line(profile, password)
    prefix = _prefix(new)
    try:
        old = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        old = []
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise ProfileError(f"cannot read {path}: {reason}") from None
    kept = [line for line in old if _prefix(line) != prefix]
    write_private(path, "\n".join([*kept, new]) + "\n", what=str(path))
    return path
