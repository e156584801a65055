"""Plan, Statement and Hazard: what the planner produces, and what every presenter reads."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from pgsd.model.names import quote_literal, sql_comment


class HazardType(StrEnum):
    DATA_LOSS = "data_loss"
    TABLE_REWRITE = "table_rewrite"
    ACCESS_EXCLUSIVE_LOCK = "access_exclusive_lock"
    LONG_LOCK = "long_lock"
    CANNOT_RUN_IN_TRANSACTION = "cannot_run_in_transaction"
    UNTRACKED_DEPENDENCIES = "untracked_dependencies"
    FAILS_IF_ROWS = "fails_if_rows"
    """The statement fails when the table holds rows (or, for SET NOT NULL, rows with nulls)."""
    FIRES_TRIGGERS = "fires_triggers"
    """Rows the plan moves (between partitions, through a holding table) fire the tables' triggers."""

    @property
    def label(self) -> str:
        return self.value.replace("_", "-")


class Hazard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: HazardType
    message: str
    table: str | None = None
    """Key of the target table the statement rewrites, scans, locks or empties, when sized."""
    rows: int | None = None
    """The target's row estimate for ``table`` (None: unknown, never analysed)."""
    bytes: int | None = None
    """The target's total size of ``table`` (heap, TOAST, indexes)."""


class Statement(BaseModel):
    """One DDL statement, with the object it acts on and why it is there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sql: str
    """The statement text, without the trailing semicolon."""
    key: str
    """Identity key of the object acted on."""
    action: str
    """create, drop, alter (a recreate is a drop plus a create)."""
    reason: str = ""
    transactional: bool = True
    """False for statements PostgreSQL refuses inside a transaction block."""
    hazards: tuple[Hazard, ...] = ()
    requires: tuple[str, ...] = ()
    """Extra keys whose create/alter must come first (e.g. OWNED BY needs the column)."""
    creates: tuple[str, ...] = ()
    """Keys besides its own that exist once it has run (the columns of a CREATE TABLE)."""
    drops: tuple[str, ...] = ()
    """Keys besides its own and its children's that it removes (a column's owned sequence)."""

    def hazard_types(self) -> set[HazardType]:
        return {h.type for h in self.hazards}

    @classmethod
    def rendered(cls, sql: str, key: str, action: str, hazards: tuple[Hazard, ...], transactional: bool,
                 requires: tuple[str, ...], creates: tuple[str, ...], drops: tuple[str, ...]) -> Statement:
        """A statement as renderers make it (``pgsd.ddl.render.base.stmt``), without validation.

        Equal to ``Statement(sql=..., key=..., ...)`` given values of the declared types:
        see "Statements without validation" below.
        """
        obj = _new(cls)
        _set(obj, "__dict__", {"sql": sql, "key": key, "action": action, "reason": "",
                               "transactional": transactional, "hazards": hazards, "requires": requires,
                               "creates": creates, "drops": drops})
        _set(obj, "__pydantic_fields_set__", _RENDERED_SET)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    def with_reason(self, reason: str) -> Statement:
        """This statement with ``reason``, as ``model_copy(update={"reason": reason})`` makes it
        (see "Statements without validation" below)."""
        obj = _new(Statement)
        _set(obj, "__dict__", {**self.__dict__, "reason": reason})
        fields_set = self.__pydantic_fields_set__
        _set(obj, "__pydantic_fields_set__",
             _REASONED_SET if fields_set is _RENDERED_SET or fields_set is _REASONED_SET else {*fields_set, "reason"})
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj


# ---------------------------------------------------------------------------- Statements without validation
#
# Renderers make (nearly) every statement of a plan through ``stmt``, and the planner copies each
# once to give it its action's reason: from an empty database to bench/gen_schema.py's
# 2,000 tables that is 23,500 statements made and 23,500 copied. Measured there (CPU,
# best of 15 on the shared machine at load 4): made validated 90 ms, by ``rendered``
# 45 ms; copied by pydantic's ``model_copy`` (three ``copy.copy`` calls) 75 ms, by
# ``with_reason`` 47 ms; together about 70 ms of a plan of about 1.1 s. What they build
# is equal to what validation and ``model_copy`` build, value by value and type by
# type, with the same fields set: tests/unit/ddl/test_statement_fast_paths.py checks
# that on every statement of a whole plan and that no field is missing (a field added
# to Statement must be added to ``rendered`` too).

_new = object.__new__
_set = object.__setattr__
_RENDERED_FIELDS = frozenset({"sql", "key", "action", "transactional", "hazards", "requires", "creates", "drops"})
"""The fields ``stmt`` passes: what validation marks as set."""
_RENDERED_SET = set(_RENDERED_FIELDS)
_REASONED_SET = {*_RENDERED_FIELDS, "reason"}
# One fields-set shared by every statement made (or reasoned) this way, as pgsd.model.fast
# shares one per kind: a set of eight names is 728 bytes, more than the statement's values,
# and nothing mutates it (pydantic's ``model_copy`` copies it before adding to it). A plan
# of gen_schema's 20,000-table pair holds about 9,000 statements, and the planner's cache
# as many again while it plans: see bench/README.md ("Peak memory at 20,000 tables").


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    statements: tuple[Statement, ...] = ()
    withheld: tuple[Statement, ...] = ()
    """Statements left out by the ``safe`` option: they would lose data, or need (``reason``:
    "needs the withheld ...") one that would to have run."""
    left_out: tuple[str, ...] = ()
    """Keys of the changes a selection left out (the plan is partial); withheld statements
    are listed in ``withheld``."""
    transaction: bool = True
    commit_data_loss_early: bool = False
    """The user let statements that lose data commit ahead of a later transaction."""
    lock_timeout: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.statements

    def hazard_counts(self) -> Counter[HazardType]:
        return Counter(h.type for s in self.statements for h in s.hazards)

    def hazard_summary(self) -> str:
        counts = self.hazard_counts()
        if not counts:
            return "no hazards"
        return ", ".join(f"{n} {t.label}" for t, n in sorted(counts.items(), key=lambda kv: kv[0].value))

    def to_sql(self) -> str:
        """The runnable script: transactional statements in one BEGIN/COMMIT when asked.

        Statements that cannot run in a transaction split the script: each runs on its own
        between transactional blocks, in plan order. Hazard messages hold object names, so
        they are written through ``sql_comment`` (one line, whatever the names hold).

        A script holding anything but ASCII starts with ``SET client_encoding = 'UTF8'``:
        psql splits statements in its client encoding, and in SJIS, BIG5, GBK and the like
        the last byte of a UTF-8 character can swallow the ``"`` or ``'`` after it, so the
        rest of a quoted name would be read as SQL or as a meta-command. psql follows the
        SET for every line after it; ASCII reads the same in every client encoding.
        """
        out: list[str] = []
        if any(HazardType.UNTRACKED_DEPENDENCIES in s.hazard_types() for s in self.statements):
            # as pg_dump does: a body whose references the catalog does not track may run
            # before what it uses exists; PostgreSQL checks it when it is called
            out.append("SET check_function_bodies = off;")
        if self.lock_timeout:
            out.append(f"SET lock_timeout = {quote_literal(self.lock_timeout)};")
        in_tx = False
        for s in self.statements:
            if self.transaction and s.transactional and not in_tx:
                out.append("BEGIN;")
                in_tx = True
            if in_tx and not s.transactional:
                out.append("COMMIT;")
                in_tx = False
            if self.transaction and not s.transactional:
                out.append(sql_comment(f"transaction boundary: {_first_line(s.sql)} runs outside a transaction"))
            for h in s.hazards:
                out.append(sql_comment(f"hazard {h.type.label}: {h.message}"))
            out.append(s.sql.rstrip().rstrip(";") + ";")
        if in_tx:
            out.append("COMMIT;")
        script = "\n".join(out) + ("\n" if out else "")
        if not script.isascii():
            script = "SET client_encoding = 'UTF8';\n" + script
        return script

    def split_reasons(self) -> list[str]:
        """Why the script runs as more than one transaction: one line per statement run
        outside them (empty when it is one transaction, or none was asked for)."""
        if not self.transaction:
            return []
        return [f"{_first_line(s.sql)}: " + "; ".join(h.message for h in s.hazards
                                                         if h.type is HazardType.CANNOT_RUN_IN_TRANSACTION)
                for s in self.statements if not s.transactional]

    def batches(self) -> list[tuple[bool, list[Statement]]]:
        """Consecutive statements grouped by whether they may share a transaction."""
        groups: list[tuple[bool, list[Statement]]] = []
        for s in self.statements:
            if groups and groups[-1][0] == s.transactional and s.transactional:
                groups[-1][1].append(s)
            else:
                groups.append((s.transactional, [s]))
        return groups


def _first_line(sql: str) -> str:
    line = sql.strip().splitlines()[0] if sql.strip() else ""
    return line if len(line) <= 100 else line[:97] + "..."
