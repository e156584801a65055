"""pgsd's own acceptance cases, in both directions: target.sql -> source.sql and back.

Each folder under ``cases/`` holds ``target.sql`` (the database to change) and
``source.sql`` (the desired state), and ``renames.txt`` when the case renames (the
decisions, as ``--rename`` takes them); the check is the same as for the peer corpus:
plan, apply, re-introspect, expect nothing left, plan again and expect nothing.
They cover what other tools get wrong (DESIGN.md): enums, serial and identity,
quoting, partitions, constraint state, easy-to-forget properties, type changes under
views, function signatures, inheritance, grants and comments. Minimal failing pairs
found by the property test belong here too.

A case pgsd cannot pass yet carries ``xfail.txt`` (one line: why; ``forward: why`` or
``backward: why`` when only that direction fails). It still runs: a failure is expected
(xfail), and a pass fails the test, saying the ``xfail.txt`` can go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgsd.diff.renames import split_decision
from tests.acceptance.roundtrip import assert_converges

CASES = Path(__file__).parent / "cases"


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _renames(case: str) -> tuple[tuple[str, str], ...]:
    """``renames.txt``: one decision a line, ``OLD=NEW`` as ``--rename`` takes it (names in
    target.sql = names in source.sql); the backward direction renames back."""
    path = CASES / case / "renames.txt"
    if not path.exists():
        return ()
    lines = [line.strip() for line in path.read_text().splitlines()]
    return tuple(split_decision(line) for line in lines if line and not line.startswith("#"))


def _xfail_reason(case: str, direction: str) -> str | None:
    path = CASES / case / "xfail.txt"
    if not path.exists():
        return None
    text = path.read_text().strip()
    which, sep, rest = text.partition(":")
    if sep and which.strip() in ("forward", "backward"):
        return rest.strip() if which.strip() == direction else None
    return text


def case_sides(case: str, direction: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(source SQL, target SQL, rename decisions) of ``case`` in ``direction`` (backward swaps them)."""
    source = (CASES / case / "source.sql").read_text()
    target = (CASES / case / "target.sql").read_text()
    renames = _renames(case)
    if direction == "backward":
        return target, source, tuple((new, old) for old, new in renames)
    return source, target, renames


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("case", _cases())
def test_case(pg_server, case, direction):
    source, target, renames = case_sides(case, direction)
    reason = _xfail_reason(case, direction)
    if reason is None:
        assert_converges(pg_server, source_sql=source, target_sql=target, renames=renames)
        return
    reason_file = CASES / case / "xfail.txt"
    try:
        assert_converges(pg_server, source_sql=source, target_sql=target, renames=renames)
    except (Exception, pytest.fail.Exception) as e:  # pytest.fail's outcome is no Exception
        pytest.xfail(f"{reason} ({type(e).__name__})")
    pytest.fail(f"{case} {direction} passes now: remove {reason_file.relative_to(CASES.parent)} ({reason})")
