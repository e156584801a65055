"""Prefetch: a side's catalog queries run ahead of the loaders that turn their rows into models.

Without it, one side is a strict alternation: the server computes a query while Python
waits, then Python builds models while the server waits for the next query. A thread of
the side's own runs the queries in the order the loaders will read them
(``LOADERS``' query lists) and hands their rows over in chunks through a bounded
queue, so the server is working on what comes next while the loaders build. The
queue's bound keeps memory flat: at most ``ahead`` chunks wait at any time.

Everything stays in the side's one READ ONLY REPEATABLE READ transaction: the reading
thread is the only user of the connection until it is joined.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from itertools import chain
from typing import Any

from pgsd import errors
from pgsd.connect.pool import ReadSession

_DONE = "done"
_ROWS = "rows"
_FAILED = "failed"


def rows_of(chunks: Iterator[tuple[tuple[str, ...], list[tuple]]], name: str,
            columns: tuple[str, ...] | None) -> Iterator[tuple]:
    """The rows of (column names, rows) chunks, checked once against ``columns``.

    Loaders unpack rows by position, so a query whose column list drifted from its
    loader's must fail loudly, not fill the wrong fields. The rows are chained in C
    (``chain.from_iterable``): a generator would be resumed once per row, a few ms a side.
    """
    return chain.from_iterable(_checked_chunks(chunks, name, columns))


def _checked_chunks(chunks: Iterator[tuple[tuple[str, ...], list[tuple]]], name: str,
                    columns: tuple[str, ...] | None) -> Iterator[list[tuple]]:
    for names, rows in chunks:
        if columns is not None and rows:
            if names != columns:
                raise errors.PgsdError(f"catalog query {name} returns {names}, its loader expects {columns}")
            columns = None
        yield rows


class Prefetch:
    """Runs ``queries`` ([(name, sql, params)]) on ``session`` in a thread, chunk by chunk."""

    def __init__(self, session: ReadSession, queries: list[tuple[str, str, Any]], *,
                 chunk: int = 2000, ahead: int = 16) -> None:
        self._session = session
        self._queries = queries
        self._chunk = chunk
        self._next = 0
        self._queue: queue.Queue[tuple[str, Any, Any]] = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read_all, name="pgsd-prefetch", daemon=True)

    def start(self) -> Prefetch:
        self._thread.start()
        return self

    # ------------------------------------------------------------ reading thread

    def _put(self, item: tuple[str, Any, Any]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read_all(self) -> None:
        try:
            for name, sql, params in self._queries:
                for names, rows in self._session.chunks(sql, params, step=name, size=self._chunk):
                    if not self._put((_ROWS, names, rows)):
                        return
                if not self._put((_DONE, name, None)):
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the loaders' thread
            self._put((_FAILED, e, None))

    # ------------------------------------------------------------ loaders' side

    def _take(self, name: str) -> None:
        """Check that ``name`` is the next query the reader runs, and move past it."""
        if self._next >= len(self._queries) or self._queries[self._next][0] != name:
            expected = self._queries[self._next][0] if self._next < len(self._queries) else "nothing"
            raise errors.PgsdError(f"catalog query {name} read out of turn (expected {expected}); see LOADERS")
        self._next += 1

    def _chunks(self, name: str) -> Iterator[tuple[tuple[str, ...], list[tuple]]]:
        """(column names, rows) chunks of query ``name``, as the reader hands them over."""
        self._take(name)
        while True:
            what, first, second = self._queue.get()
            if what == _FAILED:
                raise first
            if what == _DONE:
                return
            yield first, second

    def rows(self, name: str, columns: tuple[str, ...] | None = None) -> Iterator[tuple]:
        """The rows of query ``name``, which must be the next one the loaders read."""
        return rows_of(self._chunks(name), name, columns)

    def names_and_rows(self, name: str) -> tuple[tuple[str, ...], list[tuple]]:
        """All rows of query ``name`` at once, with the column names (for the small kinds)."""
        names: tuple[str, ...] = ()
        out: list[tuple] = []
        for chunk_names, rows in self._chunks(name):
            names = chunk_names
            out.extend(rows)
        return names, out

    def close(self) -> None:
        """Wait for the reading thread to end; if the loaders stopped early, stop it first.

        A running query is cancelled (the transaction is rolled back afterwards anyway),
        so an error in one loader never waits for the rest of the catalog to arrive.
        """
        if not self._thread.is_alive():
            return
        if self._next < len(self._queries):
            self._stop.set()
            self._session.cancel()
        self._thread.join()
