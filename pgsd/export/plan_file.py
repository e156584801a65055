"""Reading a plan back: the JSON ``pgsd diff --format json`` wrote, for ``pgsd apply --plan``.

A plan written by this pgsd also carries, for every added or changed object, the object
as the source has it (``source_object``): what the target must hold once the plan ran
(``PlanFile.recorded``, used by ``workflow.converged``).

Pure: the caller reads the file's bytes (``workflow.read.read_regular_file`` checks that it
is a regular file of sensible size) and hands them here. Everything that is not a plan this
pgsd can run is refused with one line: not UTF-8, not JSON, another ``format_version``, a
missing or mistyped field, a statement without SQL, an unknown hazard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pgsd import errors
from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.diff.changes import DiffOptions, Status
from pgsd.export.render import JSON_FORMAT_VERSION
from pgsd.model.fingerprint import FINGERPRINT_PREFIX
from pgsd.model.objects import AnyObject, DbObject
from pgsd.model.snapshot import Filters


@dataclass(frozen=True)
class PlanSide:
    """What the plan file says about one side."""

    origin: str | None
    file: str | None
    fingerprint: str
    filters: Filters
    server_version_num: int | None


@dataclass(frozen=True)
class RecordedChange:
    """One difference the plan was made for: the object as the source has it (None when removed)."""

    key: str
    status: Status
    textual_only: bool
    source_object: DbObject | None


_OBJECT: TypeAdapter[AnyObject] = TypeAdapter(AnyObject)


@dataclass(frozen=True)
class PlanFile:
    """A plan read back from its JSON, with the sides it was made from."""

    plan: Plan
    source: PlanSide
    target: PlanSide
    options: DiffOptions
    differences: bool
    generated_at: str | None
    recorded: tuple[RecordedChange, ...] | None = None
    """Every difference with the source's object; None when the file does not carry them all
    (written by an older pgsd): then convergence cannot be checked without the source."""


def parse_plan_json(data: bytes | str, *, name: str = "plan file") -> PlanFile:
    """The plan in ``data`` (the text of ``pgsd diff --format json``); ``PlanFileError`` otherwise."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise errors.PlanFileError(f"{name} is not UTF-8 text (byte {e.start})") from None
    else:
        text = data
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise errors.PlanFileError(
            f"{name} is not JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
            "write it with pgsd diff --format json -o FILE"
        ) from None
    if not isinstance(doc, dict):
        raise errors.PlanFileError(f"{name} is not a pgsd plan (a JSON object was expected)")
    version = doc.get("format_version")
    if version != JSON_FORMAT_VERSION:
        raise errors.PlanFileError(
            f"{name} has format_version {version!r}; this pgsd reads version {JSON_FORMAT_VERSION} "
            "(make the plan again with this pgsd)"
        )
    plan_doc = _field(doc, "plan", dict, name)
    statements = _field(plan_doc, "statements", list, name, where="plan")
    try:
        plan = Plan(
            statements=tuple(_statement(s, i, name) for i, s in enumerate(statements, 1)),
            withheld=tuple(_statement(s, i, name) for i, s in enumerate(plan_doc.get("withheld") or [], 1)),
            left_out=tuple(str(k) for k in plan_doc.get("left_out") or ()),  # absent from older pgsd's files
            transaction=_field(plan_doc, "transaction", bool, name, where="plan"),
            lock_timeout=plan_doc.get("lock_timeout") if isinstance(plan_doc.get("lock_timeout"), str) else None,
            notes=tuple(str(n) for n in plan_doc.get("notes") or ()),
        )
        options = DiffOptions.model_validate(doc.get("options") or {})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise errors.PlanFileError(f"{name} is not a valid plan: {where}: {first.get('msg')}") from None
    return PlanFile(
        plan=plan,
        source=_side(doc, "source", name),
        target=_side(doc, "target", name),
        options=options,
        differences=bool(doc.get("differences", True)),
        generated_at=doc.get("generated_at") if isinstance(doc.get("generated_at"), str) else None,
        recorded=_recorded(doc.get("changes"), name),
    )


def _recorded(changes: Any, name: str) -> tuple[RecordedChange, ...] | None:
    if not isinstance(changes, list):
        return None
    out: list[RecordedChange] = []
    for number, c in enumerate(changes, 1):
        if not isinstance(c, dict) or not isinstance(c.get("key"), str):
            raise errors.PlanFileError(f"{name}: change {number} is not a pgsd change")
        try:
            status = Status(str(c.get("status")))
        except ValueError:
            raise errors.PlanFileError(f"{name}: change {number} has an unknown status {c.get('status')!r}") from None
        obj: DbObject | None = None
        if status is not Status.REMOVED:
            doc = c.get("source_object")
            if doc is None:
                return None  # an older plan file
            try:
                obj = _OBJECT.validate_python(doc)
            except ValidationError as e:
                first = e.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise errors.PlanFileError(
                    f"{name}: change {number} ({c['key']}) has a malformed source_object: {where}: {first.get('msg')}"
                ) from None
            if obj.key != c["key"]:
                raise errors.PlanFileError(f"{name}: change {number} ({c['key']}) holds the object {obj.key}")
        out.append(RecordedChange(key=c["key"], status=status, textual_only=bool(c.get("textual_only")),
                                  source_object=obj))
    return tuple(out)


def _field(doc: dict[str, Any], key: str, kind: type, name: str, *, where: str = "") -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        path = f"{where}.{key}" if where else key
        raise errors.PlanFileError(f"{name} is not a pgsd plan: {path} is missing or not a {kind.__name__}")
    return value


def _statement(doc: Any, number: int, name: str) -> Statement:
    if not isinstance(doc, dict):
        raise errors.PlanFileError(f"{name}: statement {number} is not a JSON object")
    sql = doc.get("sql")
    if not isinstance(sql, str) or not sql.strip():
        raise errors.PlanFileError(f"{name}: statement {number} has no sql")
    hazards = []
    for h in doc.get("hazards") or ():
        kind = h.get("type") if isinstance(h, dict) else None
        if kind not in {t.value for t in HazardType}:
            raise errors.PlanFileError(f"{name}: statement {number} has an unknown hazard {kind!r}")
        hazards.append(Hazard(type=HazardType(kind), message=str(h.get("message", ""))))
    return Statement(
        sql=sql,
        key=str(doc.get("key", "")),
        action=str(doc.get("action", "")),
        reason=str(doc.get("reason", "")),
        transactional=bool(doc.get("transactional", True)),
        hazards=tuple(hazards),
        creates=_keys(doc.get("creates"), number, name),
        drops=_keys(doc.get("drops"), number, name),
    )


def _keys(value: Any, number: int, name: str) -> tuple[str, ...]:
    """A statement's ``creates``/``drops``: object keys (absent in plans of older pgsd)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise errors.PlanFileError(f"{name}: statement {number} has malformed creates/drops")
    return tuple(value)


def _side(doc: dict[str, Any], role: str, name: str) -> PlanSide:
    side = _field(doc, role, dict, name)
    fp = side.get("fingerprint")
    if not isinstance(fp, str) or not fp.startswith(FINGERPRINT_PREFIX):
        raise errors.PlanFileError(
            f"{name} has no {role} fingerprint: make the plan again with this pgsd (pgsd diff --format json)"
        )
    try:
        filters = Filters.model_validate(side.get("filters") or {})
    except ValidationError:
        raise errors.PlanFileError(f"{name}: {role}.filters are not pgsd filters") from None
    num = side.get("server_version_num")
    return PlanSide(
        origin=side.get("origin") if isinstance(side.get("origin"), str) else None,
        file=side.get("file") if isinstance(side.get("file"), str) else None,
        fingerprint=fp,
        filters=filters,
        server_version_num=num if isinstance(num, int) and not isinstance(num, bool) else None,
    )
