"""The catalog tables whose privileges `detect_server` checks are the ones pgsd's queries read."""

from __future__ import annotations

import re
from importlib.resources import files

from pgsd.connect.server import CATALOG_TABLES

# Read only as far as any role may (they keep secrets), or views every role may read
# (pg_stats shows any role the rows of the tables it may read: the null counts of
# fails-if-rows hazards are missing, never refused, for the others; pg_settings hides
# superuser-only settings from the others, and the security-label facts say so).
NOT_CHECKED = {"pg_subscription", "pg_user_mappings", "pg_roles", "pg_stats", "pg_settings"}


def test_every_catalog_table_the_queries_read_is_checked():
    read: set[str] = set()
    for query in (files("pgsd.catalog") / "sql").iterdir():
        if query.name.endswith(".sql"):
            read |= set(re.findall(r"(?:FROM|JOIN)\s+(?:pg_catalog\.)?(pg_\w+)\b(?!\s*\()", query.read_text(),
                                   flags=re.IGNORECASE))
    assert read - NOT_CHECKED == set(CATALOG_TABLES)
