"""Coverage: counts of user objects pgsd reads past without comparing them.

A schema diff that says "no differences" should also say what it did not look at:
access methods, security labels, large objects and members added to built-in
operator families. One query counts
them all (extension members and system objects excluded); kinds with a count of zero
are left out so the report only mentions what is there.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext


def load_coverage(ctx: LoadContext) -> dict[str, int]:
    return {row["kind"]: int(row["n"]) for row in ctx.fetch("coverage") if row["n"]}
