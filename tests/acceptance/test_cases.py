"""pgsd's own acceptance cases, in both directions: target.sql -> source.sql and back.

Each folder under ``cases/`` holds ``target.sql`` (the database to change) and
``source.sql`` (the desired state); the check is the same as for the peer corpus:
plan, apply, re-introspect, expect nothing left, plan again and expect nothing.
They cover what other tools get wrong (DESIGN.md): enums, serial and identity,
quoting, partitions, constraint state, easy-to-forget properties, type changes under
views, function signatures, inheritance, grants and comments. Minimal failing pairs
found by the property test belong here too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.roundtrip import assert_converges

CASES = Path(__file__).parent / "cases"


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("case", _cases())
def test_case(pg_server, case, direction):
    source = (CASES / case / "source.sql").read_text()
    target = (CASES / case / "target.sql").read_text()
    if direction == "backward":
        source, target = target, source
    assert_converges(pg_server, source_sql=source, target_sql=target)
