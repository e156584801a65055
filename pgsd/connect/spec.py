"""ConnectionSpec: where a database is and how to reach it, with the password kept secret.

A spec is built from a libpq URI, a conninfo string or the PG* environment variables.
Parsing is left to libpq (through ``psycopg.conninfo``), so every form libpq accepts
works, and anything a spec leaves unset (``~/.pgpass``, ``service=`` and the PG*
variables) is still filled in by libpq when connecting.
"""

from __future__ import annotations

import os
import re
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from pgsd.errors import InvalidConnectionString

# Keys with a field of their own; anything else libpq knows goes to `options`.
_FIELDS = (
    "host",
    "port",
    "dbname",
    "user",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "application_name",
)

_ENV = {
    "PGHOST": "host",
    "PGPORT": "port",
    "PGDATABASE": "dbname",
    "PGUSER": "user",
    "PGPASSWORD": "password",
    "PGSSLMODE": "sslmode",
    "PGSSLROOTCERT": "sslrootcert",
    "PGSSLCERT": "sslcert",
    "PGSSLKEY": "sslkey",
    "PGCONNECT_TIMEOUT": "connect_timeout",
    "PGAPPNAME": "application_name",
    "PGSERVICE": "service",
}

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


class ConnectionSpec(BaseModel):
    """The parameters of one connection; ``str()`` and ``repr()`` never show the password."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str | None = None
    port: int | None = None
    dbname: str | None = None
    user: str | None = None
    password: SecretStr | None = None
    sslmode: str | None = None
    sslrootcert: str | None = None
    sslcert: str | None = None
    sslkey: str | None = None
    connect_timeout: int | None = Field(default=10, ge=0)
    application_name: str = "pgsd"
    options: dict[str, str] = Field(default_factory=dict)
    """Any other libpq keyword (``service``, ``target_session_attrs``, ``options``, ...)."""

    # ----------------------------------------------------------------- building

    @classmethod
    def parse(cls, text: str) -> ConnectionSpec:
        """Build a spec from a ``postgresql://`` URI or a ``key=value`` conninfo string.

        libpq's parse errors quote the string, or the piece of it it choked on, which may
        be the password or part of it: every message here shows the string masked, and
        quotes only what is visible in the masked string.
        """
        if _is_uri(text) and _stray_at(text):
            raise InvalidConnectionString(
                f"cannot parse connection string {mask_secrets(text, unparsed=True)}: an '@' or '/' "
                "inside the user name or password must be percent-encoded (%40, %2F)"
            )
        try:
            params = conninfo_to_dict(text)
        except psycopg.ProgrammingError as e:
            raise InvalidConnectionString(
                f"cannot parse connection string {mask_secrets(text, unparsed=True)}: "
                f"{_visible_only(_first_line(e), text)} "
                "(expected postgresql://user@host:port/dbname or 'host=... dbname=...')"
            ) from None
        try:
            return cls.from_params(params)
        except InvalidConnectionString as e:
            raise InvalidConnectionString(
                f"invalid connection string {mask_secrets(text)}: {_visible_only(str(e), text, unparsed=False)}"
            ) from None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ConnectionSpec:
        """Build a spec from the PG* environment variables libpq reads."""
        env = os.environ if environ is None else environ
        params = {key: env[var] for var, key in _ENV.items() if env.get(var)}
        return cls.from_params(params)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ConnectionSpec:
        fields: dict[str, Any] = {}
        options: dict[str, str] = {}
        for key, value in params.items():
            if value is None or value == "":
                continue
            if key in _FIELDS:
                fields[key] = value
            elif key == "password":
                fields["password"] = SecretStr(str(value))
            else:
                options[key] = str(value)
        if "port" in fields:
            port = str(fields["port"])
            if "," in port:
                # one port per host (host=a,b port=5432,5433), handed to libpq as it is
                if any(p.strip() and not p.strip().isdigit() for p in port.split(",")):
                    raise InvalidConnectionString(f'invalid port list "{port}"')
                options["port"] = port
                del fields["port"]
            else:
                try:
                    fields["port"] = int(port)
                except ValueError:
                    raise InvalidConnectionString(f'invalid port "{port}"') from None
        if "connect_timeout" in fields:
            try:
                fields["connect_timeout"] = int(fields["connect_timeout"])
            except ValueError:
                raise InvalidConnectionString(
                    f'invalid connect_timeout "{fields["connect_timeout"]}"'
                ) from None
        if fields.get("sslmode") and fields["sslmode"] not in SSL_MODES:
            raise InvalidConnectionString(
                f'invalid sslmode "{fields["sslmode"]}": expected one of {", ".join(SSL_MODES)}'
            )
        return cls(**fields, options=options)

    # ----------------------------------------------------------------- using

    def conninfo(self) -> str:
        """The libpq conninfo string, password included: only for handing to libpq."""
        params: dict[str, Any] = {k: getattr(self, k) for k in _FIELDS}
        if self.password is not None:
            params["password"] = self.password.get_secret_value()
        params.update(self.options)
        return make_conninfo(**{k: v for k, v in params.items() if v is not None})

    def with_changes(self, **changes: Any) -> ConnectionSpec:
        if "password" in changes and isinstance(changes["password"], str):
            changes["password"] = SecretStr(changes["password"])
        return self.model_copy(update=changes)

    def describe(self) -> str:
        """A masked one-line description, e.g. ``postgresql://app:***@db1:5432/shop``.

        Several hosts (``host=a,b port=5432,5433``) are all shown, each with its port.
        """
        user = self.user or os.environ.get("PGUSER") or ""
        secret = ":***" if self.password is not None else ""
        auth = f"{user}{secret}@" if (user or secret) else ""
        hosts = (self.host or os.environ.get("PGHOST") or "localhost").split(",")
        port_text = self.options.get("port") or str(self.port or os.environ.get("PGPORT") or "")
        ports = port_text.split(",")
        if len(ports) != len(hosts):
            ports = [ports[0]] * len(hosts)  # one port for every host, as libpq reads it
        where = ",".join(
            _host_port(host.strip() or "localhost", port.strip() or "5432")
            for host, port in zip(hosts, ports, strict=True)
        )
        db = self.dbname or os.environ.get("PGDATABASE") or user or ""
        extra = "".join(
            f" {key}={self.options[key]}" for key in ("service", "target_session_attrs") if key in self.options
        )
        return f"postgresql://{auth}{where}/{db}{extra}"

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return f"ConnectionSpec({self.describe()!r})"


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def _host_port(host: str, port: str) -> str:
    if host.startswith("/"):
        return f"[socket {host}]:{port}"
    return f"{host}:{port}"


# --------------------------------------------------------------------------- masking

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SECRET_KEYS = r"(?:ssl)?password"
# key = 'quoted value' (backslash escapes), or key = bare value, in a conninfo string
_CONNINFO_SECRET = re.compile(
    rf"(\b{_SECRET_KEYS}\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s']\S*|'.*)", re.IGNORECASE | re.DOTALL
)
_QUERY_SECRET = re.compile(rf"([?&]{_SECRET_KEYS}=)([^&]*)", re.IGNORECASE)


def _is_uri(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://"))


def _stray_at(text: str) -> bool:
    """An '@' libpq would not read as the end of the user name and password.

    libpq takes the user name and password up to the first '@' before the first '/'
    after the scheme. A second '@' there, or an '@' after that '/' (outside the query),
    means an unencoded '@' or '/' in a password: libpq would read part of the password
    as a host, a port or a database name, and show it in its messages.
    """
    rest = _SCHEME.sub("", text, count=1).split("?", 1)[0]
    authority, _, path = rest.partition("/")
    return authority.count("@") > 1 or "@" in path


def mask_secrets(text: str, *, unparsed: bool = False) -> str:
    """``text`` (a URI, a conninfo string, or a message quoting one) with every password masked.

    Masks the password of a ``user:password@`` part (everything up to the last '@', so an
    unencoded '@' in a password stays hidden too), and the values of ``password`` and
    ``sslpassword`` in a conninfo string or a URI query. With ``unparsed`` (libpq could
    not parse the string, so where a conninfo password ends is unknown) everything after
    ``password=`` is masked.
    """
    if "@" in text:
        scheme = _SCHEME.match(text)
        start = scheme.end() if scheme else 0
        at = text.rfind("@")
        colon = text.find(":", start, at)
        if colon != -1:
            text = f"{text[:colon + 1]}***{text[at:]}"
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + "***", text)
    if unparsed:
        return re.sub(rf"(\b{_SECRET_KEYS}\s*=).*", r"\1***", text, flags=re.IGNORECASE | re.DOTALL)
    return _CONNINFO_SECRET.sub(lambda m: m.group(1) + "***", text)


def _visible_only(message: str, text: str, *, unparsed: bool = True) -> str:
    """``message`` with each quoted piece of ``text`` shown only if the masked text shows it too.

    libpq quotes what it could not parse: the whole string (shown masked instead), or
    a piece of it, which may be part of the password (shown as ``***``).
    """
    masked = mask_secrets(text, unparsed=unparsed)

    def shown(m: re.Match[str]) -> str:
        piece = m.group(1)
        if piece == text:
            return f'"{masked}"'
        if piece in ("]", "=") or piece in masked:  # the bracket or the "=" libpq looked for
            return m.group(0)
        return '"***"'

    return re.sub(r'"([^"]*)"', shown, message)
