"""LoadContext: what each per-kind loader gets, and the OID map that turns pg_depend into keys.

A loader is a function ``load(ctx) -> list[DbObject]``. It runs exactly one catalog query
for its kind (``ctx.fetch("tables")`` reads ``sql/tables.sql``, or the newest
``sql/tables.pgNN.sql`` with NN <= the server's major version), builds models straight
from the rows, and registers each object's OIDs with ``ctx.register`` so the
dependency loader can translate ``pg_depend`` rows into edges between identity keys.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from pgsd.catalog.oid_keys import catalog_base, oid_key  # noqa: F401 - re-exported for loaders
from pgsd.catalog.prefetch import Prefetch, rows_of
from pgsd.catalog.shared_builds import SharedBuilds
from pgsd.connect.pool import ReadSession
from pgsd.model.server import ServerInfo
from pgsd.model.snapshot import Filters

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

_SQL_DIR = files("pgsd.catalog") / "sql"
_VERSIONED = re.compile(r"^(?P<name>[a-z_]+)\.pg(?P<major>\d+)\.sql$")


@cache
def _sql_files() -> dict[str, list[tuple[int, str]]]:
    """name -> [(min major, file name)], base file as major 0."""
    out: dict[str, list[tuple[int, str]]] = {}
    for entry in _SQL_DIR.iterdir():
        fname = entry.name
        if not fname.endswith(".sql"):
            continue
        m = _VERSIONED.match(fname)
        if m:
            out.setdefault(m["name"], []).append((int(m["major"]), fname))
        else:
            out.setdefault(fname[:-4], []).append((0, fname))
    for variants in out.values():
        variants.sort()
    return out


@cache
def query_text(name: str, major: int) -> str:
    """The SQL of ``name`` for a server of this major version."""
    variants = _sql_files().get(name)
    if not variants:
        raise KeyError(f"no catalog query named {name}")
    chosen = [fname for min_major, fname in variants if min_major <= major]
    if not chosen:
        raise KeyError(f"no catalog query {name} for PostgreSQL {major}")
    return (_SQL_DIR / chosen[-1]).read_text(encoding="utf-8")


def query_for(name: str, server: ServerInfo) -> str:
    """The SQL of ``name`` for this server and role.

    pg_subscription keeps connection strings, so PostgreSQL lets only superusers read
    its ``subconninfo`` (and, on older versions, not every other column either): each
    column the role may not read (``ServerInfo.unreadable_subscription_columns``) is
    read as NULL instead, and the subscription loader says what it could not read.
    """
    text = query_text(name, server.major)
    if name == "subscriptions":
        for column in server.unreadable_subscription_columns:
            text = re.sub(rf"\bs\.{re.escape(column)}\b", "NULL", text)
    return text


@dataclass
class LoadContext:
    session: ReadSession
    server: ServerInfo
    filters: Filters = field(default_factory=Filters)
    oids: dict[int, str] = field(default_factory=dict)
    """``oid_key(catalog, oid, sub-id)`` -> key; catalog is e.g. ``pg_class``, sub-id a column number or 0."""
    column_keys: dict[int, list[str | None]] = field(default_factory=dict)
    """Table OID -> its columns' keys by attnum (``pg_class`` sub-objects). A list per table
    instead of an ``oids`` entry per column: 10,000 tables have 170,000 columns a side,
    and an int key with its dict slot costs several times a list slot."""
    shared: dict[str, Any] = field(default_factory=dict)
    """Scratch space loaders share (e.g. table names by OID)."""
    warnings: list[str] = field(default_factory=list)
    prefetch: Prefetch | None = None
    """When set, queries come from this reader thread instead of the session (see prefetch)."""
    shared_builds: SharedBuilds | None = None
    """Shared with the other side read at the same time, if any (see shared_builds)."""

    @property
    def major(self) -> int:
        return self.server.version_num // 10000

    def params(self) -> dict[str, Any]:
        """Bound parameters every query may use: schema filters as text arrays."""
        return {
            "include_schemas": list(self.filters.include_schemas),
            "exclude_schemas": list(self.filters.exclude_schemas),
        }

    def fetch(self, name: str) -> list[dict[str, Any]]:
        """Run the catalog query ``name`` (one per kind) with the schema-filter parameters.

        Rows come as dicts: for the kinds with few objects, readability wins. The kinds
        with one row per column, constraint, index or dependency use ``rows``.
        """
        if self.prefetch is not None:
            names, rows = self.prefetch.names_and_rows(name)
            return [dict(zip(names, row, strict=True)) for row in rows]
        return self.session.fetch_dicts(query_for(name, self.server), self.params(), step=name)

    def rows(self, name: str, columns: tuple[str, ...]) -> Iterator[tuple]:
        """Stream the rows of catalog query ``name`` as tuples in the order of ``columns``.

        For the big kinds: tuples unpack several times faster than dicts are built, and
        reading by chunks (``ReadSession.chunks``) keeps only a chunk of rows in memory.
        ``columns`` must be the query's output names in order (checked on the first row).
        """
        if self.prefetch is not None:
            return self.prefetch.rows(name, columns)
        return rows_of(self.session.chunks(query_for(name, self.server), self.params(), step=name), name, columns)

    def register(self, catalog: str, oid: int, key: str, sub: int = 0) -> None:
        if sub and catalog == "pg_class":
            self.register_column(oid, sub, key)
        else:
            self.oids[oid_key(catalog, oid, sub)] = key

    def register_column(self, relid: int, attnum: int, key: str) -> None:
        keys = self.column_keys.get(relid)
        if keys is None:
            keys = self.column_keys[relid] = []
        if len(keys) <= attnum:
            keys.extend([None] * (attnum + 1 - len(keys)))
        keys[attnum] = key

    def key_of(self, catalog: str, oid: int, sub: int = 0) -> str | None:
        """The key registered for (catalog, OID, sub-id). A sub-object not registered on
        its own (a view's column) reads as its relation, as the dependency loader reads it."""
        key = None
        if sub and catalog == "pg_class":
            keys = self.column_keys.get(oid)
            if keys is not None and sub < len(keys):
                key = keys[sub]
        elif sub:
            key = self.oids.get(oid_key(catalog, oid, sub))
        if key is None:
            key = self.oids.get(oid_key(catalog, oid))
        return key

    # ------------------------------------------------------------ name filters

    def wanted(self, schema: str | None, name: str) -> bool:
        """Apply include/exclude object globs (matched against ``name`` and ``schema.name``)."""
        f = self.filters
        if not (f.include_objects or f.exclude_objects):
            return True
        names = [name] if schema is None else [name, f"{schema}.{name}"]
        if f.include_objects and not any(fnmatch.fnmatchcase(n, g) for g in f.include_objects for n in names):
            return False
        return not any(fnmatch.fnmatchcase(n, g) for g in f.exclude_objects for n in names)
