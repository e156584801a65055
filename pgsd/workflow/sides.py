"""A side: what stands on either end of a comparison, parsed once where the argument enters.

``parse_side(text)`` is the only place that decides what a SOURCE or TARGET argument is:

* ``DatabaseSide``: a live database, from a ``postgresql://`` URI, a ``key=value`` conninfo
  string or a saved profile name. Its ``ConnectionSpec`` keeps the password as a secret
  until the connection is made; a profile's password is fetched (keyring) or asked
  (prompt) by ``with_password_from``, which ``read_sides`` calls in the caller's thread, one
  side after the other, before any reading starts.
* ``SnapshotSide``: a snapshot ``.json`` file, read as it is.

The kinds of side still to come (a SQL file or directory, a directory at a git revision)
are further subclasses of ``Side`` with their own ``describe``; ``parse_side`` is where
their argument forms are recognised and ``read.read_sides`` where they are read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pgsd import errors
from pgsd.connect import ConnectionSpec
from pgsd.connect.spec import mask_secrets

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


def looks_like_connection_string(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://")) or "=" in text


def parse_side(text: str, *, store: ProfileStore | None = None) -> Side:
    """What a SOURCE or TARGET argument names (no connection made, no password asked yet).

    Raises a PgsdError (one line) for a connection string libpq cannot parse, or a name
    that is neither a file nor a saved profile.
    """
    if looks_like_connection_string(text):
        return DatabaseSide(spec=ConnectionSpec.parse(text))
    if text.endswith(SNAPSHOT_SUFFIX):
        return SnapshotSide(path=text)
    return profile_side(text, store=store)


def profile_side(name: str, *, store: ProfileStore | None = None) -> DatabaseSide:
    """The side of saved profile ``name``; its password is fetched later (``with_password_from``)."""
    try:
        from pgsd.profiles.store import NAME_RE, ProfileStore
    except ImportError:  # pragma: no cover - profiles ship with pgsd
        raise errors.InvalidConnectionString(
            f"{mask_secrets(name, unparsed=True)!r} is neither a postgresql:// URI nor a conninfo string"
        ) from None
    if not NAME_RE.match(name):
        # Not even a possible profile name: most likely a mistyped URI or file name.
        raise errors.InvalidConnectionString(
            f"{mask_secrets(name, unparsed=True)!r} is not a postgresql:// URI, a conninfo string (key=value ...), "
            f"a snapshot {SNAPSHOT_SUFFIX} file or a profile name"
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
