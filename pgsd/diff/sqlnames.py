"""Names inside deparsed SQL text, rewritten the way PostgreSQL's catalog follows a rename.

After ``ALTER TABLE shop.customer RENAME TO client`` the server prints every view,
index, constraint, trigger and ``BEGIN ATOMIC`` body that uses the table with the new
name, because it stores them as parse trees, not text. ``NameRewriter`` predicts that
text from the text read before the rename: it reads the definition as SQL tokens
(identifiers, quoted identifiers, string constants, dollar-quoted strings, comments) and
replaces

* a qualified name ``schema.name`` (or ``schema.table.column``) that was renamed or moved;
* a schema name in front of a dot, for a renamed schema;
* a bare name (a table qualifier ``customer.id``, a column ``id``) only in the objects the
  caller says depend on the renamed object (``bare``);
* the name inside a ``'s.seq'::regclass`` constant, and an enum label in ``'label'::s.enum``.

Dollar-quoted strings are never touched: a plpgsql or old-style SQL body is text the
catalog does not follow, and it keeps the old name after the rename (those bodies get
the untracked-dependencies hazard instead). A prediction that misses is harmless: the
object then reads as changed and is altered or recreated from the source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pgsd.model.names import quote_ident, quote_literal, split_dotted

# Identifier characters written as the complement of what they are not: the same sets as
# [A-Za-z_\x80-\U0010ffff] and [A-Za-z_0-9$\x80-\U0010ffff] (checked on every code point; as
# PostgreSQL's scanner, which takes every byte from 0x80 up, every character outside ASCII), but
# compiled in about 1 ms instead of 15 ms, which every pgsd command that imports this module paid.
_IDENT_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]"
_IDENT_REST = r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
_DOLLAR_REST = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"

_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)
  | (?P<estring>[eE]'(?:[^'\\]|\\.|'')*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<dollar>\$(?:{_IDENT_START}{_DOLLAR_REST}*)?\$)
  | (?P<qident>"(?:[^"]|"")*")
  | (?P<ident>{_IDENT_START}{_IDENT_REST}*)
  | (?P<cast>::)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class _Tok:
    kind: str
    text: str
    value: str = ""
    """An identifier's name (unquoted), or a string constant's value."""


def tokens(text: str) -> list[_Tok]:
    """``text`` as tokens; joining their ``text`` gives ``text`` back exactly."""
    out: list[_Tok] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - ``other`` matches any character
            out.append(_Tok("other", text[pos]))
            pos += 1
            continue
        kind = m.lastgroup or "other"
        piece = m.group()
        if kind == "dollar":
            end = text.find(piece, m.end())
            stop = n if end < 0 else end + len(piece)
            out.append(_Tok("dollar", text[pos:stop]))
            pos = stop
            continue
        tok = _Tok(kind, piece)
        if kind == "ident":
            tok.value = piece
        elif kind == "qident":
            tok.value = piece[1:-1].replace('""', '"')
        elif kind == "string":
            tok.value = piece[1:-1].replace("''", "'")
        out.append(tok)
        pos = m.end()
    return out


@dataclass
class NameRewriter:
    """What was renamed, as the rewriting of SQL text needs it (see the module docstring)."""

    schemas: dict[str, str] = field(default_factory=dict)
    """Old schema name -> new."""
    qualified: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    """(schema, name) -> (schema, name) of a renamed or moved relation, type or function."""
    columns: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """(schema, table, column) -> new column name."""
    labels: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """(schema, enum) -> {old label: new label}."""

    def needles(self) -> frozenset[str]:
        """Substrings at least one of which a text must hold for a rewrite to change it."""
        out: set[str] = set(self.schemas)
        out.update(name for _, name in self.qualified)
        out.update(column for _, _, column in self.columns)
        for labels in self.labels.values():
            out.update(labels)
        return frozenset(n for n in out if n)

    def rewrite(self, text: str, bare: Mapping[str, str] | None = None, *, query: bool = False) -> str:
        """``text`` with the renames applied.

        ``query``: ``text`` is a view's query, where a select-list column renamed keeps its
        output name (``t.new AS old``), as the server prints a view whose column was renamed under it.
        """
        toks = tokens(text)
        changed = False
        i = 0
        n = len(toks)
        clause: list[str] = [""]  # the last clause keyword at each parenthesis depth
        while i < n:
            tok = toks[i]
            if tok.kind == "other" and tok.text == "(":
                clause.append("")
            elif tok.kind == "other" and tok.text == ")" and len(clause) > 1:
                clause.pop()
            elif tok.kind == "ident" and tok.text.upper() in _CLAUSES and tok.text.isupper():
                clause[-1] = tok.text.upper()
            if tok.kind in ("ident", "qident"):
                chain = [i]
                j = i + 1
                while j + 1 < n and toks[j].kind == "other" and toks[j].text == "." \
                        and toks[j + 1].kind in ("ident", "qident"):
                    chain.append(j + 1)
                    j += 2
                names = [toks[k].value for k in chain]
                after = _next_solid(toks, j)
                if self._rewrite_chain(toks, chain, bare, before=toks[i - 1] if i else None, after=after):
                    changed = True
                    if query and clause[-1] == "SELECT" and bare and names[-1] in bare \
                            and toks[chain[-1]].value != names[-1]:
                        _keep_output_name(toks, chain[-1], j, names[-1], after)
                i = j
                continue
            if tok.kind in ("string", "estring") and self._rewrite_constant(toks, i):
                changed = True
            i += 1
        if not changed:
            return text
        return "".join(t.text for t in toks)

    # ------------------------------------------------------------ pieces

    def _rewrite_chain(self, toks: list[_Tok], chain: list[int], bare: Mapping[str, str] | None,
                       before: _Tok | None, after: _Tok | None) -> bool:
        names = [toks[k].value for k in chain]
        new = list(names)
        if len(names) >= 3 and (names[0], names[1], names[2]) in self.columns:
            new[2] = self.columns[(names[0], names[1], names[2])]
        if len(names) >= 2 and (names[0], names[1]) in self.qualified:
            new[0], new[1] = self.qualified[(names[0], names[1])]
        elif len(names) >= 2 and names[0] in self.schemas:
            new[0] = self.schemas[names[0]]
        elif bare:
            is_type = before is not None and before.kind == "cast"
            is_call = after is not None and after.text == "("
            if len(names) == 1 and not is_type and not is_call and names[0] in bare:
                new[0] = bare[names[0]]
            elif len(names) == 2:
                if names[0] in bare:
                    new[0] = bare[names[0]]
                if names[1] in bare and not is_call:
                    new[1] = bare[names[1]]
        if new == names:
            return False
        for k, old, name in zip(chain, names, new, strict=True):
            if old != name:
                toks[k] = _Tok("ident", quote_ident(name), name)
        return True

    def _rewrite_constant(self, toks: list[_Tok], i: int) -> bool:
        """``'s.seq'::regclass`` and ``'label'::s.enum``."""
        if i + 2 >= len(toks) or toks[i + 1].kind != "cast" or toks[i].kind != "string":
            return False
        type_toks = [toks[i + 2]]
        k = i + 3
        while k + 1 < len(toks) and toks[k].text == "." and toks[k + 1].kind in ("ident", "qident"):
            type_toks.append(toks[k + 1])
            k += 2
        type_names = [t.value for t in type_toks if t.kind in ("ident", "qident")]
        value = toks[i].value
        if type_names == ["regclass"]:
            try:
                parts = split_dotted(value)
            except ValueError:
                return False
            if len(parts) == 2:
                schema, name = parts
                new = self.qualified.get((schema, name))
                if new is None and schema in self.schemas:
                    new = (self.schemas[schema], name)
                if new is not None:
                    toks[i] = _Tok("string", quote_literal(f"{quote_ident(new[0])}.{quote_ident(new[1])}"))
                    return True
            return False
        if len(type_names) == 1:
            named = [v for (_, e), v in self.labels.items() if e == type_names[0]]
            labels = named[0] if len(named) == 1 else None
            if labels and value in labels:
                toks[i] = _Tok("string", quote_literal(labels[value]), labels[value])
                return True
        if len(type_names) == 2:
            labels = self.labels.get((type_names[0], type_names[1]))
            if labels and value in labels:
                toks[i] = _Tok("string", quote_literal(labels[value]), labels[value])
                return True
        return False


_CLAUSES = frozenset({"SELECT", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "WINDOW", "UNION",
                      "INTERSECT", "EXCEPT", "RETURNING", "VALUES", "WITH"})


def _keep_output_name(toks: list[_Tok], last: int, j: int, old: str, after: _Tok | None) -> None:
    """After a select-list column became ``new``: ``new AS old`` where no alias followed, and
    ``new AS new`` becomes ``new`` (the server prints an alias only when it differs)."""
    new = toks[last].value
    if _ends_item(after):
        toks[last] = _Tok("ident", f"{toks[last].text} AS {quote_ident(old)}", new)
        return
    if after is None or after.text != "AS":
        return
    k = toks.index(after, j)
    m = k + 1
    while m < len(toks) and toks[m].kind in ("space", "comment"):
        m += 1
    if m < len(toks) and toks[m].kind in ("ident", "qident") and toks[m].value == new and _ends_item(
            _next_solid(toks, m + 1)):
        for idx in range(j, m + 1):
            toks[idx] = _Tok("space", "")


def _ends_item(after: _Tok | None) -> bool:
    """A select-list item ends here (no alias follows): a comma, FROM, or the end."""
    return after is None or after.text in (",", ";") or (after.text.upper() == "FROM" and after.text.isupper())


def _next_solid(toks: list[_Tok], j: int) -> _Tok | None:
    while j < len(toks) and toks[j].kind in ("space", "comment"):
        j += 1
    return toks[j] if j < len(toks) else None


def mentions(body: str, name: str) -> bool:
    """Whether ``name`` appears as a word in ``body`` (any case): a text reference to check."""
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", body, re.IGNORECASE) is not None
