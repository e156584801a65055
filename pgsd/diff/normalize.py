"""Same meaning, different text: definitions deparsed differently by two major versions.

PostgreSQL 16 stopped qualifying column names in single-table view bodies, servers
differ in redundant parentheses and casts, and so on. When two definitions differ only
in such ways the change is *textual only*: the change set says so, and the planner
leaves it alone. Function bodies are compared exactly and never reach this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Fields whose value is a deparsed SQL expression or query.
EXPRESSION_FIELDS = frozenset({"definition", "default", "using", "with_check"})

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text.strip().rstrip(";")).strip()


@lru_cache(maxsize=4096)
def _canonical(text: str) -> str | None:
    """A canonical form of a query/expression: parsed by sqlglot, qualifiers stripped."""
    try:
        import sqlglot
        from sqlglot import exp
    except ImportError:  # pragma: no cover - sqlglot is a dependency
        return None
    try:
        tree = sqlglot.parse_one(_squash(text), read="postgres")
    except Exception:  # noqa: BLE001 - unparseable means "cannot tell"
        return None
    if tree is None:
        return None
    # Qualifiers are noise only when a single relation is in scope (PG 16+ drops them there).
    if len({t.sql() for t in tree.find_all(exp.Table)}) == 1:
        for column in tree.find_all(exp.Column):
            if column.args.get("table") is not None:
                column.set("table", None)
    for paren in list(tree.find_all(exp.Paren)):
        if isinstance(paren.this, (exp.Column, exp.Literal)):
            paren.replace(paren.this)
    try:
        return tree.sql(dialect="postgres", normalize=True)
    except Exception:  # noqa: BLE001
        return None


def same_meaning(field: str, old: object, new: object, *, across_versions: bool = True) -> bool:
    """True when ``old`` and ``new`` differ only in how they are written.

    Two servers of the same major version deparse the same definition identically, so
    between them only layout is forgiven; the parse-tree comparison (which also folds
    e.g. ``now()`` and ``CURRENT_TIMESTAMP`` together) is kept for different versions.
    """
    if field not in EXPRESSION_FIELDS or not isinstance(old, str) or not isinstance(new, str):
        return False
    if old.lstrip().upper().startswith("CREATE OR REPLACE FUNCTION") or old.lstrip().upper().startswith(
        "CREATE OR REPLACE PROCEDURE"
    ):
        return False  # function bodies compare exactly
    if _squash(old) == _squash(new):
        return True
    if not across_versions:
        return False
    a = _canonical(old)
    return a is not None and a == _canonical(new)
