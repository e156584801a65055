"""Objects that hang off a table or view: triggers, rules, policies, extended statistics.

They follow their parent: one is listed only when its relation was read by an earlier
loader (tables, foreign tables, views, materialized views register their pg_class OID),
so table filters, name globs and extension membership all carry over without being
repeated here. The parent's kind is taken from the key it registered, so
``TableChild.parent_key`` is always exactly that key.
"""

from __future__ import annotations

from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.routines import function_key
from pgsd.model.kinds import kinds_where
from pgsd.model.names import qualified
from pgsd.model.objects import DbObject, Policy, Rule, Statistics, Trigger

# Kinds a trigger/rule/policy can hang off; anything else registered under pg_class
# (an index, a sequence) is not a parent of these.
_PARENT_KINDS = kinds_where("holds_children")


def _parent_kind(ctx: LoadContext, row: dict[str, Any]) -> str | None:
    """The kind of the loaded relation this row belongs to, or None when it was not read."""
    key = ctx.key_of("pg_class", row["relid"])
    if key is None:
        return None
    kind = key.split(":", 1)[0]
    return kind if kind in _PARENT_KINDS else None


def load_triggers(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("triggers"):
        table_kind = _parent_kind(ctx, row)
        if table_kind is None:
            continue
        trigger = Trigger.from_catalog(  # without validation: about one per table in large schemas
            schema_name=row["schema_name"],
            table=row["table_name"],
            table_kind=table_kind,
            name=row["name"],
            comment=row["comment"],
            definition=row["definition"],
            enabled=row["enabled"],
            is_constraint=row["is_constraint"],
            function=function_key(row["function_schema"], row["function_name"], row["function_args"]),
        )
        out.append(trigger)
        ctx.register("pg_trigger", row["oid"], trigger.key)
    return out


def load_rules(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("rules"):
        table_kind = _parent_kind(ctx, row)
        if table_kind is None:
            continue
        rule = Rule(
            schema_name=row["schema_name"],
            table=row["table_name"],
            table_kind=table_kind,
            name=row["name"],
            comment=row["comment"],
            definition=row["definition"],
            enabled=row["enabled"],
        )
        out.append(rule)
        ctx.register("pg_rewrite", row["oid"], rule.key)
    return out


def load_policies(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("policies"):
        table_kind = _parent_kind(ctx, row)
        if table_kind is None:
            continue
        policy = Policy(
            schema_name=row["schema_name"],
            table=row["table_name"],
            table_kind=table_kind,
            name=row["name"],
            comment=row["comment"],
            command=row["command"],
            permissive=row["permissive"],
            # Role order in polroles is creation order, which carries no meaning.
            roles=tuple(sorted(row["roles"] or ())),
            using=row["using_expr"],
            with_check=row["with_check"],
        )
        out.append(policy)
        ctx.register("pg_policy", row["oid"], policy.key)
    return out


def load_statistics(ctx: LoadContext) -> list[DbObject]:
    """Statistics objects are schema objects in their own right, but exist only with their table."""
    out: list[DbObject] = []
    for row in ctx.fetch("statistics"):
        if _parent_kind(ctx, row) is None:
            continue
        stats = Statistics(
            schema_name=row["schema_name"],
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            definition=row["definition"],
            table=qualified(row["table_schema"], row["table_name"]),
            target=row["target"],
        )
        out.append(stats)
        ctx.register("pg_statistic_ext", row["oid"], stats.key)
    return out
