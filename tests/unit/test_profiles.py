"""The profiles file and its secrets: round trip, atomic 0600 writes, clear errors, keyring only.

Passwords go through a dict-backed keyring backend registered with keyring's own API
(``keyring.set_keyring``), never the real OS keyring; the suite's autouse fixture points
PGSD_CONFIG_DIR at a temp dir and selects keyring's ``fail`` backend.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from pgsd.cli.main import main
from pgsd.errors import InvalidConnectionString, ProfileError, SecretStoreUnavailable
from pgsd.profiles import secrets
from pgsd.profiles.resolve import spec_for_profile
from pgsd.profiles.store import Profile, ProfileStore, profiles_path


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring backend: a dict keyed by (service, user)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


class ForgetfulKeyring(MemoryKeyring):
    """Accepts passwords and keeps none (like a locked or misconfigured store)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "cfg" / "profiles.toml")


def full_profile(name: str = "prod") -> Profile:
    return Profile(
        name=name, label="Production", colour="#ff0000", host="db1.example", port=6543, dbname="shop",
        user="app", sslmode="verify-full", sslrootcert="/etc/ca.pem", connect_timeout=3,
        options={"target_session_attrs": "read-write"}, password_source="pgpass", server_version="16.2",
    )


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- the file


def test_round_trip(store: ProfileStore):
    prod = full_profile()
    dev = Profile(name="dev-1", host="localhost", dbname="shop_dev")
    store.add(prod)
    store.add(dev)
    again = ProfileStore(store.path).load()
    assert list(again) == ["dev-1", "prod"]
    assert again["prod"] == prod and again["dev-1"] == dev
    spec = again["prod"].spec("pw")
    assert (spec.host, spec.port, spec.dbname, spec.user, spec.sslmode) == ("db1.example", 6543, "shop", "app", "verify-full")
    assert spec.options == {"target_session_attrs": "read-write"}
    assert spec.password.get_secret_value() == "pw"
    assert "pw" not in spec.describe()


def test_default_location_honours_pgsd_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PGSD_CONFIG_DIR", str(tmp_path / "here"))
    assert profiles_path() == tmp_path / "here" / "profiles.toml"
    ProfileStore().add(Profile(name="x", host="h"))
    assert (tmp_path / "here" / "profiles.toml").exists()


def test_file_mode_is_0600_even_after_a_loose_chmod(store: ProfileStore):
    store.add(full_profile())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    os.chmod(store.path, 0o644)
    store.update("prod", label="P")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_failed_write_leaves_the_old_file_and_no_temp_file(store: ProfileStore, monkeypatch: pytest.MonkeyPatch):
    store.add(full_profile())
    before = store.path.read_bytes()

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    for name in ("fsync", "replace"):
        with monkeypatch.context() as m:
            m.setattr(os, name, no_space)
            with pytest.raises(ProfileError, match="No space left on device"):
                store.update("prod", label="changed")
        assert store.path.read_bytes() == before
        assert leftovers(store.path.parent) == []


def test_interrupted_write_leaves_no_temp_file(store: ProfileStore, monkeypatch: pytest.MonkeyPatch):
    store.add(full_profile())
    before = store.path.read_bytes()

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        store.update("prod", label="changed")
    assert store.path.read_bytes() == before
    assert leftovers(store.path.parent) == []


def test_corrupt_file_names_file_and_line_and_is_never_overwritten(store: ProfileStore):
    store.path.parent.mkdir(parents=True)
    broken = '[profiles.prod]\nhost = "db1"\nport = 5432 oops\n'
    store.path.write_text(broken)
    with pytest.raises(ProfileError) as err:
        store.load()
    message = str(err.value)
    assert str(store.path) in message and "line 3" in message
    assert "\n" not in message
    for edit in (lambda: store.add(Profile(name="other", host="h")), lambda: store.remove("prod"),
                 lambda: store.record_server_version("prod", "16.1")):
        with pytest.raises(ProfileError):
            edit()
        assert store.path.read_text() == broken


def test_invalid_value_names_the_profile_line(store: ProfileStore):
    store.path.parent.mkdir(parents=True)
    store.path.write_text('[profiles.ok]\nhost = "a"\n\n[profiles.bad]\nport = "not a port"\n')
    with pytest.raises(ProfileError, match=r"line 5: profile .bad.: port"):
        store.load()
    store.path.write_text('[profiles.typo]\npasword_source = "env"\n')
    with pytest.raises(ProfileError, match="pasword_source"):
        store.load()


def test_a_password_in_the_file_is_refused(store: ProfileStore):
    store.path.parent.mkdir(parents=True)
    store.path.write_text('[profiles.p]\nhost = "a"\npassword = "hunter2"\n')
    with pytest.raises(ProfileError) as err:
        store.load()
    assert "hunter2" not in str(err.value) and "password_source" in str(err.value)


def test_add_remove_update_and_server_version(store: ProfileStore):
    store.add(Profile(name="a", host="h"))
    with pytest.raises(ProfileError, match="exists"):
        store.add(Profile(name="a", host="other"))
    store.record_server_version("a", "17.2")
    assert store.get("a").server_version == "17.2"
    assert store.update("a", port=5433).port == 5433
    with pytest.raises(ProfileError, match=r"no profile named b \(pgsd profiles list\)"):
        store.get("b")
    store.remove("a")
    assert store.load() == {}


@pytest.mark.parametrize("name", ["has.dot", "x.json", "a=b", "", "-lead", "sp ace", "postgresql://h/db"])
def test_names_that_could_be_mistaken_for_something_else_are_refused(name: str):
    with pytest.raises(ValueError):
        Profile(name=name)


# --------------------------------------------------------------------------- secrets


def test_password_goes_to_the_keyring_not_the_file(memory_keyring: MemoryKeyring, capsys):
    rc = main(["profiles", "add", "prod", "postgresql://app:s3cret-pw@db1:5432/shop", "--label", "Prod"])
    assert rc == 0, capsys.readouterr().err
    text = profiles_path().read_text()
    assert "s3cret-pw" not in text and "password" not in text.replace("password_source", "")
    assert memory_keyring.entries == {("pgsd", "prod"): "s3cret-pw"}
    spec = spec_for_profile("prod")
    assert spec.password.get_secret_value() == "s3cret-pw"
    assert "s3cret" not in capsys.readouterr().err

    assert main(["profiles", "remove", "prod"]) == 0
    assert memory_keyring.entries == {}


def test_add_prompts_on_a_terminal(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "typed-pw")
    assert main(["profiles", "add", "p", "--host", "db", "--user", "u"]) == 0
    assert memory_keyring.entries[("pgsd", "p")] == "typed-pw"
    assert "typed-pw" not in profiles_path().read_text()


def test_password_stdin_for_scripts(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("from-stdin\n"))
    assert main(["profiles", "add", "p", "host=db user=u", "--password-stdin"]) == 0
    assert memory_keyring.entries[("pgsd", "p")] == "from-stdin"


def test_switching_away_from_the_keyring_deletes_the_secret(memory_keyring: MemoryKeyring):
    assert main(["profiles", "add", "p", "postgresql://u:pw@db/x"]) == 0
    assert main(["profiles", "edit", "p", "--password-source", "pgpass"]) == 0
    assert memory_keyring.entries == {}
    assert spec_for_profile("p").password is None


def test_no_backend_message_lists_alternatives_and_writes_nothing(no_keyring, capsys):
    rc = main(["profiles", "add", "prod", "postgresql://app:pw@db1/shop"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    for hint in ("keyring", "~/.pgpass", "PGPASSWORD", "prompt"):
        assert hint in err
    assert not profiles_path().exists()
    with pytest.raises(SecretStoreUnavailable):
        secrets.set_password("prod", "pw")


def test_null_and_forgetful_backends_count_as_no_keyring():
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(keyring.backends.null.Keyring())
        with pytest.raises(SecretStoreUnavailable, match="disabled"):
            secrets.set_password("p", "pw")
        keyring.set_keyring(ForgetfulKeyring())
        with pytest.raises(SecretStoreUnavailable, match="did not keep"):
            secrets.set_password("p", "pw")
    finally:
        keyring.set_keyring(previous)


def test_other_password_sources_take_no_password(memory_keyring: MemoryKeyring, capsys):
    assert main(["profiles", "add", "p", "postgresql://u:pw@db/x", "--password-source", "env"]) == 2
    assert "stores none" in capsys.readouterr().err
    assert not profiles_path().exists() and memory_keyring.entries == {}


# --------------------------------------------------------------------------- resolve


def test_resolve_per_password_source(memory_keyring: MemoryKeyring):
    store = ProfileStore()
    store.add(Profile(name="kr", host="h", user="u"))
    memory_keyring.entries[("pgsd", "kr")] = "from-keyring"
    store.add(Profile(name="pp", host="h", password_source="pgpass"))
    store.add(Profile(name="ev", host="h", password_source="env"))
    store.add(Profile(name="ask", host="h", password_source="prompt"))
    assert spec_for_profile("kr").password.get_secret_value() == "from-keyring"
    assert spec_for_profile("pp").password is None
    assert spec_for_profile("ev").password is None
    with pytest.raises(ProfileError, match="not a terminal"):
        spec_for_profile("ask")  # pytest's stdin is not a terminal
    assert spec_for_profile("ask", ask_password=lambda p: "given").password.get_secret_value() == "given"
    with pytest.raises(ProfileError, match=r"no profile named nope \(pgsd profiles list\)"):
        spec_for_profile("nope")
    with pytest.raises(InvalidConnectionString, match="not a postgresql:// URI"):
        spec_for_profile("postgresq://typo")


def test_keyring_profile_without_a_keyring_says_what_to_do(no_keyring):
    ProfileStore().add(Profile(name="kr", host="h"))
    with pytest.raises(SecretStoreUnavailable, match="pgsd profiles edit kr --password-source pgpass"):
        spec_for_profile("kr")
