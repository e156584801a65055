"""What the ``--verify`` copy holds: the part of the target a plan can reach, not all of it.

Building the copy is what verification costs: PostgreSQL running the DDL of every table,
index and constraint of the target (``workflow.scratch_copy``). A migration touches a few
percent of a schema, and a statement can only succeed, fail or change something through
the objects it names and what PostgreSQL links to them in ``pg_depend``: the dependents it
refuses to drop or change the shape of (views, foreign keys, indexes, defaults, triggers,
partitions and inheritance children, columns of a domain), and what it needs to exist.
So the copy holds:

* the objects that differ between source and target, the objects the plan's statements
  name (their own key, and what they create, drop and require), and everything in the
  target that depends on them, transitively, with every child of a table among them (a
  dropped table takes its constraints and indexes along, and their dependents with them;
  a sequence a column owns goes with the column);
* everything those objects need, in the target and, for what the plan creates, in the
  source (a new foreign key needs the referenced table and its key): transitively, each
  table with all its columns (a table's shape is its columns), a column's table, a
  sequence's owning column, and a partition's or inheriting table's parents with
  everything they hold (a partition holds copies of its parent's keys, checks, indexes
  and triggers, which pg_depend does not link to the parent's);
* the partitions and inheriting tables of a table whose columns, constraints or indexes
  the plan changes (PostgreSQL passes the change down; the partition's columns are linked
  to the parent's by pg_inherits, not pg_depend);
* default privileges, always (they give the objects the plan creates their grants).

Nothing outside it can make a statement of the plan fail or be changed by one: PostgreSQL
refuses and propagates DDL along exactly these links (``pg_depend``, which pgsd's
dependency edges are read from, and ``pg_inherits``), and a name the plan creates cannot
collide with an object the plan leaves alone, as both would then be in the source. The
comparisons of verification are limited the same way: the copy is checked against the
target's part, and after the plan against the source's objects of that part and what the
plan creates (everything the copy holds after the plan is compared: an object the plan
made that the source lacks shows).

This rests on the plan's statements saying what they act on, which holds for a plan pgsd
has just made. A plan read from a file may have been edited (a ``CASCADE`` added, a
statement replaced), so the CLI verifies such a plan on the whole target. The whole target
is copied as well:

* when the plan changes roles (what a role owns or may use is recorded in
  ``pg_shdepend``, outside pgsd's edges);
* when functions of the target run while the plan does, as what a function's body uses is
  recorded nowhere: the target's event triggers run on every DDL statement, and with
  ``--verify-rows`` triggers, checks and casts run on the copied rows (an audit trigger
  writing to a table of its own, say). Missing objects there would make the proof fail
  where the target would not;
* when the part would be most of the target anyway.

``--verify-whole`` asks for it: a slower proof that also shows pgsd reproducing all of the
target.

Measured on ``bench/gen_schema.py``'s 2,000-table pair (PostgreSQL 18, 2026-12-03, quiet
machine): the plan's 536 statements reach 8,019 of the target's 49,222 objects (362 of
2,000 tables), found in 0.2-0.4 s of client CPU (most of it the lookup tables of edges,
built once); the copy's build drops from 23,507 statements to 3,238, and ``pgsd diff
--verify`` on a throwaway cluster from 12.25 s to 4.96 s, 6.0x to 2.4x a plain ``pgsd
diff`` (``bench/verify.py --runs 5 --throwaway --baseline``, interleaved). Checked against
copying the whole target on the acceptance cases and the peer corpus, both directions,
each plan and plans with a statement removed or two swapped: 883 verdicts, all the same,
456 of them on a part smaller than the whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from pgsd.ddl.plan import Plan
from pgsd.model.snapshot import Snapshot

TABLE_KINDS = ("table", "foreign_table")

ACTS_ON_EVERY_STATEMENT = ("default_privilege",)
"""Kinds whose objects take part in DDL on other objects: always in the copy."""

WHOLE_SHARE = 0.6
"""When the plan reaches more than this share of the target's objects, the whole target is copied
(a part that large saves little, and the whole copy also proves pgsd reproduces everything)."""


class Reach(NamedTuple):
    """The target's objects a verification copies: ``keys``, or all of them (None) ``because``."""

    keys: set[str] | None
    because: str = ""


def plan_reach(plan: Plan, source: Snapshot, target: Snapshot, differing: Iterable[str]) -> Reach:
    """The keys of the target's objects the copy must hold for ``plan`` (see the module's docstring).

    ``differing``: the keys of every object that differs between ``source`` and ``target``.
    What the plan should change is what differs, whatever its statements say: an object
    whose statement is missing (a planner's mistake) is in the copy all the same, and the
    comparison after the plan shows it unchanged.
    """
    changed: set[str] = set(differing)
    named: set[str] = set()
    for statement in (*plan.statements, *plan.withheld):
        changed.add(statement.key)
        changed.update(statement.creates)
        changed.update(statement.drops)
        named.update(statement.requires)
    if any(_kind(key) == "role" for key in changed):
        return Reach(None, "the plan changes roles")
    if any(target.of_kind("event_trigger")):
        return Reach(None, "the target has event triggers, which run functions on every statement")
    named |= changed
    in_target = target.by_key
    in_source = source.by_key
    children = target.children_by_parent
    dependents = target.dependents
    owned: dict[str, list[str]] = {}
    for sequence in target.of_kind("sequence"):
        owner = getattr(sequence, "owned_by", None)
        if owner:
            owned.setdefault(owner, []).append(sequence.key)
    heirs: dict[str, list[str]] = {}
    for kind in TABLE_KINDS:
        for table in target.of_kind(kind):
            for parent in _parents(table):
                heirs.setdefault(parent, []).append(table.key)

    def affected_by(key: str) -> Iterable[str]:
        obj = in_target.get(key)
        table = key if obj is None or obj.kind in TABLE_KINDS else obj.parent_key
        return (*dependents.get(key, ()), *(c.key for c in children.get(key, ())), *owned.get(key, ()),
                *heirs.get(table or "", ()))

    affected = _closure((key for key in changed if key in in_target), affected_by)
    needs_target = target.references
    needs_source = source.references

    def needed(key: str) -> Iterable[str]:
        obj = in_target.get(key) or in_source.get(key)
        out: list[str] = [*needs_target.get(key, ()), *needs_source.get(key, ())]
        if obj is None:
            return out
        parent = obj.parent_key
        if parent is not None:
            out.append(parent)
        owner = getattr(obj, "owned_by", None)
        if owner:
            out.append(owner)
        if obj.kind in TABLE_KINDS:
            out.extend(c.key for c in children.get(key, ()) if c.kind == "column")
            for version in (in_target.get(key), in_source.get(key)):
                for parent in _parents(version):
                    out.append(parent)
                    out.extend(c.key for c in children.get(parent, ()))
        return out

    always = [o.key for kind in ACTS_ON_EVERY_STATEMENT for o in target.of_kind(kind)]
    reach = {key for key in _closure([*affected, *named, *always], needed) if key in in_target}
    if len(reach) > WHOLE_SHARE * len(in_target):
        return Reach(None, "the plan reaches most of it")
    return Reach(reach)


def _kind(key: str) -> str:
    return key.partition(":")[0]


def _parents(table: object) -> list[str]:
    """The keys of a table's partitioned parent and inheritance parents (none for other objects)."""
    parent = getattr(table, "partition_of", None)
    return [f"table:{name}" for name in (*([parent] if parent else []), *getattr(table, "inherits", ()))]


def _closure(start: Iterable[str], step: Callable[[str], Iterable[str]]) -> set[str]:
    """Everything ``step`` leads to from ``start``, ``start`` included."""
    found: set[str] = set()
    pending = list(start)
    while pending:
        key = pending.pop()
        if key in found:
            continue
        found.add(key)
        pending.extend(k for k in step(key) if k not in found)
    return found
