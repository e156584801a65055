"""A schema as SQL files: the plan that creates it from an empty database, split per object.

``dump_files(plan, snapshot, layout)`` is pure: the statements come from the planner's
renderers (the plan from an empty database to the schema), so what a dump holds is
exactly what pgsd can create, in an order that loads.

* ``by-object``: consecutive statements on the same object (a table with its grants and
  comments, say) make one file, named ``<ordinal>_<kind>_<name>.sql``; the ordinal is the
  file's place in the plan, zero-padded, so the lexical order of the names *is* the plan
  order (a directory loader, pgsd's or ``cat *.sql | psql``, gets them right). An object
  whose statements the plan splits (a foreign key added after every table) gets one file
  per run. Object names are hostile input: only letters, digits, ``_``, ``.`` and ``-``
  survive in a file name (no ``/``, no ``..``, no control characters), capped in length;
  the ordinal keeps names unique whatever the names collapse to.
* ``single``: one file with every statement.

``write_dump(directory, files, manifest, force)`` writes each file and then the manifest
(``pgsd-dump.json``, what was written, grouped by schema and kind) atomically, in one batch
(``pgsd.export.atomic.write_files``); with ``force``, files a previous dump listed in its
manifest that are not written again are removed, and nothing else ever is.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from pgsd.ddl.plan import Plan, Statement
from pgsd.errors import ExportFailed
from pgsd.export.atomic import write_files
from pgsd.model.names import sql_comment
from pgsd.model.snapshot import Snapshot

LAYOUTS = ("by-object", "single")
MANIFEST = "pgsd-dump.json"
MANIFEST_FORMAT = 1
SINGLE_FILE = "schema.sql"
EMPTY_FILE = "0000_empty.sql"
"""Written for a schema with nothing to create: a directory without .sql files is refused as a side."""
NAME_CAP = 80
"""Characters of an object's name kept in a file name (file systems allow 255 bytes)."""

_UNSAFE = re.compile(r"[^\w.-]+")
_DOTS = re.compile(r"\.{2,}")


@dataclass
class DumpFile:
    name: str
    statements: list[Statement] = field(default_factory=list)
    kind: str = ""
    schema: str | None = None
    object: str = ""

    def text(self, title: str) -> str:
        lines = [sql_comment(title)]
        for s in self.statements:
            for h in s.hazards:
                lines.append(sql_comment(f"hazard {h.type.label}: {h.message}"))
            lines.append(s.sql.rstrip().rstrip(";") + ";")
        body = "\n".join(lines) + "\n"
        if not body.isascii():
            body = "SET client_encoding = 'UTF8';\n" + body
        return body


def safe_name(text: str) -> str:
    """``text`` as part of a file name: no separators, ``..`` or control characters, capped."""
    cleaned = _UNSAFE.sub("_", text)
    cleaned = _DOTS.sub("_", cleaned).strip("._-")
    return cleaned[:NAME_CAP].rstrip("._-") or "object"


def dump_files(plan: Plan, snapshot: Snapshot, layout: str = "by-object") -> list[DumpFile]:
    """The files of a dump of ``snapshot``, from ``plan`` (empty database -> snapshot)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if layout == "single":
        return [DumpFile(SINGLE_FILE, list(plan.statements), kind="schema", object="everything")]
    runs: list[tuple[str, list[Statement]]] = []
    for s in plan.statements:
        top = _top_key(s.key, snapshot)
        if runs and runs[-1][0] == top:
            runs[-1][1].append(s)
        else:
            runs.append((top, [s]))
    if not runs:
        return [DumpFile(EMPTY_FILE, [], kind="nothing", object="the schema is empty")]
    width = max(4, len(str(len(runs))))
    files: list[DumpFile] = []
    for ordinal, (top, statements) in enumerate(runs, start=1):
        kind = statements[0].key.split(":", 1)[0]
        obj = snapshot.get(top)
        label = obj.qualified_name if obj is not None else top.split(":", 1)[-1]
        files.append(DumpFile(
            name=f"{ordinal:0{width}d}_{safe_name(kind)}_{safe_name(label)}.sql",
            statements=statements,
            kind=kind,
            schema=obj.schema_name if obj is not None else None,
            object=label,
        ))
    return files


def _top_key(key: str, snapshot: Snapshot) -> str:
    """The key of the object ``key`` belongs to (a table for its column or index), else ``key``."""
    seen = 0
    obj = snapshot.get(key)
    while obj is not None and obj.parent_key is not None and seen < 8:
        parent = snapshot.get(obj.parent_key)
        if parent is None:
            return obj.parent_key
        key, obj = parent.key, parent
        seen += 1
    return key


def manifest(files: list[DumpFile], *, source: str, layout: str, pgsd_version: str, generated_at: str) -> str:
    groups: Counter[tuple[str, str]] = Counter((f.schema or "", f.kind) for f in files)
    data = {
        "pgsd_dump": MANIFEST_FORMAT,
        "pgsd_version": pgsd_version,
        "generated_at": generated_at,
        "source": source,
        "layout": layout,
        "load": "run the .sql files in lexical order of their names",
        "groups": [{"schema": schema or None, "kind": kind, "files": n}
                   for (schema, kind), n in sorted(groups.items())],
        "files": [
            {"file": f.name, "kind": f.kind, "schema": f.schema, "object": f.object,
             "statements": len(f.statements)}
            for f in files
        ],
    }
    return _json_lines(data)


def _json_lines(data: dict[str, object]) -> str:
    """``data`` as JSON, a key per line and each list item on a line of its own.

    Readable and diffable like ``json.dumps(indent=1)``, which however falls back to
    json's pure-Python encoder: 0.10-0.17 s for a 12,340-file manifest, against
    0.04-0.06 s here, where each line is encoded by the C encoder.
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n  ".join(encode(item) for item in value)
            lines.append(f" {encode(key)}: [\n  {items}\n ]")
        else:
            lines.append(f" {encode(key)}: {encode(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def previous_files(directory: Path) -> set[str]:
    """The file names a previous dump's manifest lists (plain names inside ``directory`` only)."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        names = {entry["file"] for entry in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {n for n in names if isinstance(n, str) and n == safe_file_name(n)}


def safe_file_name(name: str) -> str:
    """``name`` if it is a plain .sql file name pgsd could have written, else ''."""
    plain = _UNSAFE.sub("", name) == name and not name.startswith(".")
    if not plain or "/" in name or "\\" in name or not name.endswith(".sql"):
        return ""
    return name


def prepare_directory(path: str, *, force: bool) -> Path:
    """The dump's directory, created if missing; a non-empty one only with ``force``."""
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise ExportFailed(f"{path} exists and is not a directory")
    if directory.is_dir():
        if any(directory.iterdir()) and not force:
            raise ExportFailed(f"{path} is not empty: use --force to write the dump there "
                               f"(files an earlier pgsd dump wrote that no longer hold an object are removed)")
        return directory
    try:
        directory.mkdir(parents=True)
    except OSError as e:
        raise ExportFailed(f"cannot create {path}: {e.strerror}") from None
    return directory


def write_dump(directory: Path, files: list[DumpFile], manifest_text: str, *, title: str) -> list[str]:
    """Write every file and then the manifest, each atomically; remove the previous dump's leftovers.

    The files are written in one batch (``write_files``: durable in bulk, each file
    whole or not at all); an error before they are renamed into place leaves the
    directory as it was. Returns the names removed.
    """
    old = previous_files(directory)
    where = os.fspath(directory)
    texts = ((os.path.join(where, f.name), f.text(f"{title}: {f.kind} {f.object}")) for f in files)
    write_files(chain(texts, [(os.path.join(where, MANIFEST), manifest_text)]), force=True)
    new = {f.name for f in files}
    removed: list[str] = []
    for name in sorted(old - new):
        target = directory / name
        try:
            if target.is_file() and not target.is_symlink():
                os.unlink(target)
                removed.append(name)
        except OSError as e:
            raise ExportFailed(f"cannot remove {target}: {e.strerror}") from None
    return removed
