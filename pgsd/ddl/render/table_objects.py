"""Objects that hang off a table: triggers, rules, row-level security policies, statistics.

Triggers, rules and policies are named *on* their table (``COMMENT ON TRIGGER t ON
s.tab``, ``DROP POLICY p ON s.tab``) and have no owner or grants of their own. Their
definitions come from ``pg_get_triggerdef`` / ``pg_get_ruledef`` /
``pg_get_statisticsobjdef``, complete CREATE statements that are replayed as they are;
a changed definition means drop and create (the planner does both; nothing can depend
on these objects). What can change in place is state kept outside the definition:
whether a trigger or rule fires (``ALTER TABLE ... ENABLE|DISABLE``), a policy's roles
and expressions (``ALTER POLICY``) and a statistics object's target.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer, stmt
from pgsd.ddl.render.routines import ENABLE_WORDS
from pgsd.ddl.render.views import strip_definition
from pgsd.model.names import quote_ident, quote_role
from pgsd.model.objects import DbObject, Policy, Rule, Statistics, TableChild, Trigger

POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}

# The ALTER word for each parent kind that has an enable state for triggers and rules.
# Views have none: their triggers are INSTEAD OF and their rules are not switchable.
_ALTER_WORD = {"table": "TABLE", "foreign_table": "FOREIGN TABLE"}


class _OnTable(Renderer):
    """Shared by triggers, rules and policies: ``KIND name ON s.table``."""

    def object_ref(self, obj: DbObject) -> str:
        assert isinstance(obj, TableChild)
        return f"{obj.sql_kind()} {quote_ident(obj.name)} ON {obj.table_name}"

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP {self.object_ref(obj)}", obj, "drop")]


class _Switchable(_OnTable):
    """Triggers and rules: a replayed definition plus the enable state (O/D/R/A)."""

    def enable_statement(self, obj: Trigger | Rule) -> Statement | None:
        word = _ALTER_WORD.get(obj.table_kind)
        if word is None:
            return None
        return stmt(
            f"ALTER {word} {obj.table_name} {ENABLE_WORDS.get(obj.enabled, 'ENABLE')} "
            f"{obj.sql_kind()} {quote_ident(obj.name)}",
            obj, "alter",
        )

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, (Trigger, Rule))
        out = [stmt(strip_definition(obj.definition), obj, "create")]
        # A new trigger or rule starts enabled ("O"); anything else is set afterwards.
        if obj.enabled != "O" and (enable := self.enable_statement(obj)) is not None:
            out.append(enable)
        out += self.after_create(obj, ctx, compare_owner=ctx.options.owners)
        return out

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(new, (Trigger, Rule))
        if changed != {"enabled"}:
            return None
        enable = self.enable_statement(new)
        return [enable] if enable is not None else []


class TriggerRenderer(_Switchable):
    """pg_get_triggerdef output (``CREATE [CONSTRAINT] TRIGGER ...``), replayed."""


class RuleRenderer(_Switchable):
    """pg_get_ruledef output (``CREATE RULE ...;``), replayed without its semicolon."""


class PolicyRenderer(_OnTable):
    """``CREATE POLICY``; roles and expressions change with ``ALTER POLICY``."""

    @staticmethod
    def _roles(policy: Policy) -> str:
        return ", ".join(quote_role(r) for r in policy.roles) or "PUBLIC"

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Policy)
        sql = (
            f"CREATE POLICY {quote_ident(obj.name)} ON {obj.table_name}"
            f"\n  AS {'PERMISSIVE' if obj.permissive else 'RESTRICTIVE'}"
            f"\n  FOR {POLICY_COMMANDS.get(obj.command, 'ALL')}"
            f"\n  TO {self._roles(obj)}"
        )
        if obj.using is not None:
            sql += f"\n  USING ({obj.using})"
        if obj.with_check is not None:
            sql += f"\n  WITH CHECK ({obj.with_check})"
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Policy) and isinstance(new, Policy)
        if changed - {"roles", "using", "with_check"}:
            return None
        # ALTER POLICY can replace an expression or add one, never remove one.
        if ("using" in changed and new.using is None) or ("with_check" in changed and new.with_check is None):
            return None
        sql = f"ALTER POLICY {quote_ident(new.name)} ON {new.table_name}"
        if "roles" in changed:
            sql += f"\n  TO {self._roles(new)}"
        if "using" in changed:
            sql += f"\n  USING ({new.using})"
        if "with_check" in changed:
            sql += f"\n  WITH CHECK ({new.with_check})"
        return [stmt(sql, new, "alter")]


class StatisticsRenderer(Renderer):
    """``CREATE STATISTICS`` (a schema object of its own), plus its statistics target."""

    def _target_statement(self, obj: Statistics) -> Statement:
        # -1 restores the default on every version (17 also accepts DEFAULT).
        target = obj.target if obj.target is not None else -1
        return stmt(f"ALTER STATISTICS {obj.qualified_name} SET STATISTICS {target}", obj, "alter")

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Statistics)
        out = [stmt(strip_definition(obj.definition), obj, "create")]
        if obj.target is not None:
            out.append(self._target_statement(obj))
        out += self.after_create(obj, ctx, compare_owner=ctx.options.owners)
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP STATISTICS {obj.qualified_name}", obj, "drop")]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(new, Statistics)
        if changed != {"target"}:
            return None
        return [self._target_statement(new)]


RENDERERS: dict[str, Renderer] = {
    "trigger": TriggerRenderer(),
    "rule": RuleRenderer(),
    "policy": PolicyRenderer(),
    "statistics": StatisticsRenderer(),
}
