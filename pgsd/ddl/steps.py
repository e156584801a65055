"""Ordering facts a renderer knows about its kind: ``must_run(a).after(b)``.

The planner orders statements from the snapshots' dependency edges (graph.py). Some
orders are not in ``pg_depend`` but are known to whoever writes the statements: a
sequence must be re-owned before the column that owns it is dropped; a column's own
ALTERs run before its table's, except after a DETACH. A renderer states such a fact
next to the statements it returns (``Renderer.ordering``), naming the two points of
the plan as steps of objects; graph.py turns the steps into statements.

A step names an object by key and a moment of it:

``dropped`` / ``gone``
    the first / last statement that removes the object: its own drop, or the drop of
    what takes it along (a table's for its columns).
``ready``
    the statement after which it exists in its new shape (its create, the create that
    brings it, or the end of its alter).
``create_starts``, ``create_ends``, ``alter_starts``, ``alter_ends``
    the first / last statement of the object's own create or alter.

A step that names nothing in this plan (an object not created, say) makes no edge.
"""

from __future__ import annotations

from typing import NamedTuple

MOMENTS = frozenset({"dropped", "gone", "ready", "create_starts", "create_ends", "alter_starts", "alter_ends"})


class Step(NamedTuple):
    key: str
    moment: str


class Edge(NamedTuple):
    """``first`` runs before ``then``."""

    first: Step
    then: Step


class _Rule:
    def __init__(self, then: Step) -> None:
        self.then = then

    def after(self, first: Step) -> Edge:
        return Edge(first, self.then)


def must_run(step: Step) -> _Rule:
    """``must_run(Step(k, "dropped")).after(Step(s, "alter_ends"))``: an Edge, read as it is written."""
    assert step.moment in MOMENTS, step.moment
    return _Rule(step)
