"""The roles a SQL side names, read from its statements before any of them runs.

A schema kept as SQL grants to roles and gives objects to owners that a fresh shadow
server does not have. Found only by running the statements, each missing role failed
its batch, then its file, then its statement, and was named only once everything had
been tried: a 3,000-file directory of tables with an owner and a grant took 10 s to say
so, and named only the first missing role of each statement (a grant to two missing
roles failed on the first). Read from the text, they are known at once: named together
before anything runs, or created (``--create-roles``) before the batches, which then
load whole instead of failing into the slow path.

``roles_named`` reads only statements whose role positions are fixed by the grammar:
``ALTER ... OWNER TO``, ``GRANT ... TO`` and ``REVOKE ... FROM`` (also role membership
and ``GRANTED BY``), ``ALTER DEFAULT PRIVILEGES FOR ROLE``, ``CREATE SCHEMA ...
AUTHORIZATION``, ``CREATE``/``ALTER POLICY ... TO`` and ``CREATE``/``ALTER USER MAPPING
FOR``, through SQL tokens (a name inside a string, a comment or a function body is
never taken for one). Roles the SQL creates itself (``CREATE ROLE``, ``USER``,
``GROUP``) are left out. A role this misses is still found the slow way by the loader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pgsd.diff.sqlnames import tokens
from pgsd.model.names import fold_unquoted

_HEAD = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*"
    r"(GRANT|REVOKE|ALTER|CREATE\s+(?:SCHEMA|POLICY|USER\s+MAPPING|ROLE|USER|GROUP)\b)",
    re.IGNORECASE | re.DOTALL,
)
"""Statements that may name a role; the others are not tokenized at all."""

_ALTER_NAMING_A_ROLE = re.compile(r"\bOWNER\s+TO\b|\bPOLICY\b|\bDEFAULT\s+PRIVILEGES\b|\bUSER\s+MAPPING\b", re.IGNORECASE)
"""An ALTER naming a role has one of these (most ALTERs of a schema file do not)."""

_NOT_ROLES = frozenset({"public", "current_user", "session_user", "current_role", "user"})
"""Role specifications that are not a role's name when written bare."""


def roles_named(statements: Iterable[str]) -> tuple[set[str], set[str]]:
    """(roles the statements refer to, roles they create), names as the catalog spells them."""
    referred: set[str] = set()
    created: set[str] = set()
    for text in statements:
        head = _HEAD.match(text)
        if head is None:
            continue
        word = head.group(1).split(None, 1)[0].upper()
        if word == "ALTER" and not _ALTER_NAMING_A_ROLE.search(text):
            continue
        words = [t for t in tokens(text) if t.kind not in ("space", "comment")]
        if word == "CREATE" and _word(words, 1) in ("role", "user", "group") and _word(words, 2) != "mapping":
            name = _role(words, 2)
            if name is not None:
                created.add(name)
            continue
        referred.update(_referred(words))
    return referred - created, created


def _word(words: list, i: int) -> str:
    """The bare word at ``i``, lowercased ('' for anything else)."""
    return words[i].value.lower() if i < len(words) and words[i].kind == "ident" else ""


def _role(words: list, i: int) -> str | None:
    """The role named at ``i``, or None (a keyword such as PUBLIC, or no name)."""
    if i >= len(words):
        return None
    tok = words[i]
    if tok.kind == "qident":
        return str(tok.value) if tok.value != "public" else None  # "public" quoted is PUBLIC too
    if tok.kind == "ident" and tok.value.lower() not in _NOT_ROLES:
        return fold_unquoted(tok.value)
    return None


def _role_list(words: list, i: int) -> list[str]:
    """``role [, role ...]`` from ``i`` (skipping the old ``GROUP`` keyword before each)."""
    out: list[str] = []
    while i < len(words):
        if _word(words, i) == "group":
            i += 1
        name = _role(words, i)
        if name is not None:
            out.append(name)
        if i + 1 < len(words) and words[i + 1].text == ",":
            i += 2
            continue
        break
    return out


def _referred(words: list) -> list[str]:
    first, second = _word(words, 0), _word(words, 1)
    out: list[str] = []
    depth = 0
    top: list[tuple[int, str]] = []  # (position, bare word) outside parentheses
    for i, tok in enumerate(words):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif depth == 0 and tok.kind == "ident":
            top.append((i, tok.value.lower()))
    words_at = dict(top)
    renames = "rename" in words_at.values()  # RENAME [COLUMN] owner TO x names no role
    for i, w in top:
        before = words_at.get(i - 1, "")
        one = ((w == "to" and before == "owner" and not renames)
               or (w == "by" and before == "granted")
               or (w == "authorization" and first == "create" and second == "schema")
               or (w == "for" and second == "user" and _word(words, 2) == "mapping"))
        many = ((w == "to" and before not in ("owner", "rename")
                 and (first == "grant" or (first in ("create", "alter") and second in ("policy", "default"))))
                or (w == "from" and (first == "revoke" or second == "default")))
        if one:
            out += _role_list(words, i + 1)[:1]
        elif many:
            out += _role_list(words, i + 1)
        elif w == "for" and second == "default" and _word(words, i + 1) in ("role", "user"):
            out += _role_list(words, i + 2)
    if first in ("grant", "revoke") and "on" not in words_at.values():  # GRANT role TO role: membership
        start = 1
        if first == "revoke" and second in ("admin", "inherit", "set") and _word(words, 2) == "option":
            start = 4  # REVOKE ADMIN OPTION FOR role FROM ...
        out += _role_list(words, start)
    return out
