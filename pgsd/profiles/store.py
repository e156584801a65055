"""The profiles file: named connections in one TOML file, written atomically, no passwords.

The file lives at ``$PGSD_CONFIG_DIR/profiles.toml`` (tests and scripts) or in the
platform's user config dir. Writes go to a temp file in the same directory that is
fsynced and renamed over the old file, so a crash or a full disk leaves either the old
file or the new one, never half of each. Every edit first parses the current file and
stops at the first problem, so a malformed file is reported (with its line) and never
replaced by a failed edit. The file is created with mode 0600: it holds no secrets,
but host and user names are still nobody else's business.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from pgsd.connect.spec import SSL_MODES, ConnectionSpec
from pgsd.errors import ProfileError
from pgsd.profiles import PASSWORD_SOURCES  # noqa: F401 - re-exported: where it always was

PasswordSource = Literal["keyring", "pgpass", "env", "prompt"]

# No dots, no '=' and no '/': a profile name can never be mistaken for a conninfo
# string, a URI or a snapshot .json file (see workflow.sides.parse_side).
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")

SPEC_FIELDS = (
    "host", "port", "dbname", "user", "sslmode", "sslrootcert", "sslcert", "sslkey",
    "connect_timeout", "application_name",
)

FILE_NAME = "profiles.toml"
HEADER = (
    "# pgsd connection profiles (edit with `pgsd profiles ...`).\n"
    "# Passwords are never stored here: see password_source (keyring, pgpass, env, prompt).\n\n"
)

T = TypeVar("T")


def config_dir() -> Path:
    """``$PGSD_CONFIG_DIR`` when set, else the platform's per-user config directory."""
    override = os.environ.get("PGSD_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("pgsd"))


def profiles_path() -> Path:
    return config_dir() / FILE_NAME


class Profile(BaseModel):
    """A named ConnectionSpec without its password, plus how to get the password."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str = ""
    colour: str = ""
    """A colour name or ``#rrggbb`` the app uses to tell environments apart."""
    production: bool = False
    """Applying a plan to it asks for the database's name to be typed, whatever the plan holds."""
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    dbname: str | None = None
    user: str | None = None
    sslmode: str | None = None
    sslrootcert: str | None = None
    sslcert: str | None = None
    sslkey: str | None = None
    connect_timeout: int | None = Field(default=10, ge=0)
    application_name: str = "pgsd"
    options: dict[str, str] = Field(default_factory=dict)
    """Any other libpq keyword (``service``, ``target_session_attrs``, ...)."""
    password_source: PasswordSource = "keyring"
    server_version: str | None = None
    """The server version last seen through this profile (``profiles test``, the app)."""

    @field_validator("name")
    @classmethod
    def _check_name(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError(
                "a profile name is 1 to 63 letters, digits, '-' or '_', starting with a letter or digit"
            )
        return v

    @field_validator("sslmode")
    @classmethod
    def _check_sslmode(cls, v: str | None) -> str | None:
        if v is not None and v not in SSL_MODES:
            raise ValueError(f"sslmode must be one of {', '.join(SSL_MODES)}")
        return v

    @field_validator("options")
    @classmethod
    def _no_password_option(cls, v: dict[str, str]) -> dict[str, str]:
        if "password" in v:
            raise ValueError("passwords are never stored in the profiles file (use password_source)")
        return v

    # ------------------------------------------------------------ conversions

    @classmethod
    def from_spec(cls, name: str, spec: ConnectionSpec, **extra: Any) -> Profile:
        """A profile of ``spec``; its password, if any, is dropped (the caller stores it)."""
        data: dict[str, Any] = {f: getattr(spec, f) for f in SPEC_FIELDS}
        data["options"] = {k: v for k, v in spec.options.items() if k != "password"}
        return cls(name=name, **data, **extra)

    def spec(self, password: str | None = None) -> ConnectionSpec:
        fields = {f: getattr(self, f) for f in SPEC_FIELDS}
        return ConnectionSpec(
            **fields,
            options=dict(self.options),
            password=SecretStr(password) if password is not None else None,
        )

    def connection_fields(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in SPEC_FIELDS} | {"options": dict(self.options)}

    def describe(self) -> str:
        """The masked server description (never a password: the profile holds none)."""
        return self.spec().describe()

    def with_changes(self, **changes: Any) -> Profile:
        """A validated copy (model_copy would skip validation)."""
        try:
            return type(self).model_validate(self.model_dump() | changes)
        except ValidationError as e:
            raise ProfileError(f"profile {self.name}: {_first_error(e)}") from None

    def to_toml(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"name"}, exclude_defaults=True, exclude_none=True)
        data["password_source"] = self.password_source  # always explicit, for readers
        return data


def make_profile(name: str, **fields: Any) -> Profile:
    """Profile(...) with validation errors turned into one ProfileError line."""
    try:
        return Profile(name=name, **fields)
    except ValidationError as e:
        raise ProfileError(f"profile {name}: {_first_error(e)}") from None


class ProfileStore:
    """Read and edit one profiles file; every edit is read-modify-write under a lock."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else profiles_path()

    # ------------------------------------------------------------ reading

    def load(self) -> dict[str, Profile]:
        """Every profile by name (sorted); a missing file is an empty store."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
            raise ProfileError(f"cannot read profiles file {self.path}: {reason}") from None
        return self._parse(text)

    def get(self, name: str) -> Profile:
        profiles = self.load()
        try:
            return profiles[name]
        except KeyError:
            raise ProfileError(f"no profile named {name} (pgsd profiles list)") from None

    def __contains__(self, name: str) -> bool:
        return name in self.load()

    # ------------------------------------------------------------ editing

    def add(self, profile: Profile, *, replace: bool = False) -> None:
        def edit(profiles: dict[str, Profile]) -> None:
            if profile.name in profiles and not replace:
                raise ProfileError(
                    f"a profile named {profile.name} exists (pgsd profiles edit {profile.name})"
                )
            profiles[profile.name] = profile

        self._edit(edit)

    def update(self, name: str, **changes: Any) -> Profile:
        def edit(profiles: dict[str, Profile]) -> Profile:
            if name not in profiles:
                raise ProfileError(f"no profile named {name} (pgsd profiles list)")
            profiles[name] = profiles[name].with_changes(**changes)
            return profiles[name]

        return self._edit(edit)

    def remove(self, name: str) -> Profile:
        def edit(profiles: dict[str, Profile]) -> Profile:
            try:
                return profiles.pop(name)
            except KeyError:
                raise ProfileError(f"no profile named {name} (pgsd profiles list)") from None

        return self._edit(edit)

    def record_server_version(self, name: str, version: str) -> None:
        """Remember the version last seen; no write when it did not change."""
        current = self.load().get(name)
        if current is None or current.server_version == version:
            return
        self.update(name, server_version=version)

    def _edit(self, change: Callable[[dict[str, Profile]], T]) -> T:
        # The lock keeps the app and a CLI run from losing each other's edits; the
        # load raises on a malformed file before anything is written.
        with self._locked():
            profiles = self.load()
            result = change(profiles)
            self._write(profiles)
        return result

    # ------------------------------------------------------------ file format

    def _parse(self, text: str) -> dict[str, Profile]:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ProfileError(f"{self.path} is not valid TOML: {_decode_error(e)}; fix or remove the file") from None
        unknown = set(raw) - {"profiles"}
        if unknown:
            key = sorted(unknown)[0]
            raise ProfileError(f"{self.path}, line {_line_of(text, key)}: unknown key {key!r} (expected [profiles.NAME] tables)")
        table = raw.get("profiles", {})
        if not isinstance(table, dict):
            raise ProfileError(f"{self.path}, line {_line_of(text, 'profiles')}: 'profiles' must be a table")
        out: dict[str, Profile] = {}
        for name, fields in table.items():
            where = f"{self.path}, line {_line_of(text, name)}"
            if not isinstance(fields, dict):
                raise ProfileError(f"{where}: profile {name!r} must be a table ([profiles.{name}])")
            if "password" in fields:
                raise ProfileError(
                    f"{where}: profile {name!r} has a password in the file; pgsd never reads passwords "
                    "from it: remove the line and use password_source (keyring, pgpass, env or prompt)"
                )
            try:
                out[name] = Profile(name=name, **fields)
            except ValidationError as e:
                loc = e.errors()[0].get("loc", ())
                line = _line_of(text, name, str(loc[0]) if loc else None)
                raise ProfileError(f"{self.path}, line {line}: profile {name!r}: {_first_error(e)}") from None
        return dict(sorted(out.items()))

    def _write(self, profiles: dict[str, Profile]) -> None:
        doc = {"profiles": {name: p.to_toml() for name, p in sorted(profiles.items())}}
        write_private(self.path, HEADER + tomli_w.dumps(doc))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # not POSIX: atomic replace still holds, only the lock is lost
            yield
            return
        _ensure_dir(self.path.parent)
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise ProfileError(f"cannot lock profiles file {self.path}: {e.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def write_private(path: Path, text: str, *, what: str | None = None) -> None:
    """Replace ``path`` with ``text`` atomically, mode 0600; errors become ProfileError naming ``what``."""
    _ensure_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                os.fchmod(f.fileno(), 0o600)
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            _unlink_quietly(tmp)
            raise
        try:
            os.replace(tmp, path)
        except BaseException:
            _unlink_quietly(tmp)
            raise
    except OSError as e:
        raise ProfileError(f"cannot write {what or f'profiles file {path}'}: {e.strerror or e}") from None
    _fsync_dir(path.parent)


def _ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise ProfileError(f"cannot create config directory {path}: {e.strerror}") from None


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable (POSIX); best effort elsewhere."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _decode_error(e: tomllib.TOMLDecodeError) -> str:
    """'line 3, column 5: Expected ...' whether or not this Python gives lineno (3.14+)."""
    lineno = getattr(e, "lineno", None)
    msg = getattr(e, "msg", None) or str(e)
    if lineno is None:
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            msg = msg[: m.start()].rstrip()
            return f"line {m.group(1)}, column {m.group(2)}: {msg}"
        return msg
    msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
    return f"line {lineno}, column {getattr(e, 'colno', '?')}: {msg}"


def _line_of(text: str, name: str, key: str | None = None) -> int | str:
    """The line of ``[profiles.NAME]`` (or of ``key =`` inside it), for error messages."""
    quoted = re.escape(name)
    header = re.compile(
        rf"^[ \t]*(\[[ \t]*profiles[ \t]*\.[ \t]*(\"{quoted}\"|'{quoted}'|{quoted})[ \t]*\]|(\"{quoted}\"|{quoted})[ \t]*=)",
        re.MULTILINE,
    )
    m = header.search(text)
    if not m:
        return "?"
    start = m.start()
    if key:
        k = re.compile(rf"^[ \t]*(\"{re.escape(key)}\"|{re.escape(key)})[ \t]*=", re.MULTILINE).search(text, m.end())
        nxt = re.compile(r"^[ \t]*\[", re.MULTILINE).search(text, m.end())
        if k and (nxt is None or k.start() < nxt.start()):
            start = k.start()
    return text.count("\n", 0, start) + 1


def _first_error(e: ValidationError) -> str:
    first = e.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()))
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg
