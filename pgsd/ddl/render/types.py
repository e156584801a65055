"""User-defined types: enums, domains, composite and range types.

Types are granted USAGE to PUBLIC when created, so their default ACL is ``PUBLIC=U``.
Enums, domains and composites change in place when PostgreSQL allows it. When it does
not (an enum that loses or reorders labels, a domain's base type, a range type, a
composite attribute retyped while a table stores it), the type is *rebuilt*: the old
one is renamed away, the new one created under the name, every column using the type
(or its array) converted to it with ``ALTER COLUMN ... TYPE``, types built on it
(domains over it, ranges of it, composites holding it) moved along the same way, and
the old type dropped. A plain drop and create would take every column using it along,
and their rows with them.
"""

from __future__ import annotations

from collections.abc import Callable

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import COMMON_FIELDS, Renderer, hazard, stmt
from pgsd.ddl.render.columns import (
    _is_user_type,
    alter_prefix,
    column_ref,
    needs_using,
    server_version,
    split_type,
    storage_again,
)
from pgsd.model.names import default_multirange_name, qualified, quote_ident, quote_literal, quote_role
from pgsd.model.objects import Column, CompositeType, DbObject, Domain, DomainCheck, EnumType, RangeType

MAX_IDENTIFIER_BYTES = 63
Convert = Callable[[str, bool], "str | None"]
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

    Inherited columns are left out: altering the parent's column converts them. So are
    the columns of typed tables: they follow their composite type's attributes.
    """
    out = []
    names = (type_name, f"{type_name}[]")  # once: the loop sees every column of the target
    for obj in ctx.target.of_kind("column"):
        if not isinstance(obj, Column) or obj.type not in names:
            continue
        if obj.table_kind not in ("table", "foreign_table") or _inherited(obj, ctx):
            continue
        if getattr(ctx.in_target(obj.parent_key or ""), "of_type", None):
            continue
        out.append((obj, obj.type.endswith("[]")))
    return out


def _inherited(col: Column, ctx: RenderContext) -> bool:
    if not col.is_local:
        return True
    table = ctx.in_target(col.parent_key or "")
    for parent in getattr(table, "inherits", ()) or ():
        if ctx.in_target(f"column:{parent}.{quote_ident(col.name)}") is not None:
            return True
    return bool(getattr(table, "partition_of", None))


def _uses(type_text: str, name: str) -> bool:
    return type_text in (name, f"{name}[]")


def _domain_cast_suffices(old: DbObject, new: DbObject) -> bool:
    """A domain over built-in types: the assignment cast between the bases converts.

    It also keeps a narrowing honest: ``varchar(100)`` into ``varchar(10)`` fails on a
    long value instead of truncating it, as ``USING c::text::d`` would not.
    """
    if not (isinstance(old, Domain) and isinstance(new, Domain)):
        return False
    ob, nb = split_type(old.base_type)[0], split_type(new.base_type)[0]
    if _is_user_type(ob) or _is_user_type(nb):
        return False
    return not needs_using(old.base_type, new.base_type)


class _Rebuild:
    """Statements that rebuild one type under its own name, and every type built on it.

    ``out`` collects them in order; ``seen`` stops a cycle of types (which PostgreSQL
    does not allow anyway) from looping.
    """

    def __init__(self, ctx: RenderContext, anchor: DbObject, hazards: tuple[Hazard, ...]) -> None:
        self.ctx = ctx
        self.anchor = anchor
        self.hazards = hazards
        self.out: list[Statement] = []
        self.seen: set[str] = set()

    def add(self, sql: str, *hz: Hazard) -> None:
        self.out.append(stmt(sql, self.anchor, "alter", *self.hazards, *hz))

    def type_(self, old: DbObject, new: DbObject, *, cast: bool = False, convert: Convert | None = None) -> None:
        """Rebuild ``old`` (target) as ``new``; ``cast``: columns convert without USING."""
        self.seen.add(old.key)
        away = _old_name(old.name)
        away_q = qualified(old.schema_name, away)
        self._rename_away(old, away)
        created = RENDERERS[new.kind].create(new, self.ctx)
        self.out.extend(s.model_copy(update={"key": self.anchor.key, "action": "alter",
                                             "hazards": (*self.hazards, *s.hazards)}) for s in created)
        owner = new.owner if self.ctx.options.owners else old.owner
        if owner:
            self.add(f"ALTER TYPE {new.qualified_name} OWNER TO {quote_role(owner)}")
        self._types_built_on(old.qualified_name)
        self._columns(old.qualified_name, new.qualified_name, cast=cast, convert=convert)
        if isinstance(old, RangeType) and isinstance(new, RangeType) and server_version(self.ctx) >= 140000:
            self._columns(qualified(old.schema_name, old.multirange_name or default_multirange_name(old.name)),
                          qualified(new.schema_name, new.multirange_name or default_multirange_name(new.name)),
                          cast=False)
        self.add(f"DROP TYPE {away_q}")

    def _rename_away(self, old: DbObject, away: str) -> None:
        """The type, and for a range its multirange and the constructor functions, whose
        names the new range would otherwise collide with (they keep theirs on a rename)."""
        self.add(f"ALTER TYPE {old.qualified_name} RENAME TO {quote_ident(away)}")
        if not isinstance(old, RangeType):
            return
        schema, sub = old.schema_name, old.subtype
        for args in (f"{sub}, {sub}", f"{sub}, {sub}, text"):
            self.add(f"ALTER FUNCTION {qualified(schema, old.name)}({args}) RENAME TO {quote_ident(away)}")
        if server_version(self.ctx) < 140000:
            return
        multirange = old.multirange_name or default_multirange_name(old.name)
        mr_away = _old_name(multirange)
        self.add(f"ALTER TYPE {qualified(schema, multirange)} RENAME TO {quote_ident(mr_away)}")
        renamed = qualified(schema, away)
        for args in ("", renamed, f"VARIADIC {renamed}[]"):
            self.add(f"ALTER FUNCTION {qualified(schema, multirange)}({args}) RENAME TO {quote_ident(mr_away)}")

    def _types_built_on(self, name: str) -> None:
        """Domains over the type, ranges of it and composites holding it follow it.

        They are rebuilt from their target definitions (which name the type, now the new
        one); their own changes, if any, come after as usual. Ones the plan drops are
        gone before (the planner drops dependents of a type that breaks them first).
        """
        for kind in ("domain", "range", "composite"):
            for dep in self.ctx.target.of_kind(kind):
                if dep.key in self.seen or self.ctx.in_source(dep.key) is None:
                    continue
                base = dep.base_type if isinstance(dep, Domain) else getattr(dep, "subtype", None)
                if base is not None and _uses(base, name):
                    self.type_(dep, dep)
                elif isinstance(dep, CompositeType) and any(_uses(a.type, name) for a in dep.attributes):
                    self._composite_holding(dep, name)

    def _composite_holding(self, comp: CompositeType, name: str) -> None:
        """ALTER ATTRIBUTE ... CASCADE when no table column stores the composite (typed
        tables follow it), else rebuild the composite too."""
        if columns_using(comp.qualified_name, self.ctx):
            self.type_(comp, comp)
            return
        self.seen.add(comp.key)
        for attr in comp.attributes:
            if _uses(attr.type, name):
                sql = f"ALTER TYPE {comp.qualified_name} ALTER ATTRIBUTE {quote_ident(attr.name)} TYPE {attr.type}"
                self.add(sql + (f" COLLATE {attr.collation}" if attr.collation else "") + " CASCADE")

    def _columns(self, name: str, new_name: str, *, cast: bool, convert: Convert | None = None) -> None:
        """Every column of the type (or its array) converted in place, its default dropped
        around the conversion (it is typed with the old type) and put back from the source."""
        ctx = self.ctx
        for col, is_array in columns_using(name, ctx):
            source = ctx.in_source(col.key)
            if source is None:
                continue  # the plan drops this column before the type is rebuilt
            alter = f"{alter_prefix(col)} ALTER COLUMN {quote_ident(col.name)}"
            if isinstance(source, Column):
                default = source.default if source.type == col.type and not source.generated else None
            else:
                default = col.default if not col.generated else None
            if col.default is not None and not col.generated:
                self.add(f"{alter} DROP DEFAULT")
            suffix = "[]" if is_array else ""
            expression = convert(col.name, is_array) if convert is not None else None
            if expression is None:
                expression = f"{quote_ident(col.name)}::text{suffix}::{new_name}{suffix}"
            using = "" if cast or col.table_kind == "foreign_table" else f" USING {expression}"
            hz = () if col.table_kind == "foreign_table" else (
                hazard(HazardType.TABLE_REWRITE, f"converting {column_ref(col)} to the rebuilt {new_name} rewrites "
                       f"{col.table_name}"),)
            if expression.startswith("NULL::"):
                hz = (*hz, hazard(HazardType.DATA_LOSS, f"the values of {column_ref(col)} cannot be converted to "
                                  f"the rebuilt {new_name}: the column is emptied"))
                self.out.append(stmt(f"{alter} TYPE {new_name}{suffix}{using}", col, "alter", *self.hazards, *hz))
            else:
                self.add(f"{alter} TYPE {new_name}{suffix}{using}", *hz)
            if default is not None:
                self.add(f"{alter} SET DEFAULT {default}")
            kept = source if isinstance(source, Column) and source.type == col.type else None
            for sql in storage_again(kept, ctx) if kept is not None else ():
                self.add(sql)  # TYPE reset them to the type's


def rebuild(old: DbObject, new: DbObject, ctx: RenderContext, *hazards: Hazard,
            convert: Convert | None = None) -> list[Statement]:
    """The statements that rebuild ``old`` as ``new`` in place, keeping every column's rows.

    ``convert(column, is_array)`` may give the USING expression for the type's own
    columns (None: through text).
    """
    work = _Rebuild(ctx, new, tuple(hazards))
    work.type_(old, new, cast=_domain_cast_suffices(old, new), convert=convert)
    return work.out


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
        """Rebuild the enum; its columns convert through text."""
        name = new.qualified_name
        removed = [label for label in old.labels if label not in new.labels]
        hz: tuple[Hazard, ...] = ()
        if removed:
            gone = ", ".join(quote_literal(label) for label in removed)
            hz = (hazard(HazardType.DATA_LOSS,
                         f"enum {name} loses labels {gone}: rows holding them make the conversion fail"),)
        return rebuild(old, new, ctx, *hz)


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

    @staticmethod
    def _rebuilt(changed: set[str]) -> bool:
        return bool(changed - {"default", "not_null", "checks"} - COMMON_FIELDS)

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        return self._rebuilt(changed)

    def alter(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """A new base type or collation rebuilds the domain, its columns converted in place."""
        if self._rebuilt(changed):
            return rebuild(old, new, ctx)
        return super().alter(old, new, changed, ctx)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        """Default, NOT NULL and checks (matched by name) in place."""
        assert isinstance(old, Domain) and isinstance(new, Domain)
        if self._rebuilt(changed):
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
        out = self.finish(stmt(f"CREATE TYPE {obj.qualified_name} AS ({body})", obj, "create"), obj, ctx)
        return out + self._attribute_comments(obj, ())

    @staticmethod
    def _attribute_comments(obj: CompositeType, old: tuple[tuple[str, str], ...]) -> list[Statement]:
        """COMMENT ON COLUMN type.attribute for every comment that differs from ``old``."""
        before, after = dict(old), dict(obj.attribute_comments)
        out = []
        for name in [a.name for a in obj.attributes if before.get(a.name) != after.get(a.name)]:
            text = quote_literal(after[name]) if name in after else "NULL"
            out.append(stmt(f"COMMENT ON COLUMN {obj.qualified_name}.{quote_ident(name)} IS {text}", obj, "alter"))
        return out

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
        """DROP/ADD/ALTER ATTRIBUTE ... CASCADE when PostgreSQL can do it in place; else a rebuild.

        ADD ATTRIBUTE appends, so the kept attributes must keep their relative order and
        every new one must come after them; PostgreSQL refuses to retype an attribute
        while a table column stores the type. Otherwise a composite that table columns
        store is rebuilt, each value converted attribute by attribute (``ROW(...)``); one
        that typed tables use, and no column stores, is recreated. CASCADE carries every
        in-place change to the typed tables. Dropping an attribute loses the values
        stored in it.
        """
        assert isinstance(old, CompositeType) and isinstance(new, CompositeType)
        if changed - {"attributes", "attribute_comments"}:
            return None
        if "attributes" not in changed:
            return self._attribute_comments(new, old.attribute_comments)
        stored = [col for col, _ in columns_using(new.qualified_name, ctx)]
        if not self._in_place(old, new, stored):
            typed = any(getattr(t, "of_type", None) == old.qualified_name for t in ctx.target.of_kind("table"))
            return None if typed or not stored else self._rebuild(old, new, stored, ctx)
        before = {a.name: a for a in old.attributes}
        retyped = self._retyped(old, new)
        alter = f"ALTER TYPE {new.qualified_name}"
        out: list[Statement] = []
        for attr in old.attributes:
            if attr.name not in {a.name for a in new.attributes}:
                hz = [self._loses(attr.name, new, stored)] if stored else []
                out.append(stmt(f"{alter} DROP ATTRIBUTE {quote_ident(attr.name)} CASCADE", new, "alter", *hz))
        for attr in new.attributes:
            if attr.name in retyped:
                sql = f"{alter} ALTER ATTRIBUTE {quote_ident(attr.name)} TYPE {attr.type}"
                sql += f" COLLATE {attr.collation}" if attr.collation else ""
                out.append(stmt(sql + " CASCADE", new, "alter"))
            elif attr.name not in before:
                out.append(stmt(f"{alter} ADD ATTRIBUTE {_attribute(attr)} CASCADE", new, "alter"))
        kept = {a.name for a in new.attributes}
        return out + self._attribute_comments(new, tuple((n, c) for n, c in old.attribute_comments if n in kept))

    def _in_place(self, old: CompositeType, new: CompositeType, stored: list[Column]) -> bool:
        before = {a.name for a in old.attributes}
        after = {a.name for a in new.attributes}
        kept = [a.name for a in new.attributes if a.name in before]
        if kept != [a.name for a in old.attributes if a.name in after]:
            return False
        if [a.name for a in new.attributes[: len(kept)]] != kept:
            return False
        return not (self._retyped(old, new) and stored)

    @staticmethod
    def _loses(name: str, comp: CompositeType, stored: list[Column]) -> Hazard:
        return hazard(HazardType.DATA_LOSS, f"drops attribute {name} of {comp.qualified_name} stored in "
                      + ", ".join(column_ref(c) for c in stored))

    def _rebuild(self, old: CompositeType, new: CompositeType, stored: list[Column],
                 ctx: RenderContext) -> list[Statement]:
        kept = {a.name for a in new.attributes}
        hz = [self._loses(a.name, new, stored) for a in old.attributes if a.name not in kept]
        before = {a.name: a for a in old.attributes}

        same_shape = [a.name for a in old.attributes] == [a.name for a in new.attributes]

        def convert(column: str, is_array: bool) -> str | None:
            if is_array:
                # through text when the attributes keep their names and order; else no
                # conversion exists (a subquery over the elements is not allowed here)
                return None if same_shape else f"NULL::{new.qualified_name}[]"
            fields = []
            for attr in new.attributes:
                was = before.get(attr.name)
                if was is None:
                    fields.append(f"NULL::{attr.type}")
                    continue
                value = f"({quote_ident(column)}).{quote_ident(attr.name)}"
                if was.type != attr.type:
                    through_text = _is_user_type(split_type(was.type)[0]) and _is_user_type(split_type(attr.type)[0])
                    value += f"::text::{attr.type}" if through_text else f"::{attr.type}"
                fields.append(value)
            return f"ROW({', '.join(fields)})::{new.qualified_name}"

        return rebuild(old, new, ctx, *hz, convert=convert)


# --------------------------------------------------------------------------- range types


class RangeRenderer(TypeRenderer):
    """Range types cannot be altered: any change rebuilds the type, columns converted."""

    def breaks_dependents(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> bool:
        return bool(changed - COMMON_FIELDS)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        return rebuild(old, new, ctx)

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
