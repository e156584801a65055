"""SQL definitions of one object on each side, and the line diff between them.

Pure (no Textual). The definition is what the DDL renderers would create, so the two
sides are shown in the same words the plan uses; when no renderer can render it (a kind
still without one, or an object that cannot be rendered alone), it falls back to a plain
listing of the object's fields.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pgsd.ddl.context import RenderContext
from pgsd.model.kinds import KINDS, kind_of
from pgsd.model.names import sql_comment
from pgsd.model.objects import DbObject
from pgsd.model.snapshot import Snapshot

# Children shown after a table's CREATE TABLE (columns are rendered inside it).
TABLE_CHILD_KINDS = tuple(k.name for k in KINDS if k.table_child and not k.inside_parent_create)
_SKIP_FIELDS = {"kind", "schema_name", "name", "table", "table_kind"}


class Definitions:
    """Renders definitions of objects of one snapshot (the render context is built once)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._ctx = RenderContext(source=snapshot, target=snapshot)
        self._renderers: dict | None = None

    def _rend(self) -> dict:
        if self._renderers is None:
            try:
                from pgsd.ddl.render import renderers

                self._renderers = renderers()
            except Exception:  # a renderer module being written may fail to import
                self._renderers = {}
        return self._renderers

    def of_key(self, key: str) -> str | None:
        obj = self.snapshot.get(key)
        return None if obj is None else self.of(obj)

    def of(self, obj: DbObject) -> str:
        text = self._render(obj)
        if text is None:
            text = field_listing(obj)
            if kind_of(obj.kind).holds_columns:
                cols = self._ctx.children(obj.key, "column")
                if cols:
                    text += "\ncolumns:\n" + "\n".join("  " + _column_line(c) for c in cols)
        if kind_of(obj.kind).holds_columns:
            extra = []
            for child in self._ctx.children(obj.key):
                if child.kind in TABLE_CHILD_KINDS:
                    extra.append(self._render(child) or field_listing(child))
            if extra:
                text = "\n\n".join([text, *extra])
        return text

    def _render(self, obj: DbObject) -> str | None:
        r = self._rend().get(obj.kind)
        if r is None:
            return None
        try:
            statements = r.create(obj, self._ctx)
        except Exception:
            return None
        if not statements:
            return None
        return "\n".join(s.sql.rstrip().rstrip(";") + ";" for s in statements)


def _column_line(col: DbObject) -> str:
    parts = [getattr(col, "name", "?"), str(getattr(col, "type", ""))]
    if getattr(col, "not_null", False):
        parts.append("NOT NULL")
    default = getattr(col, "default", None)
    if default:
        parts.append(f"DEFAULT {default}")
    return " ".join(parts)


def field_listing(obj: DbObject) -> str:
    """``-- <kind> <name>`` and one ``field: value`` line per set field."""
    lines = [sql_comment(f"{obj.kind.replace('_', ' ')} {obj.display_name}")]
    for name in type(obj).model_fields:
        if name in _SKIP_FIELDS:
            continue
        value = getattr(obj, name)
        if value in (None, (), "", {}) or value is False:
            continue
        lines.append(sql_comment(f"{name}: {value}"))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ diff

SAME = " "
ADDED = "+"
REMOVED = "-"


@dataclass(frozen=True)
class SideBySide:
    """Both texts aligned on their diff, line for line.

    ``source`` and ``target`` have the same number of lines: where one side has lines
    the other has not, the other gets blank filler lines, so every line faces its
    counterpart (as delta, difftastic and lazygit show it).
    """

    source: str
    target: str
    source_changed: frozenset[int]
    """Aligned lines whose source text differs from the target's."""
    target_changed: frozenset[int]
    filler: frozenset[int] = frozenset()
    """Aligned lines that are filler on one side (in ``source_filler`` / ``target_filler``)."""
    source_filler: frozenset[int] = frozenset()
    target_filler: frozenset[int] = frozenset()


def side_by_side(source: str, target: str) -> SideBySide:
    """Align the two definitions on the line diff, padding the shorter side of each change."""
    a = target.splitlines()
    b = source.splitlines()
    src_lines: list[str] = []
    tgt_lines: list[str] = []
    source_changed: set[int] = set()
    target_changed: set[int] = set()
    source_filler: set[int] = set()
    target_filler: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            src_lines.extend(b[j1:j2])
            tgt_lines.extend(a[i1:i2])
            continue
        height = max(i2 - i1, j2 - j1)
        for k in range(height):
            line = len(src_lines)
            if j1 + k < j2:
                src_lines.append(b[j1 + k])
                source_changed.add(line)
            else:
                src_lines.append("")
                source_filler.add(line)
            if i1 + k < i2:
                tgt_lines.append(a[i1 + k])
                target_changed.add(line)
            else:
                tgt_lines.append("")
                target_filler.add(line)
    return SideBySide(
        "\n".join(src_lines), "\n".join(tgt_lines), frozenset(source_changed), frozenset(target_changed),
        frozenset(source_filler | target_filler), frozenset(source_filler), frozenset(target_filler),
    )


def unified(source: str, target: str) -> list[tuple[str, str]]:
    """(mark, line) pairs: ``-`` only in the target, ``+`` only in the source, `` `` both."""
    a = target.splitlines()
    b = source.splitlines()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend((SAME, line) for line in a[i1:i2])
            continue
        out.extend((REMOVED, line) for line in a[i1:i2])
        out.extend((ADDED, line) for line in b[j1:j2])
    return out
