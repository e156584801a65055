"""The one place where names and literals become SQL text.

``quote_ident`` follows the server's own ``quote_ident()``: a name is left bare only
when it is lower case letters, digits, underscores and ``$`` (not first) and is not a
keyword the grammar reserves; everything else is double-quoted with ``"`` doubled.
Keywords are those of PostgreSQL 18 (the union over 13..18 is a superset, which is
harmless: quoting a name that needed no quotes is still correct SQL).

``sql_comment`` is the one way free text (a hazard message, a note, a file name, a
snapshot's origin, anything holding an object name) becomes SQL comment text: one ``--``
line, whatever the text holds. Statement text is never passed through it: names inside
statements are quoted identifiers, where a line break is legal and must stay exact.
"""

from __future__ import annotations

import re
from functools import lru_cache

# One word list is easier to check against the grammar than 180 quoted strings.
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
    xmltable""".split()  # noqa: SIM905
)

_SAFE = re.compile(r"[a-z_][a-z0-9_$]*\Z")


@lru_cache(maxsize=8192)
def quote_ident(name: str) -> str:
    """Quote an identifier exactly when PostgreSQL would need it."""
    if _SAFE.match(name) and name not in _NON_UNRESERVED:
        return name
    _refuse_nul("name", name)
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=8192)
def qualified(schema: str | None, name: str) -> str:
    """``schema.name`` with both parts quoted as needed."""
    if schema is None:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def _refuse_nul(kind: str, value: str) -> None:
    # PostgreSQL cannot store NUL in a name or a text value, so only a forged snapshot
    # file holds one; psql would cut the line at it and misread the quoting after it.
    if "\x00" in value:
        raise ValueError(f"{kind} {sql_comment_text(value)!r} contains a NUL character, which PostgreSQL cannot store")


def quote_literal(value: str) -> str:
    """A string constant; uses E'' syntax only when a backslash makes it necessary."""
    _refuse_nul("string", value)
    text = value.replace("'", "''")
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\") + "'"
    return "'" + text + "'"


def quote_role(role: str) -> str:
    """A role name as a grantee: PUBLIC is the keyword, never a quoted name."""
    if role.lower() == "public" and role == "PUBLIC":
        return "PUBLIC"
    return quote_ident(role)


# Characters never written raw into a comment: every C0 and C1 control (NUL, tab, \n,
# \v, \f, \r, ESC, DEL, U+0085 NEL, ...), the Unicode line and paragraph separators,
# and the bidirectional controls that make a terminal show text in another order than
# psql reads it. psql and the server end a ``--`` comment at \n and \r; editors and
# other tools also break lines at \v, \f, U+0085, U+2028 and U+2029.
_UNSAFE_IN_COMMENT = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED_ESCAPES.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sql_comment_text(text: str) -> str:
    """``text`` on one line, every character in ``_UNSAFE_IN_COMMENT`` shown as an escape.

    A line break shows as ``\\n`` (also ``\\r``, ``\\t``, ``\\v``, ``\\f``), another control
    as ``\\x1b`` or ``\\u2028``, and a backslash is doubled so that every escape is
    unambiguous: the text reads back as a Python string literal would.
    """
    return _UNSAFE_IN_COMMENT.sub(_escape, text)


def sql_comment(text: str, prefix: str = "-- ") -> str:
    """One complete ``--`` comment line (no line terminator) holding ``text`` safely.

    ``prefix`` must start with ``--`` (``"--   "`` indents a commented-out statement).
    Never use ``/* */`` for free text: ``*/`` or a nested ``/*`` would end or extend it.
    """
    if not prefix.startswith("--") or _UNSAFE_IN_COMMENT.search(prefix):
        raise ValueError(f"not a line comment prefix: {prefix!r}")
    return (prefix + sql_comment_text(text)).rstrip(" ")


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


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_unquoted(name: str) -> str:
    """An unquoted identifier as PostgreSQL stores it in a UTF-8 database: ASCII letters in
    lower case, every other character as written (``str.lower`` would also fold ``É`` to ``é``,
    which PostgreSQL does not)."""
    return name.translate(_ASCII_LOWER)


def split_dotted(text: str) -> list[str]:
    """``s."My Table".c`` -> ``['s', 'My Table', 'c']``, as SQL reads a dotted name:
    unquoted parts fold to lower case (``fold_unquoted``), ``""`` inside quotes is one ``"``.

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
            cur.append(ch.translate(_ASCII_LOWER))
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
