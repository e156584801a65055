"""The renderer contract, and the parts every kind shares: comments, grants, owners.

A renderer turns one object (or one pair of versions of it) into statements:

* ``create(obj, ctx)``: statements that create ``obj`` as it is in the source, including
  its comment, grants and (when owners are compared) owner.
* ``drop(obj, ctx)``: statements that drop ``obj`` as it is in the target.
* ``alter(old, new, changed, ctx)``: statements that turn ``old`` (target) into ``new``
  (source), given the set of compared fields that differ; ``None`` means it cannot be
  altered in place, and the planner drops and recreates it (with its dependents).

Renderers never order statements across objects: the planner does, from dependencies.
What only the kind knows about order, a renderer states next to its statements:
``ordering`` (edges such as "re-own this sequence before that column goes", see
steps.py), ``occupies`` (names a new object must wait for) and ``tie_break`` (which of
its kind goes first when the planner has a free choice).
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.steps import Edge
from pgsd.model.kinds import kind_of
from pgsd.model.names import quote_ident, quote_literal, quote_role
from pgsd.model.objects import DbObject

COMMON_FIELDS = frozenset({"owner", "comment", "acl"})

# aclitem privilege letters -> SQL privilege words.
PRIVILEGE_WORDS = {
    "r": "SELECT",
    "w": "UPDATE",
    "a": "INSERT",
    "d": "DELETE",
    "D": "TRUNCATE",
    "x": "REFERENCES",
    "t": "TRIGGER",
    "X": "EXECUTE",
    "U": "USAGE",
    "C": "CREATE",
    "c": "CONNECT",
    "T": "TEMPORARY",
    "s": "SET",
    "A": "ALTER SYSTEM",
    "m": "MAINTAIN",
}


def stmt(sql: str, obj: DbObject, action: str, *hazards: Hazard, transactional: bool = True,
         requires: tuple[str, ...] = (), key: str | None = None, creates: tuple[str, ...] = (),
         drops: tuple[str, ...] = ()) -> Statement:
    # without validation (plan.py, "Statements without validation"): the types are the
    # signature's, made sure of here for what a caller might pass as a list
    return Statement.rendered(sql, key or obj.key, action, hazards, bool(transactional),
                              tuple(requires), tuple(creates), tuple(drops))


def hazard(kind: HazardType, message: str) -> Hazard:
    return Hazard(type=kind, message=message)


def parse_acl_item(item: str) -> tuple[str, dict[str, bool]]:
    """``grantee=privs`` -> (grantee, {letter: with_grant_option})."""
    grantee, _, privs = item.partition("=")
    out: dict[str, bool] = {}
    i = 0
    while i < len(privs):
        letter = privs[i]
        grant_option = i + 1 < len(privs) and privs[i + 1] == "*"
        out[letter] = grant_option
        i += 2 if grant_option else 1
    return grantee or "PUBLIC", out


def acl_map(acl: tuple[str, ...]) -> dict[str, dict[str, bool]]:
    result: dict[str, dict[str, bool]] = {}
    for item in acl:
        grantee, privs = parse_acl_item(item)
        result.setdefault(grantee, {}).update(privs)
    return result


class Renderer:
    """Default behaviour: recreate on any kind-specific change; shared fields altered in place."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        raise NotImplementedError(f"no create renderer for {obj.kind}")

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        raise NotImplementedError(f"no drop renderer for {obj.kind}")

    def alter(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        specific = changed - COMMON_FIELDS
        if specific:
            out = self.alter_specific(old, new, specific, ctx)
            if out is None:
                return None
        else:
            out = []
        return out + self.alter_common(old, new, changed, ctx)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """Kind-specific in-place changes; the default is to recreate."""
        return None

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        """True when the in-place alter is refused while views/rules/policies/triggers use the object.

        The planner then drops those dependents before the alter and recreates them after
        (e.g. a column type or collation change, an enum recreated under a new name).
        """
        return False

    # ------------------------------------------------------------ ordering facts

    def ordering(self, action: str, old: DbObject | None, new: DbObject | None, changed: set[str],
                 ctx: RenderContext) -> list[Edge]:
        """Edges only this kind knows, for its ``action`` (create, alter, drop) on ``old`` (the
        target's version) / ``new`` (the source's); ``changed`` as for ``alter``."""
        return []

    def takes_along(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """Keys besides its children that dropping ``obj`` (the target's) removes too.

        ``drop`` puts them on its statement (``Statement.drops``); the planner asks here,
        without rendering, for every object a drop reaches.
        """
        return ()

    def brings(self, obj: DbObject, ctx: RenderContext) -> tuple[str, ...]:
        """Keys that creating ``obj`` (the source's) creates too; ``create`` puts them on its statement."""
        return ()

    def occupies(self, obj: DbObject) -> list[tuple[str, ...]]:
        """Names ``obj`` takes that an object of another kind could also want.

        A new object that takes one waits until a dropped object holding it is gone.
        """
        kind = kind_of(obj.kind)
        out: list[tuple[str, ...]] = []
        if kind.relation:
            out.append(("rel", obj.schema_name or "", obj.name))
        if kind.type_name:
            out.append(("type", obj.schema_name or "", obj.name))
        return out

    def tie_break(self, obj: DbObject) -> int:
        """Order among objects of this kind ready at the same time (lower first; reversed for drops)."""
        return 0

    # ------------------------------------------------------------ shared fields

    def object_ref(self, obj: DbObject) -> str:
        """How COMMENT ON / GRANT / ALTER ... OWNER name this object (``TABLE s.t``)."""
        return f"{obj.sql_kind()} {obj.qualified_name}"

    def grant_target(self, obj: DbObject) -> str:
        return self.object_ref(obj)

    def alter_common(self, old: DbObject | None, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement]:
        out: list[Statement] = []
        if "owner" in changed and new.owner:
            out.append(stmt(f"ALTER {self.object_ref(new)} OWNER TO {quote_role(new.owner)}", new, "alter",
                            requires=(f"role:{quote_ident(new.owner)}",)))
        if "comment" in changed:
            out.append(self.comment_statement(new))
        if "acl" in changed:
            out.extend(self.grant_statements(old.acl if old is not None else None, new))
        return out

    def after_create(self, obj: DbObject, ctx: RenderContext, *, compare_owner: bool = False) -> list[Statement]:
        """Comment, grants and owner of a freshly created object."""
        out: list[Statement] = []
        if obj.comment is not None:
            out.append(self.comment_statement(obj))
        out.extend(self.grant_statements(None, obj))
        return out

    def comment_statement(self, obj: DbObject) -> Statement:
        text = "NULL" if obj.comment is None else quote_literal(obj.comment)
        return stmt(f"COMMENT ON {self.object_ref(obj)} IS {text}", obj, "alter")

    def default_acl(self, obj: DbObject) -> tuple[str, ...] | None:
        """The ACL a new object gets implicitly (None = unknown: revoke/grant everything)."""
        return ()

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        old = old_acl if old_acl is not None else (self.default_acl(new) or ())
        if not old and not new.acl:
            return []  # most objects, and every new index and constraint: nothing to compare
        before = acl_map(old)
        after = acl_map(new.acl)
        target = self.grant_target(new)
        out: list[Statement] = []
        for grantee in sorted(set(before) | set(after)):
            was = before.get(grantee, {})
            now = after.get(grantee, {})
            revoke = sorted(p for p in was if p not in now)
            revoke_option = sorted(p for p in was if p in now and was[p] and not now[p])
            grant = sorted(p for p in now if p not in was or (now[p] and not was[p]))
            who = quote_role(grantee)
            role = () if who == "PUBLIC" else (f"role:{quote_ident(grantee)}",)  # after its CREATE ROLE (--roles)
            if revoke:
                words = ", ".join(PRIVILEGE_WORDS.get(p, p) for p in revoke)
                out.append(stmt(f"REVOKE {words} ON {target} FROM {who}", new, "alter"))
            if revoke_option:
                words = ", ".join(PRIVILEGE_WORDS.get(p, p) for p in revoke_option)
                out.append(stmt(f"REVOKE GRANT OPTION FOR {words} ON {target} FROM {who}", new, "alter"))
            plain = [p for p in grant if not now[p]]
            with_option = [p for p in grant if now[p]]
            if plain:
                words = ", ".join(PRIVILEGE_WORDS.get(p, p) for p in plain)
                out.append(stmt(f"GRANT {words} ON {target} TO {who}", new, "alter", requires=role))
            if with_option:
                words = ", ".join(PRIVILEGE_WORDS.get(p, p) for p in with_option)
                out.append(stmt(f"GRANT {words} ON {target} TO {who} WITH GRANT OPTION", new, "alter",
                                requires=role))
        return out
