"""Plan, Statement and Hazard: what the planner produces, and what every presenter reads."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class HazardType(StrEnum):
    DATA_LOSS = "data_loss"
    TABLE_REWRITE = "table_rewrite"
    ACCESS_EXCLUSIVE_LOCK = "access_exclusive_lock"
    LONG_LOCK = "long_lock"
    CANNOT_RUN_IN_TRANSACTION = "cannot_run_in_transaction"
    UNTRACKED_DEPENDENCIES = "untracked_dependencies"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-")


class Hazard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: HazardType
    message: str


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

    def hazard_types(self) -> set[HazardType]:
        return {h.type for h in self.hazards}


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    statements: tuple[Statement, ...] = ()
    withheld: tuple[Statement, ...] = ()
    """Statements left out by the ``safe`` option (they would lose data)."""
    transaction: bool = True
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
        between transactional blocks, in plan order.
        """
        out: list[str] = []
        if any(HazardType.UNTRACKED_DEPENDENCIES in s.hazard_types() for s in self.statements):
            # as pg_dump does: a body whose references the catalog does not track may run
            # before what it uses exists; PostgreSQL checks it when it is called
            out.append("SET check_function_bodies = off;")
        if self.lock_timeout:
            out.append(f"SET lock_timeout = '{self.lock_timeout}';")
        in_tx = False
        for s in self.statements:
            if self.transaction and s.transactional and not in_tx:
                out.append("BEGIN;")
                in_tx = True
            if in_tx and not s.transactional:
                out.append("COMMIT;")
                in_tx = False
            for h in s.hazards:
                out.append(f"-- hazard {h.type.label}: {h.message}")
            out.append(s.sql.rstrip().rstrip(";") + ";")
        if in_tx:
            out.append("COMMIT;")
        return "\n".join(out) + ("\n" if out else "")

    def batches(self) -> list[tuple[bool, list[Statement]]]:
        """Consecutive statements grouped by whether they may share a transaction."""
        groups: list[tuple[bool, list[Statement]]] = []
        for s in self.statements:
            if groups and groups[-1][0] == s.transactional and s.transactional:
                groups[-1][1].append(s)
            else:
                groups.append((s.transactional, [s]))
        return groups
