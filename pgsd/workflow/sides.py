"""A side: what stands on either end of a comparison, parsed once where the argument enters.

``parse_side(text)`` is the only place that decides what a SOURCE or TARGET argument is:

* ``DatabaseSide``: a live database, from a ``postgresql://`` URI, a ``key=value`` conninfo
  string or a saved profile name. Its ``ConnectionSpec`` keeps the password as a secret
  until the connection is made; a profile's password is fetched (keyring) or asked
  (prompt) by ``with_password_from``, which ``read_sides`` calls in the caller's thread, one
  side after the other, before any reading starts.
* ``SnapshotSide``: a snapshot ``.json`` file, read as it is.
* ``SqlSide``: schema as code, a ``.sql`` file, a directory of them, or ``git:REV:PATH``
  (a file or directory at a revision of the current git repository). ``read_sides``
  loads it into a throwaway "shadow" database (``workflow.sqlside``) and reads that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pgsd import errors
from pgsd.connect import ConnectionSpec

if TYPE_CHECKING:
    from pgsd.profiles.store import Profile, ProfileStore

AskPassword = Callable[["Profile"], "str | None"]
"""ask(profile) -> password (None: connect without one). Without it, the terminal is asked."""

SNAPSHOT_SUFFIX = ".json"


@dataclass(frozen=True)
class Side:
    """Base of every kind of side. ``name`` is how the side is shown (never a password)."""

    @property
    def name(self) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        """A longer, masked description for messages."""
        return self.name


@dataclass(frozen=True)
class DatabaseSide(Side):
    """A live database: its connection spec, and the profile it came from, if any."""

    spec: ConnectionSpec
    profile: str | None = None
    """The saved profile's name when the side was given as one."""
    label: str = ""
    colour: str = ""
    password_source: str | None = None
    """The profile's password source (keyring, prompt, pgpass, env); None for a URI or conninfo."""
    password_ready: bool = True
    """False until a profile's keyring or prompted password has been put into ``spec``."""
    saved: Profile | None = None

    @property
    def name(self) -> str:
        return self.profile or self.spec.describe().split("://", 1)[-1]

    def describe(self) -> str:
        return self.spec.describe()

    @property
    def asks_password(self) -> bool:
        """A profile whose password is asked each time and has not been asked yet."""
        return not self.password_ready and self.password_source == "prompt"

    def with_password(self, password: str | None) -> DatabaseSide:
        spec = self.spec if password is None else self.spec.with_changes(password=password)
        return replace(self, spec=spec, password_ready=True)

    def with_password_from(self, ask: AskPassword | None = None) -> DatabaseSide:
        """The side with its profile's password (keyring, or asked) in its spec, when it needs one.

        ``ask`` asks for a prompted password; without it the terminal is asked (and
        refused with one line when there is none).
        """
        if self.password_ready or self.saved is None:
            return self
        from pgsd.profiles.resolve import password_for

        return self.with_password(password_for(self.saved, ask_password=ask))


@dataclass(frozen=True)
class SnapshotSide(Side):
    """A snapshot file, compared as it was taken."""

    path: str

    @property
    def name(self) -> str:
        return Path(self.path).name

    def describe(self) -> str:
        return f"snapshot {self.path}"


SQL_SUFFIX = ".sql"
GIT_PREFIX = "git:"


@dataclass(frozen=True)
class SqlSide(Side):
    """Schema as SQL: ``kind`` "file" or "dir" at ``path``, "git" (``path`` at ``rev``), or
    "empty" (no SQL at all: a fresh database, which ``pgsd dump`` plans from)."""

    kind: str
    path: str = ""
    rev: str = ""

    @property
    def name(self) -> str:
        if self.kind == "git":
            return f"{GIT_PREFIX}{self.rev}:{self.path}"
        if self.kind == "empty":
            return "empty database"
        return self.path

    def describe(self) -> str:
        if self.kind == "git":
            return f"SQL {self.path or '.'} at git revision {self.rev}"
        if self.kind == "empty":
            return "an empty database"
        return f"SQL {'directory' if self.kind == 'dir' else 'file'} {self.path}"


@dataclass(frozen=True)
class ShadowChoice:
    """Where SQL sides are loaded (``--shadow DSN``; None: the embedded server), and whether
    roles they need but the shadow server lacks are created there (``--create-roles``)."""

    dsn: str | None = None
    create_roles: bool = False


def sql_side(text: str) -> SqlSide | None:
    """The SQL side ``text`` names (``git:REV:PATH``, ``*.sql``, a directory), or None."""
    if text.startswith(GIT_PREFIX):
        rev, sep, path = text[len(GIT_PREFIX):].partition(":")
        if not rev or not sep:
            raise errors.InvalidConnectionString(
                f"{text!r}: a git side is git:REVISION:PATH (e.g. git:main:schema/)"
            )
        return SqlSide(kind="git", rev=rev, path=path)
    if text.lower().endswith(SQL_SUFFIX) and not Path(text).is_dir():
        return SqlSide(kind="file", path=text)
    if text.endswith(("/", "\\")) or Path(text).is_dir():
        return SqlSide(kind="dir", path=text)
    return None


def looks_like_connection_string(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://")) or "=" in text


def parse_side(text: str, *, store: ProfileStore | None = None) -> Side:
    """What a SOURCE or TARGET argument names (no connection made, no password asked yet).

    Raises a PgsdError (one line) for a connection string libpq cannot parse, or a name
    that is neither a file nor a saved profile.
    """
    if text.startswith(("postgresql://", "postgres://")):
        return DatabaseSide(spec=ConnectionSpec.parse(text))
    if text.startswith(GIT_PREFIX):
        return sql_side(text)  # type: ignore[return-value]
    if looks_like_connection_string(text):
        return DatabaseSide(spec=ConnectionSpec.parse(text))
    if text.endswith(SNAPSHOT_SUFFIX):
        return SnapshotSide(path=text)
    side = sql_side(text)
    if side is not None:
        return side
    return profile_side(text, store=store)


def profile_side(name: str, *, store: ProfileStore | None = None) -> DatabaseSide:
    """The side of saved profile ``name``; its password is fetched later (``with_password_from``)."""
    try:
        from pgsd.profiles.store import NAME_RE, ProfileStore
    except ImportError:  # pragma: no cover - profiles ship with pgsd
        raise errors.InvalidConnectionString(
            f"{name!r} is neither a postgresql:// URI nor a conninfo string"
        ) from None
    if not NAME_RE.match(name):
        # Not even a possible profile name: most likely a mistyped URI or file name.
        raise errors.InvalidConnectionString(
            f"{name!r} is not a postgresql:// URI, a conninfo string (key=value ...), "
            f"a snapshot {SNAPSHOT_SUFFIX} file, a {SQL_SUFFIX} file or directory, git:REV:PATH or a profile name"
        )
    profile = (store or ProfileStore()).get(name)
    return DatabaseSide(
        spec=profile.spec(None),
        profile=profile.name,
        label=profile.label,
        colour=profile.colour,
        password_source=profile.password_source,
        password_ready=profile.password_source not in ("keyring", "prompt"),
        saved=profile,
    )


def with_password(side: Side, ask: AskPassword | None = None) -> Side:
    """``side.with_password_from(ask)`` for a database side; any other side as it is."""
    return side.with_password_from(ask) if isinstance(side, DatabaseSide) else side
