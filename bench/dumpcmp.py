"""Compare two ``pg_dump --schema-only`` outputs, object by object.

A dump is cut into the blocks pg_dump heads with ``-- Name: ...; Type: ...`` comments.
Inside a block, comment lines, ``SET`` lines, ``set_config`` calls, the random
``\\restrict``/``\\unrestrict`` keys of recent pg_dump versions and blank lines are
dropped.  Two dumps are then

* ``identical``            -- the same blocks in the same order;
* ``same (order differs)`` -- the same multiset of blocks, in another order (pg_dump
  breaks some ties by OID, so two equivalent databases may list objects differently);
* ``same except column order`` -- equal once the lines inside every ``CREATE TABLE
  (...)`` are sorted: a migration can only append columns, a fresh build may place
  them elsewhere, and no tool can fix that without rebuilding the table;
* ``N objects differ``     -- anything else; ``details`` lists them.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

Block = tuple[str, str]
"""(header, normalised body)"""


def _skip(line: str) -> bool:
    s = line.strip()
    return (
        not s
        or line.startswith("--")
        or line.startswith("\\restrict")
        or line.startswith("\\unrestrict")
        or line.startswith("SET ")
        or line.startswith("SELECT pg_catalog.set_config(")
    )


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    header = "(preamble)"
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("-- Name: ") or line.startswith("-- Data for Name: "):
            if body:
                out.append((header, "\n".join(body)))
            header, body = line[3:], []
            continue
        if _skip(line):
            continue
        body.append(line.rstrip())
    if body:
        out.append((header, "\n".join(body)))
    return out


def _sort_columns(block: Block) -> Block:
    header, body = block
    if not body.startswith("CREATE TABLE") and not body.startswith("CREATE UNLOGGED TABLE"):
        return block
    lines = body.split("\n")
    try:
        close = next(i for i in range(len(lines) - 1, 0, -1) if lines[i].startswith(")"))
    except StopIteration:
        return block
    inner = sorted(line.rstrip(",") for line in lines[1:close])
    return header, "\n".join([lines[0], *inner, *lines[close:]])


@dataclass
class Comparison:
    verdict: str
    matches: bool
    details: str = ""


def compare(expected: str, actual: str, limit: int = 40) -> Comparison:
    """Compare the dump of the wanted state (``expected``) with the migrated one."""
    a, b = blocks(expected), blocks(actual)
    if a == b:
        return Comparison("identical", True)
    if Counter(a) == Counter(b):
        return Comparison("same (order differs)", True)
    a2, b2 = [_sort_columns(x) for x in a], [_sort_columns(x) for x in b]
    if Counter(a2) == Counter(b2):
        return Comparison("same except column order", True)
    ca, cb = Counter(a2), Counter(b2)
    missing = ca - cb
    extra = cb - ca
    headers_missing = {h for h, _ in missing.elements()}
    headers_extra = {h for h, _ in extra.elements()}
    changed = headers_missing & headers_extra
    only_expected = headers_missing - changed
    only_actual = headers_extra - changed
    n = len(changed) + len(only_expected) + len(only_actual)
    lines = [f"{len(changed)} objects differ, {len(only_expected)} missing, {len(only_actual)} unexpected"]
    by_header_a = {h: body for h, body in missing.elements()}
    by_header_b = {h: body for h, body in extra.elements()}
    for h in sorted(only_expected)[:limit]:
        lines.append(f"missing after migration: {h}")
    for h in sorted(only_actual)[:limit]:
        lines.append(f"left over after migration: {h}")
    for h in sorted(changed)[:limit]:
        lines.append(f"differs: {h}")
        diff = difflib.unified_diff(
            by_header_a[h].splitlines(), by_header_b[h].splitlines(), "wanted", "migrated", lineterm="", n=1
        )
        lines.extend("    " + d for d in list(diff)[2:40])
    return Comparison(f"{n} objects differ", False, "\n".join(lines))
