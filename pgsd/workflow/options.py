"""ComparisonRequest: what the user asked for, and the one place options are built from it.

``pgsd diff``, ``pgsd tui``, ``pgsd demo`` and the app's dialogs all describe a comparison
with a ``ComparisonRequest``; ``diff_options()`` and ``plan_options()`` turn it into what
the comparison and the planner take. Plan options that mirror comparison options (owners
compared, so created objects get ``OWNER TO``; extension versions compared, so
``CREATE EXTENSION`` pins one) are derived here, never copied by a caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from pgsd.ddl.context import PlanOptions
from pgsd.diff.changes import DiffOptions
from pgsd.model.snapshot import Filters
from pgsd.workflow.decisions import Decisions, RenameDecision
from pgsd.workflow.sides import ShadowChoice

PLAN_CHOICES = ("safe", "concurrently", "not_valid", "transaction", "commit_data_loss_early", "lock_timeout")
"""The request's fields that only shape the script (the export dialog may change them)."""

LOCK_TIMEOUT_RE = re.compile(r"^\d+(\.\d+)?(us|ms|s|min|h|d)?$")
"""What PostgreSQL accepts for lock_timeout; anything else would be pasted into ``SET``."""


def lock_timeout_value(text: str) -> str:
    """A ``lock_timeout`` as ``--lock-timeout`` and the app take it (``5s``, ``500ms``); ValueError otherwise."""
    value = text.strip().replace(" ", "")
    if not LOCK_TIMEOUT_RE.match(value):
        raise ValueError(f"invalid duration {text!r} (e.g. 5s, 500ms, 1min)")
    return value


@dataclass(frozen=True)
class ComparisonRequest:
    filters: Filters = field(default_factory=Filters)
    # what is compared
    privileges: bool = True
    owners: bool = False
    comments: bool = True
    extension_versions: bool = True
    # how the script is written
    safe: bool = False
    concurrently: bool = False
    not_valid: bool = False
    transaction: bool = True
    commit_data_loss_early: bool = False
    """Let statements that lose data commit ahead of a later transaction (``--commit-data-loss-early``)."""
    lock_timeout: str | None = None
    using: tuple[tuple[str, str], ...] = ()
    """USING expressions for type changes: (column key, expression) pairs (``--using``)."""
    # renames and other decisions (pgsd.workflow.decisions)
    rename_mode: str = "suggest"
    """``off``: no candidates; ``suggest``: list them; ``auto``: take the exact ones (``--renames``)."""
    renames: tuple[RenameDecision, ...] = ()
    """Renames decided on the command line or in the app (``--rename OLD=NEW``)."""
    decisions: Decisions = field(default_factory=Decisions)
    """A decisions file's (``--decisions FILE``); ``renames`` and ``using`` win over it."""
    # where SQL sides are loaded
    shadow: ShadowChoice = field(default_factory=ShadowChoice)

    def diff_options(self) -> DiffOptions:
        return DiffOptions(
            privileges=self.privileges,
            owners=self.owners,
            comments=self.comments,
            extension_versions=self.extension_versions,
        )

    def plan_options(self) -> PlanOptions:
        return PlanOptions(
            safe=self.safe,
            concurrently=self.concurrently,
            not_valid=self.not_valid,
            transaction=self.transaction,
            commit_data_loss_early=self.commit_data_loss_early,
            lock_timeout=self.lock_timeout,
            extension_versions=self.extension_versions,
            owners=self.owners,
            using={**self.decisions.using_keys(), **dict(self.using)},
        )

    def all_decisions(self) -> Decisions:
        """The decisions file's, with the command line's (or the app's) renames on top."""
        return self.decisions.merged(Decisions(renames=self.renames))

    def with_renames(self, renames: tuple[RenameDecision, ...]) -> ComparisonRequest:
        """The same comparison with other decided renames (the app pairs and unpairs)."""
        return replace(self, renames=renames)

    def with_plan_choices(self, **choices: Any) -> ComparisonRequest:
        """The same comparison written another way (``safe``, ``transaction``, ...)."""
        unknown = set(choices) - set(PLAN_CHOICES)
        if unknown:
            raise TypeError(f"not a plan choice: {', '.join(sorted(unknown))}")
        return replace(self, **choices)
