"""Turn psycopg exceptions into pgsd errors with one masked line each.

This is the one place where driver errors are wrapped; every message names the
server through ``ConnectionSpec.describe`` (password masked) and says what to check.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors

from pgsd import errors
from pgsd.connect.spec import ConnectionSpec


def _last_line(e: BaseException) -> str:
    """The last line of a libpq message (multi-host attempts put the real cause last)."""
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    # libpq prefixes multi-host attempts with 'connection to server at ... failed:'
    return lines[-1] if lines else type(e).__name__


def _scrub(text: str, spec: ConnectionSpec | None) -> str:
    if spec is not None and spec.password is not None:
        secret = spec.password.get_secret_value()
        if secret:
            text = text.replace(secret, "***")
    return text


def translate_connect_error(e: BaseException, spec: ConnectionSpec) -> errors.PgsdError:
    """Classify a failure to open a connection."""
    where = spec.describe()
    raw = _scrub(str(e), spec)
    low = raw.lower()
    detail = _scrub(_last_line(e), spec)
    if isinstance(e, psycopg.ProgrammingError) and not isinstance(e, psycopg.DatabaseError):
        return errors.InvalidConnectionString(f"invalid connection parameters for {where}: {detail}")
    if "password authentication failed" in low or "authentication failed" in low:
        return errors.AuthenticationFailed(
            f"authentication failed for {where}: check the user name and password "
            "(profile keyring entry, ~/.pgpass or PGPASSWORD)"
        )
    if "no password supplied" in low or "password is required" in low:
        return errors.AuthenticationFailed(
            f"the server at {where} asks for a password and none was given: "
            "save one in the profile, ~/.pgpass or PGPASSWORD"
        )
    if "database" in low and "does not exist" in low:
        return errors.DatabaseMissing(
            f"database {spec.dbname or '(default)'} does not exist on {where}: check the name"
        )
    if "role" in low and "does not exist" in low:
        return errors.AuthenticationFailed(f"role {spec.user or '(default)'} does not exist on {where}")
    if "timeout expired" in low or "timed out" in low:
        return errors.ConnectTimeout(
            f"connecting to {where} timed out after {spec.connect_timeout or '?'} s: "
            "check the host, port and firewall"
        )
    if "ssl" in low and ("required" in low or "not support" in low or "certificate" in low or "ssl" in low):
        return errors.SslRequired(f"SSL negotiation with {where} failed: {detail} (check sslmode and certificates)")
    if "pg_hba.conf" in low:
        return errors.AuthenticationFailed(f"the server at {where} refuses this client (pg_hba.conf): {detail}")
    for needle, reason in (
        ("connection refused", "connection refused"),
        ("could not translate host name", "unknown host name"),
        ("no such file or directory", "no server socket there"),
        ("network is unreachable", "network unreachable"),
        ("no route to host", "no route to host"),
        ("could not connect", "no answer"),
    ):
        if needle in low:
            return errors.ConnectionFailed(
                f"cannot reach {where}: {reason} (is the server running, and are host and port right?)"
            )
    if "too many" in low and "connections" in low:
        return errors.ConnectionFailed(f"{where} has no free connection slots: {detail}")
    return errors.ConnectionFailed(f"cannot connect to {where}: {detail}")


def _primary_message(e: BaseException) -> str:
    """The server's own one-line message (not the LINE/caret lines that follow it)."""
    diag = getattr(e, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        return primary
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def translate_query_error(e: BaseException, spec: ConnectionSpec, what: str) -> errors.PgsdError:
    """Classify a failure while running catalog queries or applying DDL."""
    where = spec.describe()
    detail = _scrub(_primary_message(e), spec)
    if isinstance(e, pg_errors.QueryCanceled):
        if "statement timeout" in str(e):
            return errors.IntrospectionFailed(
                f"{what} on {where} exceeded the statement timeout: raise --statement-timeout"
            )
        return errors.Cancelled(f"{what} on {where} was cancelled")
    if isinstance(e, pg_errors.LockNotAvailable):
        return errors.IntrospectionFailed(f"{what} on {where} waited too long for a lock: {detail}")
    if isinstance(e, pg_errors.InsufficientPrivilege):
        return errors.PermissionDenied(f"{what} on {where}: {detail}")
    if isinstance(e, psycopg.OperationalError):
        return errors.ConnectionLost(f"lost the connection to {where} during {what}: {detail}")
    return errors.IntrospectionFailed(f"{what} on {where} failed: {detail}")
