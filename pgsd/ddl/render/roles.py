"""Roles (cluster-wide, with ``--roles``): attributes, memberships, settings, comment.

Never a password: a role created by a plan has none (``ALTER ROLE ... PASSWORD`` is left
to the user). Attributes, memberships and settings all change in place. Ordering:
statements that grant to a role or give it an object (see base.grant_statements and
alter_common) ``require`` the role, so they follow its CREATE ROLE; a DROP ROLE requires
every target object that names the role in its grants or as owner, so it follows their
changes. Objects of other databases in the target's cluster can still hold the role: the
DROP ROLE then fails, and its hazard says why.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, parse_acl_item, stmt
from pgsd.model.names import quote_ident, quote_literal
from pgsd.model.objects import DbObject, Role

_FLAGS = (("superuser", "SUPERUSER"), ("create_db", "CREATEDB"), ("create_role", "CREATEROLE"),
          ("inherit", "INHERIT"), ("login", "LOGIN"), ("replication", "REPLICATION"), ("bypass_rls", "BYPASSRLS"))
# settings whose value is a list: each element is its own literal (as pg_dump writes them)
_LIST_SETTINGS = frozenset({"search_path", "temp_tablespaces", "session_preload_libraries",
                            "shared_preload_libraries", "local_preload_libraries", "unix_socket_directories"})


def role_key(name: str) -> str:
    return f"role:{quote_ident(name)}"


def setting_value(name: str, value: str) -> str:
    if name.lower() not in _LIST_SETTINGS:
        return quote_literal(value)
    items = []
    for part in value.split(","):
        part = part.strip()
        if len(part) >= 2 and part.startswith('"') and part.endswith('"'):
            part = part[1:-1].replace('""', '"')
        items.append(quote_literal(part))
    return ", ".join(items)


def _settings(items: tuple[str, ...]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items if "=" in item)


class RoleRenderer(Renderer):
    def _attributes(self, role: Role, fields: set[str] | None = None) -> list[str]:
        out = [word if getattr(role, field) else f"NO{word}"
               for field, word in _FLAGS if fields is None or field in fields]
        if fields is None or "connection_limit" in fields:
            out.append(f"CONNECTION LIMIT {role.connection_limit}")
        if (fields is None and role.valid_until) or (fields is not None and "valid_until" in fields):
            out.append(f"VALID UNTIL {quote_literal(role.valid_until or 'infinity')}")
        return out

    def _grant(self, role: Role, group: str, admin: bool, action: str) -> Statement:
        sql = f"GRANT {quote_ident(group)} TO {role.qualified_name}{' WITH ADMIN OPTION' if admin else ''}"
        return stmt(sql, role, action, requires=(role_key(group),))

    def _set(self, role: Role, name: str, value: str | None, database: str | None, action: str) -> Statement:
        where = f" IN DATABASE {quote_ident(database)}" if database else ""
        if value is None:
            return stmt(f"ALTER ROLE {role.qualified_name}{where} RESET {quote_ident(name)}", role, action)
        return stmt(f"ALTER ROLE {role.qualified_name}{where} SET {quote_ident(name)} TO {setting_value(name, value)}",
                    role, action)

    def _settings_statements(self, old: Role | None, new: Role, ctx: RenderContext, action: str) -> list[Statement]:
        database = ctx.target.server.current_database if ctx.target.server else None
        out = []
        for field, db in (("settings", None), ("database_settings", database)):
            if field == "database_settings" and not db:
                continue
            was = _settings(getattr(old, field)) if old is not None else {}
            now = _settings(getattr(new, field))
            for name in sorted(set(was) | set(now)):
                if was.get(name) != now.get(name):
                    out.append(self._set(new, name, now.get(name), db, action))
        return out

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Role)
        out = [stmt(f"CREATE ROLE {obj.qualified_name} WITH {' '.join(self._attributes(obj))}", obj, "create")]
        out += [self._grant(obj, g, g in obj.admin_of, "create") for g in obj.member_of]
        out += self._settings_statements(None, obj, ctx, "create")
        if obj.comment is not None:
            out.append(self.comment_statement(obj))
        return out

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        users = tuple(sorted(
            o.key for o in ctx.target.objects
            if o.owner == obj.name or any(parse_acl_item(item)[0] == obj.name for item in o.acl)
        ))
        return [stmt(f"DROP ROLE {obj.qualified_name}", obj, "drop", hazard(
            HazardType.DATA_LOSS,
            f"dropping role {obj.name} fails while objects in any database of the cluster still belong to it "
            "or grant it privileges"), requires=users)]

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Role) and isinstance(new, Role)
        out: list[Statement] = []
        attributes = changed & ({f for f, _ in _FLAGS} | {"connection_limit", "valid_until"})
        if attributes:
            out.append(stmt(f"ALTER ROLE {new.qualified_name} WITH {' '.join(self._attributes(new, attributes))}",
                            new, "alter"))
        for group in sorted(set(old.member_of) - set(new.member_of)):
            out.append(stmt(f"REVOKE {quote_ident(group)} FROM {new.qualified_name}", new, "alter"))
        for group in sorted(set(old.admin_of) - set(new.admin_of)):
            if group in new.member_of:
                sql = f"REVOKE ADMIN OPTION FOR {quote_ident(group)} FROM {new.qualified_name}"
                out.append(stmt(sql, new, "alter"))
        for group in new.member_of:
            admin = group in new.admin_of
            if group not in old.member_of or (admin and group not in old.admin_of):
                out.append(self._grant(new, group, admin, "alter"))
        if changed & {"settings", "database_settings"}:
            out += self._settings_statements(old, new, ctx, "alter")
        return out

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []


RENDERERS: dict[str, Renderer] = {"role": RoleRenderer()}
