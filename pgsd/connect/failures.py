"""Turn psycopg exceptions into pgsd errors with one masked line each.

This is the one place where driver errors are wrapped; every message names the
server through ``ConnectionSpec.describe`` (password masked) and says what to check.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg_errors

from pgsd import errors
from pgsd.connect.spec import ConnectionSpec
from pgsd.model.names import quote_ident, quote_role


def _reason(e: BaseException) -> str:
    """What libpq said went wrong, whole: the server's message and its DETAIL, or libpq's own line.

    libpq writes ``connection to server at "h" (addr), port p failed: FATAL:  message``,
    then ``DETAIL:`` and ``HINT:`` lines, once per host it tried; the last attempt is the
    one reported. The message is kept with its detail: the detail alone ("User does not
    have CONNECT privilege.") loses what failed, the message alone loses why.
    """
    text = str(e).strip()
    at = text.rfind("connection to server")
    block = text[at:] if at > 0 else text
    lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
    if not lines:
        return type(e).__name__
    first = lines[0]
    if "failed:" in first and first.startswith("connection to server"):
        first = first.split("failed:", 1)[1].strip() or (lines[1] if len(lines) > 1 else first)
    primary = re.sub(r"^(FATAL|ERROR):\s*", "", first)
    details = [re.sub(r"^DETAIL:\s*", "", ln) for ln in lines[1:] if ln.startswith("DETAIL:")]
    return primary + (f" ({' '.join(details)})" if details else "")


def _scrub(text: str, spec: ConnectionSpec | None) -> str:
    if spec is not None:
        for secret in (spec.password.get_secret_value() if spec.password is not None else None,
                       spec.options.get("sslpassword")):
            if secret:
                text = text.replace(secret, "***")
    return text


_TOO_MANY = ("too many clients already", "remaining connection slots are reserved",
             "too many connections for", "no free connection slots")
_NOT_ACCEPTING = ("in recovery mode", "not yet accepting connections", "is starting up", "is shutting down",
                  "hot standby mode is disabled", "not accepting connections")


def translate_connect_error(e: BaseException, spec: ConnectionSpec) -> errors.PgsdError:
    """Classify a failure to open a connection."""
    where = spec.describe()
    raw = _scrub(str(e), spec)
    low = raw.lower()
    detail = _scrub(_reason(e), spec)
    if isinstance(e, psycopg.ProgrammingError) and not isinstance(e, psycopg.DatabaseError):
        return errors.InvalidConnectionString(f"invalid connection parameters for {where}: {detail}")
    special = _special_connect_error(raw, detail, spec, where)
    if special is not None:
        return special
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
    if "ssl" in low:
        return errors.SslRequired(f"SSL negotiation with {where} failed: {detail} (check sslmode and certificates)")
    if "pg_hba.conf" in low:
        return errors.AuthenticationFailed(f"the server at {where} refuses this client (pg_hba.conf): {detail}")
    for needle, reason in (
        ("connection refused", "connection refused"),
        ("could not translate host name", "unknown host name"),
        ("failed to resolve host", "unknown host name"),
        ("no such file or directory", "no server socket there"),
        ("network is unreachable", "network unreachable"),
        ("no route to host", "no route to host"),
        ("could not connect", "no answer"),
    ):
        if needle in low:
            return errors.ConnectionFailed(
                f"cannot reach {where}: {reason} (is the server running, and are host and port right?)"
            )
    return errors.ConnectionFailed(f"cannot connect to {where}: {detail}")


def _special_connect_error(raw: str, detail: str, spec: ConnectionSpec, where: str) -> errors.PgsdError | None:
    """The failures whose last line alone would lose the reason or the remedy."""
    low = raw.lower()
    if any(needle in low for needle in _TOO_MANY):
        return errors.ConnectionFailed(
            f"{where} accepts no more connections: {detail}. Every connection slot the server allows "
            "(for this role or database) is taken: close other sessions, or lower --max-connections "
            "(pgsd opens up to that many per side, 4 by default)"
        )
    if "permission denied for database" in low:
        db = spec.dbname or spec.user
        grant = (f"GRANT CONNECT ON DATABASE {quote_ident(db)} TO {quote_role(spec.user)}"
                 if db and spec.user else "GRANT CONNECT on the database to the role")
        return errors.PermissionDenied(f"the role may not connect to {where}: {detail}; ask for {grant}")
    if any(needle in low for needle in _NOT_ACCEPTING):
        return errors.ConnectionFailed(f"{where} does not accept connections now: {detail}")
    cert = re.search(r'(root certificate file|certificate file|private key file) "([^"]+)" does not exist',
                     raw, flags=re.IGNORECASE)
    if cert is not None:
        what, path = cert.group(1).lower(), cert.group(2)
        remedy = (
            "point sslrootcert at the CA certificate that signed the server's, use sslrootcert=system "
            "for the system's trusted roots, or choose a weaker sslmode"
            if what.startswith("root") else "point sslcert/sslkey at the client certificate and key"
        )
        return errors.SslRequired(
            f"SSL with {where} (sslmode={spec.sslmode or 'prefer'}) needs the {what} {path}, "
            f"which does not exist: {remedy}"
        )
    return None


def _primary_message(e: BaseException) -> str:
    """The server's own one-line message (not the LINE/caret lines that follow it)."""
    diag = getattr(e, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        return primary
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def translate_query_error(e: BaseException, spec: ConnectionSpec, what: str, *, role: str | None = None,
                          lock_wait: str | None = None, lock_holders: str | None = None) -> errors.PgsdError:
    """Classify a failure while running catalog queries or applying DDL.

    ``role`` (the connected role) lets a permission error say what to grant;
    ``lock_wait`` (e.g. ``5 s``) and ``lock_holders`` (what other sessions hold, when it
    could be read) let a lock timeout say what it waited for.
    """
    where = spec.describe()
    detail = _scrub(_primary_message(e), spec)
    if isinstance(e, pg_errors.QueryCanceled):
        if "statement timeout" in str(e):
            return errors.IntrospectionFailed(
                f"{what} on {where} exceeded the statement timeout: raise --statement-timeout"
            )
        return errors.Cancelled(f"{what} on {where} was cancelled")
    if isinstance(e, pg_errors.LockNotAvailable):
        waited = f" {lock_wait}" if lock_wait else ""
        held = f": {lock_holders}" if lock_holders else f": {detail}"
        return errors.IntrospectionFailed(
            f"{what} on {where} waited{waited} for a lock another session holds{held}; "
            "let that session finish, or raise --read-lock-timeout"
        )
    if isinstance(e, pg_errors.InsufficientPrivilege):
        table = re.search(r"permission denied for (?:table|relation) (\w+)", detail)
        if table is not None and table.group(1).startswith("pg_"):
            name = quote_ident(table.group(1))
            who = role or spec.user
            grantee = quote_role(who) if who else "the role"
            return errors.PermissionDenied(
                f"{what} on {where}: role {grantee} may not read catalog table pg_catalog.{name} ({detail}); "
                f"ask an administrator for GRANT SELECT ON pg_catalog.{name} TO {grantee}"
            )
        return errors.PermissionDenied(f"{what} on {where}: {detail}")
    if isinstance(e, psycopg.OperationalError):
        return errors.ConnectionLost(f"lost the connection to {where} during {what}: {detail}")
    return errors.IntrospectionFailed(f"{what} on {where} failed: {detail}")
