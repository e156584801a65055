"""Operators, operator families and operator classes.

An operator's estimators change in place (``ALTER OPERATOR ... SET (RESTRICT, JOIN)``);
anything else recreates it. A commutator or negator that does not exist yet is made a
shell by CREATE OPERATOR and filled in when its own CREATE OPERATOR runs, so operators
that name each other need no order between them.

A family is created empty and given its loose members with ALTER OPERATOR FAMILY ... ADD;
members added or removed later are added or dropped in place. A class is created with all
its members inside its family; any change recreates it (and, through pg_depend, the
indexes that use it). None of the three has privileges.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer, stmt
from pgsd.model.names import quote_ident
from pgsd.model.objects import DbObject, Operator, OperatorClass, OperatorFamily, OperatorMember


def member_sql(m: OperatorMember) -> str:
    """A member as CREATE OPERATOR CLASS and ALTER OPERATOR FAMILY ... ADD write it."""
    types = f"({m.left}, {m.right})"
    if m.member == "operator":
        sql = f"OPERATOR {m.number} {m.target} {types}"
        if m.order_by:
            sql += f" FOR ORDER BY {m.order_by}"
        return sql
    return f"FUNCTION {m.number} {types} {m.target}"


def member_drop_sql(m: OperatorMember) -> str:
    return f"{m.member.upper()} {m.number} ({m.left}, {m.right})"


class OperatorRenderer(Renderer):
    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, Operator)
        return f"OPERATOR {obj.qualified_name} ({obj.left}, {obj.right})"

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Operator)
        opts = []
        if obj.left != "NONE":
            opts.append(f"LEFTARG = {obj.left}")
        if obj.right != "NONE":
            opts.append(f"RIGHTARG = {obj.right}")
        opts.append(f"FUNCTION = {obj.function}")
        if obj.commutator:
            opts.append(f"COMMUTATOR = OPERATOR({obj.commutator})")
        if obj.negator:
            opts.append(f"NEGATOR = OPERATOR({obj.negator})")
        if obj.restrict:
            opts.append(f"RESTRICT = {obj.restrict}")
        if obj.join:
            opts.append(f"JOIN = {obj.join}")
        if obj.hashes:
            opts.append("HASHES")
        if obj.merges:
            opts.append("MERGES")
        sql = f"CREATE OPERATOR {obj.qualified_name} ({', '.join(opts)})"
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP {self.object_ref(obj)}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(new, Operator)
        if changed - {"restrict", "join"}:
            return None
        sets = [f"{word} = {getattr(new, field) or 'NONE'}"
                for word, field in (("RESTRICT", "restrict"), ("JOIN", "join")) if field in changed]
        return [stmt(f"ALTER {self.object_ref(new)} SET ({', '.join(sets)})", new, "alter")]

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []


class _UsingRenderer(Renderer):
    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, (OperatorFamily, OperatorClass))
        return f"{obj.SQL_KIND} {obj.qualified_name} USING {quote_ident(obj.method)}"

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP {self.object_ref(obj)}", obj, "drop")]

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []


class OperatorFamilyRenderer(_UsingRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, OperatorFamily)
        out = [stmt(f"CREATE {self.object_ref(obj)}", obj, "create")]
        if obj.members:
            out.append(self._members(obj, "ADD", [member_sql(m) for m in obj.members], "create"))
        return out + self.after_create(obj, ctx, compare_owner=ctx.options.owners)

    def _members(self, obj: OperatorFamily, verb: str, items: list[str], action: str) -> Statement:
        body = ",\n  ".join(items)
        return stmt(f"ALTER {self.object_ref(obj)} {verb}\n  {body}", obj, action)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, OperatorFamily) and isinstance(new, OperatorFamily)
        if changed != {"members"}:
            return None
        gone = [m for m in old.members if m not in new.members]
        added = [m for m in new.members if m not in old.members]
        out = []
        if gone:
            out.append(self._members(new, "DROP", [member_drop_sql(m) for m in gone], "alter"))
        if added:
            out.append(self._members(new, "ADD", [member_sql(m) for m in added], "alter"))
        return out


class OperatorClassRenderer(_UsingRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, OperatorClass)
        items = [member_sql(m) for m in obj.members]
        if obj.storage or not items:
            items.append(f"STORAGE {obj.storage or obj.type}")
        body = ",\n  ".join(items)
        sql = (f"CREATE OPERATOR CLASS {obj.qualified_name}{' DEFAULT' if obj.is_default else ''}"
               f" FOR TYPE {obj.type} USING {quote_ident(obj.method)} FAMILY {obj.family} AS\n  {body}")
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]


RENDERERS: dict[str, Renderer] = {
    "operator": OperatorRenderer(),
    "operator_family": OperatorFamilyRenderer(),
    "operator_class": OperatorClassRenderer(),
}
