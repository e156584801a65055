"""The target's schema built in a scratch database, as fast as it stays a proof: what ``--verify`` spends most on.

``--verify`` builds a copy of the target's schema with pgsd's own plan from the empty
scratch database to the target snapshot, reads it back (what pgsd cannot reproduce is
listed, not hidden), runs the user's plan, and reads the result. Every performance trick
of that path lives here, with what it was measured to save; none of them changes what is
built, read or compared. *What* the copy holds (the part of the target the plan reaches,
or all of it) is decided in ``workflow.verify_scope``; the figures below are of the whole
target, as ``--verify-whole`` builds it.

Measured at 2,000 tables (the generated pair of ``bench/gen_schema.py``: 23,507 build
statements), PostgreSQL 18 on the shared 2-core development machine, 2026-12-02; server
CPU is the backends' own (``/proc``), so it moves less with the machine's load than wall
time does:

* **one transaction, one round trip** (``ApplySession.run(batched=True)``, kept from
  before): 9.4 s of server CPU. Transactions of 1,000 statements cost 10.9 s, of 200
  statements 15.7 s; cost grows linearly with the count, so there is nothing to gain
  from chunking. ``SET LOCAL synchronous_commit = off`` is sent with the batch (the one
  commit does not wait for the WAL flush; not measured apart, it is one commit). What
  the server spends is the DDL itself: per statement, CREATE TABLE about 2.5 ms,
  CREATE INDEX and ADD PRIMARY KEY 1 ms, a foreign key 0.7 ms, COMMENT and GRANT
  0.1-0.2 ms (timed one by one under load; the proportions are what matters).
* **the catalogs analysed after the build** (``analyze_catalogs``): a database made from
  ``template0`` carries template0's catalog statistics (a few hundred rows in
  ``pg_class``), so after thousands of relations the catalog queries of the two reads
  that follow are planned for tiny tables. ``ANALYZE`` of the database's own catalogs
  costs 0.43-0.59 s at the default statistics target (0.13 s at the target of 10 used
  now, ``CATALOG_STATISTICS_TARGET``) and brings a read of the copy from 1.46 s to 0.78 s of
  server CPU (wall 2.3 s to 1.55 s); the original target, analysed by the bench, reads
  with 0.95 s. Two reads follow the build, so it pays for itself about three times. The
  scratch database is the caller's own (created by it), so the database owner may
  analyse its catalogs; where it may not, the reads are only slower.
* **throwaway clusters on tmpfs** (``fast_temp_dir``): when pgsd starts the scratch
  cluster itself (local binaries), its data directory goes to ``/dev/shm`` when that is a
  writable tmpfs with room. The same build in a tablespace on tmpfs took 7.2 s of server
  CPU instead of 9.4 s (file creation for 2,000 tables, their indexes and TOAST tables).
  Autovacuum is off there too: it would wake up on the catalogs right after the build and
  compete with the reads. A ``--scratch`` server is used as it is.

* **transactions sized to the server's lock table** (``batch_statements``): one
  transaction holds a lock on every relation it creates until it commits (about 22,000
  at 2,000 tables: tables, their TOAST tables and indexes, indexes, sequences), and the
  server's shared lock table holds ``max_locks_per_transaction`` x (``max_connections``
  + ``max_prepared_transactions``) in all: 6,400 with the defaults. One transaction failed
  there with "out of shared memory" (found on the embedded server at 2,000 tables). The
  build is run in consecutive transactions of at most as many statements as would fill
  half of it at four new locks each (a build statement takes one on average and rarely
  more than four; a partitioned parent's index takes one per partition, so a
  transaction that still runs out is split in halves and run again). A throwaway
  cluster pgsd starts gets 4096 locks per connection: 10,240 statements a transaction.

Tried and not kept: building on two connections (each table's statements, with its
comments, grants, keys and indexes, on one of two transactions committed together): on
a quiet machine the build took 5.6-6.0 s on two connections against 5.1-7.8 s on one
(2,000 tables, tmpfs, alternating): two backends creating relations wait on each other
for the same catalog pages and indexes. Cloning the built database (``CREATE DATABASE ... TEMPLATE``, to read
the copy while the plan runs on the clone) costs 2.8-3.2 s of server CPU with either
strategy, more than the read it would overlap.

Server settings and statement shapes, measured on 2026-12-03 (the 23,507-statement
build on a throwaway cluster of the embedded binaries, tmpfs, quiet machine,
alternating): ``wal_level=minimal`` made it slower (7.7 s of
server CPU against 6.1-6.8 s: new relations are WAL-logged whole or synced at commit),
also with larger ``shared_buffers``, ``wal_buffers`` and ``max_wal_size`` (7.2-7.3 s);
``max_parallel_maintenance_workers=0`` (no parallel-build planning per index) changed
nothing (median 7.3 s against 6.9 s over 7 rounds each); and primary key, unique and
check constraints written inside ``CREATE TABLE`` instead of ``ALTER TABLE ... ADD
CONSTRAINT`` were no cheaper (1,000 tables: 1.34-1.42 s against 1.17-1.31 s).

Not done, on purpose: skipping the read of the built copy. The copy equals the target
only when pgsd reproduces it exactly, and an object the plan rewrites could hide a
difference there; that read is what makes the verdict say which objects are not
reproduced, so it stays.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psycopg

from pgsd.connect import ConnectionSpec

TMPFS = Path("/dev/shm")
TMPFS_MIN_FREE = 2 * 1024**3
"""A throwaway cluster's data directory goes to tmpfs only with this much room (2,000 tables take ~60 MB;
10,000 tables and --verify-rows far more)."""

BATCH_PREFIX = "SET LOCAL synchronous_commit = off;\n"
"""Sent before a batched transaction's statements (see the module's docstring)."""

THROWAWAY_CLUSTER_SETTINGS = ("-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
                              "-c autovacuum=off -c max_connections=20 -c max_prepared_transactions=0 "
                              "-c max_wal_senders=0 -c max_locks_per_transaction=4096")
"""``postgres -o`` settings of a throwaway cluster pgsd starts: nothing in it must survive a crash;
few connections (pgsd's own) and a large lock table (about 20 MB of shared memory): see the module's docstring."""

OUT_OF_SHARED_MEMORY = "53200"
"""SQLSTATE of a transaction that filled the server's lock table (and of other shared memory shortages)."""

LOCKS_PER_STATEMENT = 4
"""New locks one build statement takes at most (CREATE TABLE: the table, its TOAST table and index, a sequence)."""

MIN_BATCH = 100

_LOCK_TABLE = ("SELECT current_setting('max_locks_per_transaction')::int "
               "* (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int)")


def batch_statements(conn: psycopg.Connection) -> int:
    """How many build statements one transaction may run on this server without filling its lock table.

    Half the lock table (it is shared with every other session) at ``LOCKS_PER_STATEMENT``
    each; at least ``MIN_BATCH``. See the module's docstring.
    """
    try:
        row = conn.execute(_LOCK_TABLE).fetchone()
    except psycopg.Error:
        return MIN_BATCH
    capacity = int(row[0]) if row and row[0] else 0
    return max(MIN_BATCH, capacity // 2 // LOCKS_PER_STATEMENT)

_CATALOGS = (
    "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ') FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r' AND NOT c.relisshared"
)


def fast_temp_dir() -> str | None:
    """Where a throwaway cluster's data directory goes: tmpfs when there is one with room, else None (the default)."""
    try:
        if not (TMPFS.is_dir() and os.access(TMPFS, os.W_OK | os.X_OK)):
            return None
        if shutil.disk_usage(TMPFS).free < TMPFS_MIN_FREE:
            return None
    except OSError:
        return None
    return str(TMPFS)


CATALOG_STATISTICS_TARGET = 10
"""``default_statistics_target`` of ``analyze_catalogs``' session. What the catalog queries that follow
need is row counts, not histograms: at 2,000 tables the ANALYZE took 0.13 s at 10 against 0.59 s at the
default 100, and pgsd's read of the database took the same after either (0.84-1.0 s against 0.94-1.1 s,
two reads each, alternating; 2026-12-03)."""


def analyze_catalogs(spec: ConnectionSpec) -> bool:
    """ANALYZE the database's own (not shared) catalogs; False when the role may not (only speed is lost)."""
    try:
        with psycopg.connect(spec.conninfo(), autocommit=True) as conn:
            conn.execute(f"SET default_statistics_target = {CATALOG_STATISTICS_TARGET}")
            row = conn.execute(_CATALOGS).fetchone()
            if row and row[0]:
                conn.execute(f"ANALYZE {row[0]}")
    except psycopg.Error:
        return False
    return True
