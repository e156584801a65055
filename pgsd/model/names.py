"""The one place where names and literals become SQL text.

``quote_ident`` follows the server's own ``quote_ident()``: a name is left bare only
when it is lower case letters, digits, underscores and ``$`` (not first) and is not a
keyword the grammar reserves; everything else is double-quoted with ``"`` doubled.
Keywords are those of PostgreSQL 18 (the union over 13..18 is a superset, which is
harmless: quoting a name that needed no quotes is still correct SQL).
"""

from __future__ import annotations

import re
from functools import lru_cache

_NON_UNRESERVED = frozenset(
    """all analyse analyze and any array as asc asymmetric authorization between bigint binary bit
    boolean both case cast char character check coalesce collate collation column concurrently
    constraint create cross current_catalog current_date current_role current_schema current_time
    current_timestamp current_user dec decimal default deferrable desc distinct do else end except
    exists extract false fetch float for foreign freeze from full grant greatest group grouping
    having ilike in initially inner inout int integer intersect interval into is isnull join json
    json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar
    json_serialize json_table json_value lateral leading least left like limit localtime
    localtimestamp merge_action national natural nchar none normalize not notnull null nullif
    numeric offset on only or order out outer overlaps overlay placing position precision primary
    real references returning right row select session_user setof similar smallint some substring
    symmetric system_user table tablesample then time timestamp to trailing treat trim true union
    unique user using values varchar variadic verbose when where window with xmlattributes
    xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize
    xmltable""".split()
)

_SAFE = re.compile(r"[a-z_][a-z0-9_$]*\Z")


@lru_cache(maxsize=8192)
def quote_ident(name: str) -> str:
    """Quote an identifier exactly when PostgreSQL would need it."""
    if _SAFE.match(name) and name not in _NON_UNRESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=8192)
def qualified(schema: str | None, name: str) -> str:
    """``schema.name`` with both parts quoted as needed."""
    if schema is None:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def quote_literal(value: str) -> str:
    """A string constant; uses E'' syntax only when a backslash makes it necessary."""
    text = value.replace("'", "''")
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\") + "'"
    return "'" + text + "'"


def quote_role(role: str) -> str:
    """A role name as a grantee: PUBLIC is the keyword, never a quoted name."""
    if role.lower() == "public" and role == "PUBLIC":
        return "PUBLIC"
    return quote_ident(role)


NAMEDATALEN = 64


def default_multirange_name(range_name: str) -> str:
    """The name PostgreSQL 14+ gives a range's multirange when CREATE TYPE does not say.

    Mirrors makeMultirangeTypeName: the first ``range`` becomes ``multirange``, else
    ``_multirange`` is appended; clipped to NAMEDATALEN - 1 bytes.
    """
    at = range_name.find("range")
    if at >= 0:
        name = range_name[:at] + "multi" + range_name[at:]
    else:
        name = range_name.encode()[: NAMEDATALEN - 12].decode(errors="ignore") + "_multirange"
    raw = name.encode()
    if len(raw) > NAMEDATALEN - 1:
        name = raw[: NAMEDATALEN - 1].decode(errors="ignore")
    return name


def split_dotted(text: str) -> list[str]:
    """``s."My Table".c`` -> ``['s', 'My Table', 'c']``, as SQL reads a dotted name:
    unquoted parts fold to lower case, ``""`` inside quotes is one ``"``.

    Raises ValueError on an unterminated quote or an empty part.
    """
    parts: list[str] = []
    cur: list[str] = []
    quoted = was_quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1:i + 2] == '"':
                cur.append('"')
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cur.append(ch)
        elif ch == '"':
            quoted = was_quoted = True
        elif ch == ".":
            parts.append(_dotted_part(cur, was_quoted))
            cur, was_quoted = [], False
        else:
            cur.append(ch.lower())
        i += 1
    if quoted:
        raise ValueError(f"unterminated quote in {text!r}")
    parts.append(_dotted_part(cur, was_quoted))
    return parts


def _dotted_part(chars: list[str], was_quoted: bool) -> str:
    part = "".join(chars)
    if not was_quoted:
        part = part.strip()
    if not part:
        raise ValueError("empty name part")
    return part
