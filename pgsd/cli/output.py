"""Output channels: stdout carries only the requested result, stderr everything else."""

from __future__ import annotations

import sys
from collections.abc import Iterable


def result(text: str | Iterable[str]) -> None:
    """Write the command's result (SQL, JSON, a report) to stdout, whole or in pieces."""
    last = ""
    for piece in ([text] if isinstance(text, str) else text):
        sys.stdout.write(piece)
        last = piece or last
    if last and not last.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


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
