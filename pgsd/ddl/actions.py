"""What happens to each key: classification of the changes, then propagation.

1. ``classify``: each change becomes an action on its key: create (added), drop
   (removed), alter (changed, when the renderer can alter in place) or recreate (drop +
   create, when it cannot).
2. ``propagate``: actions spread along the dependency edges. Whatever depends (in the
   target) on an object that is dropped must be dropped first, and is recreated
   afterwards when the source still has it; an in-place alter that PostgreSQL refuses
   while views use the object (``breaks_dependents``) does the same to its viewish
   dependents. Children (columns, constraints, indexes, ...) go and come with their
   table, and so does what a renderer says a drop takes along or a create brings
   (``Renderer.takes_along`` / ``brings``, also on the statements as
   ``Statement.drops`` / ``creates``: a column's owned sequence, the columns of a
   CREATE TABLE): those are *implicit* drops and creates, which no statement of their
   own performs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pgsd.ddl.context import COLUMN_HOLDERS, RenderContext, inherited_columns
from pgsd.ddl.incremental import PlanCache
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer
from pgsd.diff.changes import Change, ChangeSet, Status
from pgsd.errors import PlanError
from pgsd.model.kinds import UNMODELLED_PREFIX, kind_of
from pgsd.model.objects import DbObject

__all__ = ["Actions", "classify", "inherited_columns", "propagate"]


@dataclass
class Actions:
    """The planner's decisions, key by key."""

    cs: ChangeSet
    ctx: RenderContext
    rend: dict[str, Renderer]
    cache: PlanCache
    """What earlier plans of this change set computed that no selection changes (incremental.py)."""
    drop: set[str] = field(default_factory=set)
    """Keys dropped explicitly (removed, or first half of a recreate)."""
    create: set[str] = field(default_factory=set)
    alter: dict[str, list[Statement]] = field(default_factory=dict)
    implicit_drop: dict[str, str] = field(default_factory=dict)
    """Key -> the key whose drop takes it along (a table's columns, an owned sequence)."""
    implicit_create: dict[str, str] = field(default_factory=dict)
    """Key -> the key whose create brings it (a new table's columns)."""
    breakers: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)

    _takes_along: dict[str, Callable[[DbObject, RenderContext], tuple[str, ...]]] = field(default_factory=dict)
    _brings: dict[str, Callable[[DbObject, RenderContext], tuple[str, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # only the kinds whose renderer says anything: the planner asks for every object a
        # drop reaches, and most kinds say nothing
        for kind, r in self.rend.items():
            if type(r).takes_along is not Renderer.takes_along:
                self._takes_along[kind] = r.takes_along
            if type(r).brings is not Renderer.brings:
                self._brings[kind] = r.brings

    def takes_along(self, obj: DbObject) -> tuple[str, ...]:
        """What the renderer says dropping ``obj`` removes too (``Renderer.takes_along``)."""
        said = self._takes_along.get(obj.kind)
        if said is None:
            return ()
        known = self.cache.taken_along.get(id(obj))
        if known is None:
            known = self.cache.taken_along[id(obj)] = tuple(said(obj, self.ctx))
        return known

    def brings(self, obj: DbObject) -> tuple[str, ...]:
        """What the renderer says creating ``obj`` creates too (``Renderer.brings``)."""
        said = self._brings.get(obj.kind)
        if said is None:
            return ()
        known = self.cache.brought.get(id(obj))
        if known is None:
            known = self.cache.brought[id(obj)] = tuple(said(obj, self.ctx))
        return known

    def renderer(self, obj: DbObject) -> Renderer:
        try:
            return self.rend[obj.kind]
        except KeyError:
            raise PlanError(f"no DDL renderer for {obj.kind} {obj.display_name}") from None

    def gone(self, key: str) -> bool:
        return key in self.drop or key in self.implicit_drop


# ---------------------------------------------------------------------------- classify


def classify(state: Actions, changes: list[Change]) -> None:
    for c in changes:
        if c.status is Status.ADDED:
            state.create.add(c.key)
            state.reasons[c.key] = "added in the source"
        elif c.status is Status.REMOVED:
            state.drop.add(c.key)
            state.reasons[c.key] = "not in the source"
        else:
            _classify_changed(state, c)


def _classify_changed(state: Actions, c: Change) -> None:
    out, breaks = state.cache.memo(("classify", c.key), lambda: _alter_of(state, c))
    names = ", ".join(sorted(c.changed_fields))
    if out is None:
        state.drop.add(c.key)
        state.create.add(c.key)
        state.reasons[c.key] = f"changed ({names}): recreated"
    else:
        state.alter[c.key] = list(out)
        state.reasons[c.key] = f"changed ({names})"
        if breaks:
            state.breakers.add(c.key)


def _alter_of(state: Actions, c: Change) -> tuple[tuple[Statement, ...] | None, bool]:
    """The statements that alter ``c``'s object in place (None: it is recreated), and whether they
    break its dependents: a pure function of the change."""
    old, new = state.cs.target.get(c.key), state.cs.source.get(c.key)
    assert old is not None and new is not None
    changed = c.changed_fields
    out = None if "kind" in changed else state.renderer(new).alter(old, new, changed, state.ctx)
    if out is None:
        return None, False
    return tuple(out), state.renderer(new).breaks_dependents(old, new, changed, state.ctx)


# ---------------------------------------------------------------------------- propagate


def propagate(state: Actions) -> None:
    """Spread drops and recreates to children and dependents until nothing changes."""
    _Spread(state).run()
    _refuse_unmodelled_dependents(state)
    _foreign_keys_between_dropped_tables(state)
    _partition_membership(state)
    _columns_come_with_their_table(state)
    _inherited_columns_come_with_their_parent(state)


_REBUILT_TYPES = ("enum", "domain", "range", "composite")
"""Kinds whose breaking alter is a rebuild (types.py ``rebuild``): renamed away, created
anew, columns converted, the old one dropped."""
_USES_OF_A_TYPE = ("index", "constraint")
"""Besides the viewish kinds, what holds an expression that names a rebuilt type (an index
predicate or expression, a check) and so must be dropped before the rebuild and recreated
after: left in place it would compare the new type with the renamed-away one. Columns
are converted by the rebuild itself; types built on it are rebuilt with it."""


class _Spread:
    """Drops (and the recreates they force) reaching children, owned sequences and dependents."""

    def __init__(self, state: Actions) -> None:
        self.state = state
        self.src, self.tgt = state.cs.source, state.cs.target
        self.dependents = self.tgt.dependents
        self.children = self.tgt.children()
        self.src_references: dict[str, list[str]] = {}
        """What altered objects depend on in the source (``_source_depends_on``)."""

    def run(self) -> None:
        state = self.state
        changed = True
        while changed:
            changed = False
            for key in sorted(state.drop | set(state.implicit_drop)):
                changed |= self._from_dropped(key)
            for key in sorted(state.breakers):
                also = _USES_OF_A_TYPE if self.tgt.by_key[key].kind in _REBUILT_TYPES else ()
                for dep in sorted(self.dependents.get(key, ())):
                    changed |= self._drop_dependent(dep, key, viewish_only=True, also=also)

    def _from_dropped(self, key: str) -> bool:
        """Children and what its drop says it drops go with it (its create brings the source's
        back); dependents go first."""
        changed = False
        for child in self.children.get(key, ()):
            changed |= self._take_along(child.key, key)
        for along in self.state.takes_along(self.tgt.by_key[key]):
            if not self._moved_off(along, key):
                changed |= self._take_along(along, key)
        for dep in sorted(self.dependents.get(key, ())):
            changed |= self._drop_dependent(dep, key)
        return changed

    def _source_depends_on(self, key: str, because: str) -> bool:
        """Whether ``key`` depends on ``because`` in the source; ``key`` is being altered.

        What the altered objects depend on is looked up together, in one pass over the
        source's edges (again only if the alters grew since), not as the map of every
        object's references (``Snapshot.references_of``).
        """
        refs = self.src_references.get(key)
        if refs is None:
            wanted = {k for k in self.state.alter if k not in self.src_references}
            wanted.add(key)
            self.src_references.update(self.src.references_of(wanted))
            refs = self.src_references[key]
        return because in refs

    def _moved_off(self, key: str, owner: str) -> bool:
        """``key`` is owned by another object in the source, and its own alter moves it there
        before ``owner`` goes (a sequence re-owned by another column)."""
        new = self.src.get(key)
        return new is not None and getattr(new, "owned_by", owner) != owner and key in self.state.alter

    def _take_along(self, key: str, by: str) -> bool:
        """``key`` disappears when ``by`` is dropped; bring it back if the source has it."""
        state = self.state
        if key in state.implicit_drop:
            return False
        state.drop.discard(key)
        state.alter.pop(key, None)
        state.implicit_drop[key] = by
        if self.src.get(key) is not None:
            state.create.add(key)
            state.reasons[key] = f"recreated: it goes with {by}"
        return True

    def _drop_dependent(self, key: str, because: str, *, viewish_only: bool = False,
                        also: tuple[str, ...] = ()) -> bool:
        state = self.state
        obj = self.tgt.get(key)
        if obj is None or state.gone(key):
            return False
        if viewish_only and not kind_of(obj.kind).viewish and obj.kind not in also:
            return False
        if key in state.alter and self.src.get(key) is not None and not self._source_depends_on(key, because):
            return False  # its own alter moves it off the object that goes away
        state.alter.pop(key, None)
        state.drop.add(key)
        if self.src.get(key) is not None:
            state.create.add(key)
            state.reasons[key] = f"recreated because {because} changes"
        else:
            state.reasons.setdefault(key, f"dropped with {because}")
        return True


def _columns_come_with_their_table(state: Actions) -> None:
    """A new or recreated table brings what its CREATE says it creates (its columns), and its other children."""
    src, tgt = state.cs.source, state.cs.target
    src_children = src.children()
    # the new tables, found among the source's tables: from an empty database, looking
    # at every created key would look at every column too
    create = state.create
    tables = sorted((o.key, o) for kind in COLUMN_HOLDERS for o in src.of_kind(kind) if o.key in create)
    for key, obj in tables:
        brought = set(state.brings(obj))
        for child in src_children.get(key, ()):
            if child.key in brought:
                state.implicit_create[child.key] = key
                state.create.discard(child.key)
            elif tgt.get(child.key) is None or state.gone(child.key):
                state.create.add(child.key)
                state.reasons.setdefault(child.key, f"created with {key}")


def _inherited_columns_come_with_their_parent(state: Actions) -> None:
    """What a created object brings besides its children needs no create of its own
    (a new column of a parent table brings the inheriting tables' copies of it)."""
    src = state.cs.source
    for key in sorted(state.create | set(state.implicit_create)):
        obj = src.get(key)
        assert obj is not None
        for brought in state.brings(obj):
            if brought in state.create:
                state.create.discard(brought)
                state.implicit_create[brought] = key


def _partition_membership(state: Actions) -> None:
    """What an alter says it creates or drops needs no statement of its own.

    The columns of a table that becomes (or stops being) a partition are not listed on
    one side, but exist all along: ATTACH hides them from the listing, DETACH reveals
    them (``partition_changes``), so they need no ADD/DROP COLUMN.
    """
    for key, statements in list(state.alter.items()):
        for s in statements:
            for col in s.creates:
                if col in state.create:
                    state.create.discard(col)
                    state.implicit_create[col] = key
            for col in s.drops:
                if col in state.drop:
                    state.drop.discard(col)
                    state.implicit_drop[col] = key


def _foreign_keys_between_dropped_tables(state: Actions) -> None:
    """Foreign keys that go with their tables but make a cycle of references among dropped
    tables are dropped on their own first: such tables cannot be dropped one by one ("other
    objects depend on it"), and ``DROP TABLE`` would take the key along too late."""
    tgt = state.cs.target
    # the edges out of what goes with its table, in (dependent, dependency) order: the
    # target's other edges (nearly all of them) cannot make such a key
    references = state.cache.target_references_of(state.implicit_drop)
    keys: dict[str, tuple[str, str]] = {}  # foreign key -> (its table, the table it references)
    for dependent in sorted(k for k, refs in references.items() if refs):
        owner = state.implicit_drop[dependent]
        obj = tgt.get(dependent)
        if obj is None or obj.kind != "constraint" or getattr(obj, "type", None) != "f":
            continue
        for dependency in sorted(references[dependent]):
            ref = tgt.get(dependency)
            if ref is None:
                continue
            table = ref.parent_key or ref.key
            if table != owner and state.gone(table):
                keys[dependent] = (owner, table)
    refs: dict[str, set[str]] = {}
    for owner, table in keys.values():
        refs.setdefault(owner, set()).add(table)

    def reaches(start: str, goal: str) -> bool:
        seen: set[str] = set()
        todo = [start]
        while todo:
            t = todo.pop()
            if t == goal:
                return True
            if t not in seen:
                seen.add(t)
                todo.extend(refs.get(t, ()))
        return False

    for fk, (owner, table) in sorted(keys.items()):
        if reaches(table, owner):
            del state.implicit_drop[fk]
            state.drop.add(fk)
            state.reasons.setdefault(fk, f"dropped before {owner}: its references to {table} make a cycle")


def _refuse_unmodelled_dependents(state: Actions) -> None:
    """Objects pgsd does not model cannot be dropped and recreated around a change: when one
    uses what the plan drops or rebuilds, the script would fail half-way, so say so now."""
    dependents = state.cs.target.dependents
    blocked: dict[str, str] = {}
    for key in sorted(state.drop | set(state.implicit_drop) | state.breakers):
        obj = state.cs.target.get(key)
        if obj is not None and obj.kind == "extension":
            continue  # operator classes and the like of an extension's own go with it
        for dep in dependents.get(key, ()):
            if dep.startswith(UNMODELLED_PREFIX):
                used = f"{kind_of(obj.kind).label} {obj.display_name}" if obj is not None else key
                blocked.setdefault(dep.removeprefix(UNMODELLED_PREFIX), used)
    if blocked:
        named = [f"{what} uses {used}" for what, used in sorted(blocked.items())]
        uses = "; ".join(named[:3]) + (f"; and {len(named) - 3} more" if len(named) > 3 else "")
        raise PlanError(f"cannot plan: objects pgsd does not compare depend on what the plan drops or rebuilds"
                        f" ({uses}); drop or change them by hand first")
