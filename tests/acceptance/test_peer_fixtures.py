"""Acceptance: every case of the peer corpus goes plan -> apply -> re-introspect -> re-diff.

In pgsd's words ``a.sql`` builds the target (the database to change) and ``b.sql`` the
source (the desired state). A case passes when, after applying the plan to the target,
a fresh introspection of the target has no difference from the source within the case's
scope, and planning again gives an empty plan. Cases are never special-cased by name:
their scope (schema filter, privileges, extension versions) comes from the corpus README
table, encoded below as data.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from pgsd.ddl.context import PlanOptions
from pgsd.diff.changes import DiffOptions
from pgsd.model.snapshot import Filters
from tests.acceptance.roundtrip import converge

CORPUS = Path(
    os.environ.get("PGSD_PEER_FIXTURES")
    or Path(__file__).resolve().parents[2].parent / "shared" / "peer-fixtures"
) / "migra"
"""The corpus sits beside the repository in this project's CI layout (``../shared``);
``PGSD_PEER_FIXTURES`` points elsewhere (a git worktree, another checkout)."""
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Scope per case, from the corpus README ("Flags for every case").
NO_PRIVILEGES = {"singleschema", "excludeschema", "singleschema_ext", "extversions"}
COMPARE_EXTENSION_VERSIONS = {"extversions"}
FILTERS = {
    "singleschema": Filters(include_schemas=("goodschema",)),
    "excludeschema": Filters(exclude_schemas=("excludedschema",)),
}
ROLES = ("postgres", "schemainspect_test_role")


def _cases() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _read(case: str, name: str) -> str:
    path = CORPUS / case / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_corpus_is_present():
    """Required in CI; outside this repository's CI layout the corpus tests skip, saying why."""
    if not _cases():
        if IN_CI:
            pytest.fail(f"peer corpus not found at {CORPUS} (CI=true requires it)")
        pytest.skip(f"peer corpus not found at {CORPUS}: outside pgsd's CI layout (../shared) "
                    "the peer-corpus cases are not run; set PGSD_PEER_FIXTURES to its path to run them")


def _ensure_roles(pg_server) -> None:
    for role in ROLES:
        pg_server.execute(
            pg_server.admin_dsn,
            f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        )


@pytest.mark.parametrize("case", _cases())
def test_peer_case(case, pg_server, new_db):
    _ensure_roles(pg_server)
    target_dsn, source_dsn = new_db(), new_db()
    a, b, additions = _read(case, "a.sql"), _read(case, "b.sql"), _read(case, "additions.sql")
    try:
        for dsn, text in ((target_dsn, a), (source_dsn, b), (target_dsn, additions)):
            if text.strip():
                pg_server.execute(dsn, text)
    except psycopg.errors.FeatureNotSupported as e:
        pytest.skip(f"this server cannot load the case: {str(e).strip()}")

    filters = FILTERS.get(case, Filters())
    diff_options = DiffOptions(
        privileges=case not in NO_PRIVILEGES,
        extension_versions=case in COMPARE_EXTENSION_VERSIONS,
    )
    plan_options = PlanOptions(extension_versions=case in COMPARE_EXTENSION_VERSIONS)

    converge(source_dsn, target_dsn, filters=filters, diff_options=diff_options, plan_options=plan_options)
