"""write_atomic: put a whole file in place or nothing, never a half-written migration.

The text goes to a temp file in the destination's directory (same file system, so the
rename is atomic), is flushed and fsynced, and only then renamed over the destination.
A full disk, a permission error or Ctrl-C at any point leaves the previous file (if
any) untouched and removes the temp file (and should a second signal interrupt that
removal, the process removes it as it exits). Without ``force`` an existing file is never
replaced: the rename is then a hard link, which fails atomically if the name was
taken in the meantime.
"""

from __future__ import annotations

import atexit
import errno
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from pgsd.errors import ExportFailed

_temp_files: set[Path] = set()
"""Temp files being written now; whatever is left of them goes when the process exits."""


@atexit.register
def _remove_temp_files() -> None:
    for tmp in list(_temp_files):
        _unlink_quietly(tmp)


def check_writable(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Fail early (before any slow work) when ``write_atomic`` would certainly refuse."""
    dest = _destination(path)
    if dest.is_dir():
        raise ExportFailed(f"{path} is a directory")
    if dest.exists() and not force:
        raise ExportFailed(f"{path} exists, use --force to replace it")
    if not dest.parent.is_dir():
        raise ExportFailed(f"cannot write {path}: directory {dest.parent} does not exist")
    return dest


def write_atomic(path: str | os.PathLike[str], text: str | Iterable[str], *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically; return the path written.

    ``text`` may come in pieces (a snapshot's JSON is written as it is serialised);
    either way the file appears complete or not at all.
    """
    dest = _destination(path)
    if dest.is_dir():
        raise ExportFailed(f"{path} is a directory")
    if dest.exists() and not force:
        raise ExportFailed(f"{path} exists, use --force to replace it")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            mode = dest.stat().st_mode & 0o7777
        except OSError:
            mode = None  # a new file: the umask decides, as for any file the user creates
        _temp_files.add(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                if mode is not None:
                    os.fchmod(f.fileno(), mode)
                if isinstance(text, str):
                    f.write(text)
                else:
                    for piece in text:
                        f.write(piece)
                f.flush()
                os.fsync(f.fileno())
            _move_into_place(tmp, dest, force=force)
        except BaseException:
            # OSError, KeyboardInterrupt, a stop signal, anything: the temp file never survives.
            _unlink_quietly(tmp)
            _temp_files.discard(tmp)
            raise
        _temp_files.discard(tmp)
    except ExportFailed:
        raise
    except OSError as e:
        raise ExportFailed(f"cannot write {path}: {_reason(e)}") from None
    _fsync_dir(dest.parent)
    return dest


def _move_into_place(tmp: Path, dest: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, dest)
        return
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise ExportFailed(f"{dest} exists, use --force to replace it") from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        # File systems without hard links: check, then rename (a small race remains).
        if dest.exists():
            raise ExportFailed(f"{dest} exists, use --force to replace it") from None
        os.replace(tmp, dest)
        return
    os.unlink(tmp)


def _destination(path: str | os.PathLike[str]) -> Path:
    # Follow a symlink so the file it points to is replaced, not the link itself.
    return Path(os.path.realpath(os.fspath(path)))


def _reason(e: OSError) -> str:
    return e.strerror.lower() if e.strerror else str(e)


def _fsync_dir(path: Path) -> None:
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
