"""ConnectionSpec: where a database is and how to reach it, with the password kept secret.

A spec is built from a libpq URI, a conninfo string or the PG* environment variables.
Parsing is left to libpq (through ``psycopg.conninfo``), so every form libpq accepts
works, and anything a spec leaves unset (``~/.pgpass``, ``service=`` and the PG*
variables) is still filled in by libpq when connecting.
"""

from __future__ import annotations

import os
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
        """Build a spec from a ``postgresql://`` URI or a ``key=value`` conninfo string."""
        try:
            params = conninfo_to_dict(text)
        except psycopg.ProgrammingError as e:
            raise InvalidConnectionString(
                f"cannot parse connection string: {_first_line(e)} "
                "(expected postgresql://user@host:port/dbname or 'host=... dbname=...')"
            ) from None
        return cls.from_params(params)

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
            try:
                fields["port"] = int(fields["port"])
            except ValueError:
                raise InvalidConnectionString(f"invalid port: {fields['port']!r}") from None
        if "connect_timeout" in fields:
            try:
                fields["connect_timeout"] = int(fields["connect_timeout"])
            except ValueError:
                raise InvalidConnectionString(
                    f"invalid connect_timeout: {fields['connect_timeout']!r}"
                ) from None
        if fields.get("sslmode") and fields["sslmode"] not in SSL_MODES:
            raise InvalidConnectionString(
                f"invalid sslmode {fields['sslmode']!r}: expected one of {', '.join(SSL_MODES)}"
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
        """A masked one-line description, e.g. ``postgresql://app:***@db1:5432/shop``."""
        user = self.user or os.environ.get("PGUSER") or ""
        secret = ":***" if self.password is not None else ""
        auth = f"{user}{secret}@" if (user or secret) else ""
        host = self.host or os.environ.get("PGHOST") or "localhost"
        port = self.port or os.environ.get("PGPORT") or 5432
        if host.startswith("/"):
            where = f"[socket {host}]:{port}"
        else:
            where = f"{host}:{port}"
        db = self.dbname or os.environ.get("PGDATABASE") or user or ""
        service = f" service={self.options['service']}" if "service" in self.options else ""
        return f"postgresql://{auth}{where}/{db}{service}"

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return f"ConnectionSpec({self.describe()!r})"


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
