"""Profile passwords in the OS keyring: service ``pgsd``, one entry per profile name.

keyring picks a backend at run time; on a headless server there is often none (its
``fail.Keyring``), or one that silently drops passwords (an empty chainer, ``null``),
or one that writes them in plain text (keyrings.alt's ``PlaintextKeyring``). All of
these count as "no keyring": storing a password then fails with SecretStoreUnavailable,
which names the alternatives, and nothing is ever written in plain text. keyring is
imported lazily so commands that never touch a profile do not pay for its backend scan.
"""

from __future__ import annotations

import contextlib
from typing import Any

from pgsd.errors import ProfileError, SecretStoreUnavailable

SERVICE = "pgsd"

# Backends that store nothing, or store it readably on disk.
_UNUSABLE = {
    "keyring.backends.fail.Keyring": "no keyring backend is installed or running",
    "keyring.backends.null.Keyring": "the keyring backend is disabled (null)",
    "keyrings.alt.file.PlaintextKeyring": "the keyring backend stores passwords in plain text",
}


def alternatives(profile: str, *, existing: bool = True) -> str:
    text = (
        "use ~/.pgpass (--password-source pgpass), PGPASSWORD (--password-source env) "
        "or ask each time (--password-source prompt)"
    )
    return text + (f", e.g. pgsd profiles edit {profile} --password-source pgpass" if existing else "")


def _keyring() -> Any:
    import keyring  # noqa: PLC0415 - lazy: its backend discovery is slow and often unneeded
    import keyring.errors  # noqa: PLC0415

    return keyring


def backend_problem() -> str | None:
    """Why the current keyring backend cannot hold a password, or None when it can."""
    try:
        kr = _keyring().get_keyring()
    except Exception as e:  # noqa: BLE001 - a broken backend is just "no keyring"
        return f"the keyring could not be loaded ({type(e).__name__})"
    cls = type(kr)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if name in _UNUSABLE:
        return _UNUSABLE[name]
    if cls.__qualname__ == "ChainerBackend" and not list(getattr(kr, "backends", ())):
        return "no keyring backend is installed or running"
    return None


def is_available() -> bool:
    return backend_problem() is None


def unavailable(profile: str, why: str, *, existing: bool = True) -> SecretStoreUnavailable:
    return SecretStoreUnavailable(
        f"cannot use the keyring for profile {profile}: {why}; {alternatives(profile, existing=existing)}"
    )


def require_backend(profile: str, *, existing: bool = True) -> None:
    """Raise SecretStoreUnavailable (naming the alternatives) when there is no usable keyring."""
    why = backend_problem()
    if why is not None:
        raise unavailable(profile, why, existing=existing)


# ------------------------------------------------------------------ the rules every front end follows
# (`pgsd profiles add/edit` and the app's profile form call these; neither has its own copy)


def refuse_unkept_password(source: str, *, instead: str) -> None:
    """A password was given for a profile: only the keyring keeps one, so refuse it for any other source.

    ``instead`` says what the user can do (a CLI option, or the form's field).
    """
    if source != "keyring":
        raise ProfileError(
            f"a password was given but password_source={source} stores none (pgsd never writes "
            f"passwords to the profiles file); {instead}"
        )


def require_keyring_for(profile: str, source: str, *, previous: str | None, new_password: bool) -> None:
    """Refuse a keyring profile that could never get its password: no usable keyring here.

    Checked when the profile starts using the keyring (``previous`` is None for a new
    profile, else its old source) or a new password is to be stored in it.
    """
    if source == "keyring" and (previous != "keyring" or new_password):
        require_backend(profile, existing=previous is not None)


def save_with_password(store: Any, profile: Any, password: str | None, *, replace: bool) -> None:
    """Keyring first, then the profiles file; undo the keyring write if the file write fails."""
    if password is None:
        store.add(profile, replace=replace)
        return
    set_password(profile.name, password, existing=replace)
    try:
        store.add(profile, replace=replace)
    except BaseException:
        if not replace:
            with contextlib.suppress(ProfileError):
                delete_password(profile.name)
        raise


def set_password(profile: str, password: str, *, existing: bool = True) -> None:
    """Store ``password`` for ``profile``; raise SecretStoreUnavailable when there is no keyring."""
    require_backend(profile, existing=existing)
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, profile, password)
        stored = keyring.get_password(SERVICE, profile)
    except keyring.errors.KeyringError as e:
        raise unavailable(profile, _reason(e), existing=existing) from None
    if stored != password:
        # A backend that accepts and forgets (locked, read-only, misconfigured).
        raise unavailable(profile, "the keyring did not keep the password", existing=existing)


def get_password(profile: str) -> str | None:
    """The stored password, or None when none is stored; SecretStoreUnavailable without a keyring."""
    why = backend_problem()
    if why is not None:
        raise unavailable(profile, why)
    keyring = _keyring()
    try:
        return keyring.get_password(SERVICE, profile)
    except keyring.errors.KeyringError as e:
        raise unavailable(profile, _reason(e)) from None


def delete_password(profile: str) -> bool:
    """Forget the password of ``profile``; True when there was one. No keyring: nothing to delete."""
    if backend_problem() is not None:
        return False
    keyring = _keyring()
    try:
        if keyring.get_password(SERVICE, profile) is None:
            return False
        keyring.delete_password(SERVICE, profile)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as e:
        raise ProfileError(f"cannot delete the keyring entry of profile {profile}: {_reason(e)}") from None
    return True


def _reason(e: BaseException) -> str:
    # keyring messages name the backend, never the secret; keep the first line only.
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
