"""The errors a user can cause, each with one line that says what failed and what to check.

Lower layers raise these; psycopg errors are wrapped once, at the connection and
catalog boundary. The CLI prints ``str(error)`` and exits 2; the app shows it in a
notification. No message ever contains a password: callers pass the masked server
description (see ``ConnectionSpec.describe``).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
"""Characters that end a line or drive a terminal (escape sequences), never shown as they are."""


def one_line(text: str) -> str:
    """``text`` on one line, its control characters (from a name, a file, a server message) made blanks."""
    return _CONTROL.sub(" ", text).strip()


class PgsdError(Exception):
    """Base of every error pgsd reports to a user (one line, no traceback, no control characters:
    a message may quote a file or a name, and must not drive the terminal it is shown on)."""

    title = "pgsd error"

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(one_line(message).split()))

    @property
    def message(self) -> str:
        return str(self)


class InvalidConnectionString(PgsdError):
    title = "Invalid connection string"


class ConnectionFailed(PgsdError):
    title = "Connection failed"


class AuthenticationFailed(ConnectionFailed):
    title = "Authentication failed"


class DatabaseMissing(ConnectionFailed):
    title = "Database does not exist"


class ConnectTimeout(ConnectionFailed):
    title = "Connection timed out"


class SslRequired(ConnectionFailed):
    title = "SSL problem"


class ConnectionLost(ConnectionFailed):
    title = "Connection lost"


class ServerUnsupported(PgsdError):
    title = "Server version not supported"


class PermissionDenied(PgsdError):
    title = "Permission denied"


class IntrospectionFailed(PgsdError):
    title = "Reading the catalog failed"


class Cancelled(PgsdError):
    title = "Cancelled"


class SnapshotFileError(PgsdError):
    title = "Snapshot file error"


class PlanError(PgsdError):
    title = "Planning failed"


class ProfileError(PgsdError):
    title = "Profile error"


class SecretStoreUnavailable(ProfileError):
    title = "No keyring available"


class ExportFailed(PgsdError):
    title = "Export failed"


class ApplyFailed(PgsdError):
    title = "Applying the plan failed"


class FilterConflict(PgsdError):
    title = "Filters do not match"


class PlanFileError(PgsdError):
    title = "Plan file error"


class TargetDrifted(PgsdError):
    """The target changed since the plan was made (its fingerprint differs)."""

    title = "The target changed since the plan was made"


class ApplyLocked(PgsdError):
    """Another pgsd apply holds the target's apply lock."""

    title = "Another apply is running"


class DataLossRefused(PgsdError):
    title = "Data loss not confirmed"
