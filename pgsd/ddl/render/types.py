"""User-defined types: enums, domains, composite and range types.

Types are granted USAGE to PUBLIC when created, so their default ACL is ``PUBLIC=U``.
Enums and composites change in place when PostgreSQL allows it; an enum that loses or
reorders labels is recreated under the same name with its columns converted, because
a plain drop and create would take every column using it along.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, stmt
from pgsd.ddl.render.columns import alter_prefix, column_ref, server_version
from pgsd.model.names import qualified, quote_ident, quote_literal, quote_role
from pgsd.model.objects import Column, CompositeType, DbObject, Domain, DomainCheck, EnumType, RangeType

MAX_IDENTIFIER_BYTES = 63
OLD_SUFFIX = "__pgsd_old"


class TypeRenderer(Renderer):
    """What all four kinds share: USAGE for PUBLIC by default, DROP TYPE."""

    def default_acl(self, obj: DbObject) -> tuple[str, ...] | None:
        return ("PUBLIC=U",)

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP {obj.sql_kind()} {obj.qualified_name}", obj, "drop")]

    def finish(self, first: Statement, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [first, *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]


# --------------------------------------------------------------------------- enums


def _is_subsequence(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    it = iter(big)
    return all(label in it for label in small)


def enum_additions(old: tuple[str, ...], new: tuple[str, ...]) -> list[str]:
    """``ADD VALUE 'x' BEFORE 'y'`` / ``AFTER 'z'`` clauses that turn ``old`` into ``new``.

    Labels are added in the new order. A label goes BEFORE the next label that already
    exists (labels added earlier stay before it too, so the order comes out exact), or
    AFTER the label just before it when nothing existing follows.
    """
    present = set(old)
    out = []
    for i, label in enumerate(new):
        if label in present:
            continue
        following = next((x for x in new[i + 1:] if x in present), None)
        if following is not None:
            out.append(f"ADD VALUE {quote_literal(label)} BEFORE {quote_literal(following)}")
        elif i > 0:
            out.append(f"ADD VALUE {quote_literal(label)} AFTER {quote_literal(new[i - 1])}")
        else:
            out.append(f"ADD VALUE {quote_literal(label)}")
        present.add(label)
    return out


def _old_name(name: str) -> str:
    """``name__pgsd_old``, shortened so PostgreSQL's 63-byte truncation cannot make it ``name``."""
    room = MAX_IDENTIFIER_BYTES - len(OLD_SUFFIX)
    raw = name.encode()[:room].decode(errors="ignore")
    return raw + OLD_SUFFIX


def columns_using(type_name: str, ctx: RenderContext) -> list[tuple[Column, bool]]:
    """Target columns of type ``type_name`` or its array, as (column, is_array).

    Inherited columns are left out: altering the parent's column converts them.
    """
    out = []
    names = (type_name, f"{type_name}[]")  # once: the loop sees every column of the target
    for obj in ctx.target.of_kind("column"):
        if not isinstance(obj, Column) or obj.type not in names:
            continue
        if obj.table_kind not in ("table", "foreign_table") or _inherited(obj, ctx):
            continue
        out.append((obj, obj.type.endswith("[]")))
    return out


def _inherited(col: Column, ctx: RenderContext) -> bool:
    if not col.is_local:
        return True
    table = ctx.in_target(col.parent_key)
    for parent in getattr(table, "inherits", ()) or ():
        if ctx.in_target(f"column:{parent}.{quote_ident(col.name)}") is not None:
            return True
    return bool(getattr(table, "partition_of", None))


class EnumRenderer(TypeRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, EnumType)
        labels = ", ".join(quote_literal(label) for label in obj.labels)
        return self.finish(stmt(f"CREATE TYPE {obj.qualified_name} AS ENUM ({labels})", obj, "create"), obj, ctx)

    def _needs_recreate(self, old: EnumType, new: EnumType) -> bool:
        return not _is_subsequence(old.labels, new.labels)

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        assert isinstance(old, EnumType) and isinstance(new, EnumType)
        return "labels" in changed and self._needs_recreate(old, new)

    def alter(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """A recreated enum is a new type: it gets all its grants, comment and owner anew."""
        assert isinstance(old, EnumType) and isinstance(new, EnumType)
        if "labels" in changed and self._needs_recreate(old, new):
            return self._recreate(old, new, ctx)
        return super().alter(old, new, changed, ctx)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """New labels only: one ADD VALUE each, outside a transaction.

        A label added in a transaction cannot be used before it commits, so the planner
        runs these on their own.
        """
        assert isinstance(old, EnumType) and isinstance(new, EnumType)
        if changed - {"labels"}:
            return None
        return [stmt(f"ALTER TYPE {new.qualified_name} {clause}", new, "alter", transactional=False)
                for clause in enum_additions(old.labels, new.labels)]

    def _recreate(self, old: EnumType, new: EnumType, ctx: RenderContext) -> list[Statement]:
        """Rename the old type away, create the new one, convert every column through text.

        Column defaults are dropped around the conversion (they are typed with the old
        enum) and put back from the source when the column is still there.
        """
        name = new.qualified_name
        old_name = qualified(new.schema_name, _old_name(new.name))
        removed = [label for label in old.labels if label not in new.labels]
        hz: tuple[Hazard, ...] = ()
        if removed:
            gone = ", ".join(quote_literal(label) for label in removed)
            hz = (hazard(HazardType.DATA_LOSS,
                         f"enum {name} loses labels {gone}: rows holding them make the conversion fail"),)

        def add(sql: str, action: str = "alter") -> None:
            out.append(stmt(sql, new, action, *hz))

        out: list[Statement] = []
        add(f"ALTER TYPE {name} RENAME TO {quote_ident(_old_name(new.name))}")
        labels = ", ".join(quote_literal(label) for label in new.labels)
        add(f"CREATE TYPE {name} AS ENUM ({labels})")
        for col, is_array in columns_using(name, ctx):
            source = ctx.in_source(col.key)
            if source is None:
                continue  # the plan drops this column before the enum is rebuilt
            alter = f"{alter_prefix(col)} ALTER COLUMN {quote_ident(col.name)}"
            if isinstance(source, Column):
                default = source.default if source.type == col.type and not source.generated else None
            else:
                default = col.default if not col.generated else None
            if col.default is not None and not col.generated:
                add(f"{alter} DROP DEFAULT")
            suffix = "[]" if is_array else ""
            using = "" if col.table_kind == "foreign_table" else \
                f" USING {quote_ident(col.name)}::text{suffix}::{name}{suffix}"
            add(f"{alter} TYPE {name}{suffix}{using}")
            if default is not None:
                add(f"{alter} SET DEFAULT {default}")
        add(f"DROP TYPE {old_name}")
        owner = new.owner if ctx.options.owners else old.owner
        if owner:
            add(f"ALTER TYPE {name} OWNER TO {quote_role(owner)}")
        if new.comment is not None:
            out.append(self.comment_statement(new))
        out.extend(self.grant_statements(None, new))
        return out


# --------------------------------------------------------------------------- domains


def _check_body(check: DomainCheck) -> str:
    """``CHECK (...)`` without the NOT VALID that pg_get_constraintdef appends."""
    text = check.definition.strip()
    return text[: -len(" NOT VALID")].rstrip() if text.upper().endswith(" NOT VALID") else text


class DomainRenderer(TypeRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        """Validated checks inline; NOT VALID ones (CREATE DOMAIN cannot say so) after."""
        assert isinstance(obj, Domain)
        sql = f"CREATE DOMAIN {obj.qualified_name} AS {obj.base_type}"
        if obj.collation:
            sql += f" COLLATE {obj.collation}"
        if obj.default is not None:
            sql += f" DEFAULT {obj.default}"
        if obj.not_null:
            sql += " NOT NULL"
        for check in obj.checks:
            if check.validated:
                sql += f" CONSTRAINT {quote_ident(check.name)} {_check_body(check)}"
        out = self.finish(stmt(sql, obj, "create"), obj, ctx)
        out.extend(self._add_check(obj, c, existing=False) for c in obj.checks if not c.validated)
        out.extend(self._check_comment(obj, c) for c in obj.checks if c.comment is not None)
        return out

    def _add_check(self, obj: Domain, check: DomainCheck, *, existing: bool) -> Statement:
        sql = f"ALTER DOMAIN {obj.qualified_name} ADD CONSTRAINT {quote_ident(check.name)} {_check_body(check)}"
        if not check.validated:
            return stmt(sql + " NOT VALID", obj, "alter")
        hz = [hazard(HazardType.LONG_LOCK, f"checks every column of domain {obj.qualified_name}")] if existing else []
        return stmt(sql, obj, "alter", *hz)

    def _check_comment(self, obj: Domain, check: DomainCheck) -> Statement:
        text = "NULL" if check.comment is None else quote_literal(check.comment)
        return stmt(f"COMMENT ON CONSTRAINT {quote_ident(check.name)} ON DOMAIN {obj.qualified_name} IS {text}",
                    obj, "alter")

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """Default, NOT NULL and checks (matched by name) in place; base type or collation recreate."""
        assert isinstance(old, Domain) and isinstance(new, Domain)
        if changed - {"default", "not_null", "checks"}:
            return None
        alter = f"ALTER DOMAIN {new.qualified_name}"
        out: list[Statement] = []
        if "default" in changed:
            sql = f"{alter} SET DEFAULT {new.default}" if new.default is not None else f"{alter} DROP DEFAULT"
            out.append(stmt(sql, new, "alter"))
        if "not_null" in changed:
            if new.not_null:
                out.append(stmt(f"{alter} SET NOT NULL", new, "alter",
                                hazard(HazardType.LONG_LOCK, f"checks every column of domain {new.qualified_name} for nulls")))
            else:
                out.append(stmt(f"{alter} DROP NOT NULL", new, "alter"))
        if "checks" in changed:
            before = {c.name: c for c in old.checks}
            after = {c.name: c for c in new.checks}
            for name, check in before.items():
                now = after.get(name)
                if now is None or _check_body(now) != _check_body(check) or (check.validated and not now.validated):
                    out.append(stmt(f"{alter} DROP CONSTRAINT {quote_ident(name)}", new, "alter"))
            for name, check in after.items():
                was = before.get(name)
                if was is None or _check_body(was) != _check_body(check) or (was.validated and not check.validated):
                    out.append(self._add_check(new, check, existing=True))
                    if check.comment is not None:
                        out.append(self._check_comment(new, check))
                    continue
                if check.validated and not was.validated:
                    out.append(stmt(f"{alter} VALIDATE CONSTRAINT {quote_ident(name)}", new, "alter",
                                    hazard(HazardType.LONG_LOCK, f"checks every column of domain {new.qualified_name}")))
                if check.comment != was.comment:
                    out.append(self._check_comment(new, check))
        return out


# --------------------------------------------------------------------------- composite types


def _attribute(attr) -> str:
    text = f"{quote_ident(attr.name)} {attr.type}"
    return text + (f" COLLATE {attr.collation}" if attr.collation else "")


class CompositeRenderer(TypeRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, CompositeType)
        body = ", ".join(_attribute(a) for a in obj.attributes)
        return self.finish(stmt(f"CREATE TYPE {obj.qualified_name} AS ({body})", obj, "create"), obj, ctx)

    @staticmethod
    def _retyped(old: CompositeType, new: CompositeType) -> list[str]:
        before = {a.name: a for a in old.attributes}
        return [a.name for a in new.attributes if a.name in before and before[a.name] != a]

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        """Views refuse a retyped attribute they read, and a dropped one."""
        assert isinstance(old, CompositeType) and isinstance(new, CompositeType)
        kept = {a.name for a in new.attributes}
        return bool(self._retyped(old, new)) or any(a.name not in kept for a in old.attributes)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """DROP/ADD/ALTER ATTRIBUTE, when the final attribute order can come out right.

        ADD ATTRIBUTE appends, so the kept attributes must keep their relative order and
        every new one must come after them. PostgreSQL refuses to retype an attribute
        while a table column stores the type (recreate then); dropping one loses the
        values stored in such columns.
        """
        assert isinstance(old, CompositeType) and isinstance(new, CompositeType)
        if changed - {"attributes"}:
            return None
        before = {a.name: a for a in old.attributes}
        kept = [a.name for a in new.attributes if a.name in before]
        if kept != [a.name for a in old.attributes if a.name in {x.name for x in new.attributes}]:
            return None
        if [a.name for a in new.attributes[: len(kept)]] != kept:
            return None
        stored = [col for col, _ in columns_using(new.qualified_name, ctx)]
        retyped = self._retyped(old, new)
        if retyped and stored:
            return None
        alter = f"ALTER TYPE {new.qualified_name}"
        out: list[Statement] = []
        for attr in old.attributes:
            if attr.name not in {a.name for a in new.attributes}:
                hz = [hazard(HazardType.DATA_LOSS, f"drops attribute {attr.name} of {new.qualified_name} stored in "
                             + ", ".join(column_ref(c) for c in stored))] if stored else []
                out.append(stmt(f"{alter} DROP ATTRIBUTE {quote_ident(attr.name)}", new, "alter", *hz))
        for attr in new.attributes:
            if attr.name in retyped:
                sql = f"{alter} ALTER ATTRIBUTE {quote_ident(attr.name)} TYPE {attr.type}"
                out.append(stmt(sql + (f" COLLATE {attr.collation}" if attr.collation else ""), new, "alter"))
            elif attr.name not in before:
                out.append(stmt(f"{alter} ADD ATTRIBUTE {_attribute(attr)}", new, "alter"))
        return out


# --------------------------------------------------------------------------- range types


class RangeRenderer(TypeRenderer):
    """Range types cannot be altered: any change recreates."""

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, RangeType)
        opts = [f"SUBTYPE = {obj.subtype}"]
        if obj.subtype_opclass:
            opts.append(f"SUBTYPE_OPCLASS = {obj.subtype_opclass}")
        if obj.collation:
            opts.append(f"COLLATION = {obj.collation}")
        if obj.canonical:
            opts.append(f"CANONICAL = {obj.canonical}")
        if obj.subtype_diff:
            opts.append(f"SUBTYPE_DIFF = {obj.subtype_diff}")
        if obj.multirange_name and server_version(ctx) >= 140000:
            opts.append(f"MULTIRANGE_TYPE_NAME = {obj.multirange_name}")
        sql = f"CREATE TYPE {obj.qualified_name} AS RANGE ({', '.join(opts)})"
        return self.finish(stmt(sql, obj, "create"), obj, ctx)


RENDERERS: dict[str, Renderer] = {
    "enum": EnumRenderer(),
    "domain": DomainRenderer(),
    "composite": CompositeRenderer(),
    "range": RangeRenderer(),
}
