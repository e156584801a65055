"""A throwaway cluster's data directory, copied from the one initdb made the first time.

Every SQL side and every ``--verify`` on pgsd's default place starts a throwaway cluster
(``workflow.scratch``), and initdb is most of that start: it runs the bootstrap backend,
builds template1, template0 and postgres, and loads the system views and the
information schema. Measured on 2026-12-04 with the embedded PostgreSQL 18 on tmpfs
(``--no-sync``), three runs each: initdb took 0.63-0.86 s, and a copy of its result (997
files, 39 MB) with ``cp -a`` 0.08-0.12 s (``shutil.copytree``: 0.15-0.28 s). So the
first cluster of a given set of binaries keeps a copy of its freshly made data directory
in pgsd's cache directory (``~/.cache/pgsd/initdb`` on Linux), taken before the server
ever starts, and later clusters start from a copy of that.

The copy is keyed by what would make it wrong: the binaries (their directory, and the size
and modification time of their ``postgres``), the user they run as, and initdb's options.
It is written under a temporary name and renamed into place, so a directory in the cache
is whole; one that is not a data directory is not used, and one from which the server does
not start is forgotten (``forget``) and made again by initdb. Deleting the cache directory
is always safe.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

INITDB_OPTIONS = ("-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions")
"""initdb's options for a throwaway cluster (part of the template's key)."""

TEMPLATE_FORMAT = "1"
"""Changed when what a template holds changes, so older ones are no longer used."""

COPY_TIMEOUT = 60


def fresh_data_dir(bindir: Path, data: Path, run_as: Sequence[str], initdb: Callable[[], None]) -> Path | None:
    """Make the data directory ``data`` (which must not exist) for ``bindir``'s binaries run as ``run_as``.

    A copy of the kept template when there is one, and then its path is returned (so that a
    server that does not start from it can ``forget`` it); else ``initdb()``, whose result
    is kept as the template (best effort: a cache that cannot be written only costs the
    speed), and None.
    """
    template = template_dir(bindir, run_as)
    if template is not None and _is_data_dir(template):
        if _copy(template, data):
            return template
        shutil.rmtree(data, ignore_errors=True)
    elif template is not None and (template.exists() or template.is_symlink()):
        forget(template)  # not a data directory: made again below
    initdb()
    if template is not None:
        _keep(data, template)
    return None


def template_dir(bindir: Path, run_as: Sequence[str]) -> Path | None:
    """Where the template for these binaries and this user is kept (None: the binaries cannot be read)."""
    try:
        binary = (bindir / "postgres").resolve().stat()
        resolved = bindir.resolve()
    except OSError:
        return None
    user = run_as[2] if len(run_as) > 2 else str(os.getuid() if hasattr(os, "getuid") else "")
    key = "\0".join((TEMPLATE_FORMAT, str(resolved), str(binary.st_size), str(binary.st_mtime_ns), user,
                     *INITDB_OPTIONS))
    return cache_root() / hashlib.sha256(key.encode()).hexdigest()[:24]


def cache_root() -> Path:
    import platformdirs  # (imported when a cluster starts, not with pgsd)

    return Path(platformdirs.user_cache_dir("pgsd")) / "initdb"


def forget(template: Path) -> None:
    """Remove a template the server did not start from (the next cluster runs initdb again)."""
    try:
        if template.is_dir() and not template.is_symlink():
            shutil.rmtree(template, ignore_errors=True)
        else:
            template.unlink(missing_ok=True)
    except OSError:
        pass


def _is_data_dir(path: Path) -> bool:
    try:
        return (not path.is_symlink() and path.is_dir() and (path / "PG_VERSION").is_file()
                and (path / "global" / "pg_control").is_file())
    except OSError:
        return False


def _copy(source: Path, destination: Path) -> bool:
    """``cp -a``: owners and modes as they are (a cluster run as another user keeps its files its own)."""
    try:
        done = subprocess.run(["cp", "-a", "--", str(source), str(destination)], capture_output=True,
                              timeout=COPY_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _keep(data: Path, template: Path) -> None:
    """A copy of the just-made ``data`` as ``template``, whole or not at all (another process may be
    keeping the same one at the same moment: the first rename wins, the other copy is dropped)."""
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{template.name}.", dir=template.parent))
    except OSError:
        return
    try:
        if _copy(data, staging / "data"):
            os.rename(staging / "data", template)
    except OSError:
        pass  # kept by another process, or the cache is not writable
    finally:
        shutil.rmtree(staging, ignore_errors=True)
