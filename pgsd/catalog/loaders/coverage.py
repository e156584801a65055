"""Coverage: counts of user objects pgsd reads past without comparing them.

A schema diff that says "no differences" should also say what it did not look at:
operators, operator classes and families, casts, conversions, shell and base types,
non-default languages, transforms, access methods and subscriptions. One query counts
them all (extension members and system objects excluded); kinds with a count of zero
are left out so the report only mentions what is there.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext


def load_coverage(ctx: LoadContext) -> dict[str, int]:
    return {row["kind"]: int(row["n"]) for row in ctx.fetch("coverage") if row["n"]}
