"""Output channels: stdout carries only the requested result, stderr everything else.

A result that cannot be written whole is an error, never exit 0 or 1 with part of it
lost (a CI job would read those as "identical" or "drifted"): stdout closed or on a full
device is exit 2, and a reader that went away (``pgsd diff ... | head``) is exit 141,
what a shell reports for a process killed by SIGPIPE. Either way one line on stderr.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable

from pgsd.errors import PgsdError

EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: the reader of stdout went away before the result was written."""


class OutputFailed(PgsdError):
    """The result could not be written to stdout (exit 2, or 141 for a broken pipe)."""

    title = "Output failed"
    exit_code = 2


class OutputClosed(OutputFailed):
    exit_code = EXIT_BROKEN_PIPE


def result(text: str | Iterable[str]) -> None:
    """Write the command's result (SQL, JSON, a report) to stdout, whole or in pieces."""
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`>&-`)
        raise OutputFailed("standard output is closed: the result was not written (use -o FILE)")
    last = ""
    try:
        for piece in ([text] if isinstance(text, str) else text):
            stream.write(piece)
            last = piece or last
        if last and not last.endswith("\n"):
            stream.write("\n")
        stream.flush()
    except BrokenPipeError:
        _discard_stdout()
        raise OutputClosed(
            "standard output was closed by its reader (broken pipe): the result was not fully written"
        ) from None
    except (OSError, ValueError) as e:
        _discard_stdout()
        reason = os.strerror(e.errno).lower() if isinstance(e, OSError) and e.errno else "it is closed"
        if isinstance(e, OSError) and e.errno == errno.EBADF:
            reason = "it is closed"
        raise OutputFailed(f"cannot write the result to standard output: {reason}") from None


def _discard_stdout() -> None:
    """Point fd 1 at /dev/null, so that what is still buffered can be flushed at exit without
    a second error (Python's own "Exception ignored ... BrokenPipeError" and exit 120).

    Only when this process is the `pgsd` command (tests calling ``main()`` keep their fds).
    """
    from pgsd.cli.quick_exit import owns_process

    if not owns_process():
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, 1)
    except OSError:
        pass
    finally:
        os.close(devnull)


def warn(text: str) -> None:
    print(f"pgsd: warning: {text}", file=sys.stderr)


def error(text: str) -> None:
    print(f"pgsd: error: {text}", file=sys.stderr)


def note(text: str) -> None:
    print(text, file=sys.stderr)


class Progress:
    """A one-line progress display on a terminal; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._width = 0

    def __call__(self, side: str, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        text = f"{side}: {step} ({done}/{total})"
        pad = max(0, self._width - len(text))
        sys.stderr.write("\r" + text + " " * pad)
        sys.stderr.flush()
        self._width = len(text)

    def clear(self) -> None:
        if self.enabled and self._width:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()
            self._width = 0
