"""pgsd's own acceptance cases, in both directions: target.sql -> source.sql and back.

Each folder under ``cases/`` holds ``target.sql`` (the database to change) and
``source.sql`` (the desired state); the check is the same as for the peer corpus:
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

from tests.acceptance.roundtrip import assert_converges

CASES = Path(__file__).parent / "cases"


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _xfail_reason(case: str, direction: str) -> str | None:
    path = CASES / case / "xfail.txt"
    if not path.exists():
        return None
    text = path.read_text().strip()
    which, sep, rest = text.partition(":")
    if sep and which.strip() in ("forward", "backward"):
        return rest.strip() if which.strip() == direction else None
    return text


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("case", _cases())
def test_case(pg_server, case, direction):
    source = (CASES / case / "source.sql").read_text()
    target = (CASES / case / "target.sql").read_text()
    if direction == "backward":
        source, target = target, source
    reason = _xfail_reason(case, direction)
    if reason is None:
        assert_converges(pg_server, source_sql=source, target_sql=target)
        return
    reason_file = CASES / case / "xfail.txt"
    try:
        assert_converges(pg_server, source_sql=source, target_sql=target)
    except (Exception, pytest.fail.Exception) as e:  # pytest.fail's outcome is no Exception
        pytest.xfail(f"{reason} ({type(e).__name__})")
    pytest.fail(f"{case} {direction} passes now: remove {reason_file.relative_to(CASES.parent)} ({reason})")
