"""Default privileges: ``ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s] GRANT|REVOKE ...``.

A ``DefaultPrivilege`` is one pg_default_acl row, and its ``acl`` is that row's ACL as
stored, the owner's entry included. What the statements must turn into that ACL depends
on where the row applies:

* a global row (no schema) *replaces* PostgreSQL's built-in default for the role, which
  is: the role itself has every privilege, and PUBLIC has EXECUTE on functions and USAGE
  on types. A row that lacks ``PUBLIC=X`` for functions therefore means "revoked from
  PUBLIC", and one that lacks the owner's entry means the owner revoked its own rights.
* a per-schema row only *adds* to the global default, so its baseline is empty.

So creating the object is the difference baseline -> acl, dropping it is acl -> baseline
(after which the server removes the row, as it matches the default again), and altering
it is old acl -> new acl. The owner's full set grows with the server: MAINTAIN on tables
from PostgreSQL 17.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import PRIVILEGE_WORDS, Renderer, acl_map, stmt
from pgsd.model.names import quote_ident, quote_role
from pgsd.model.objects import DbObject, DefaultPrivilege

OBJECT_TYPE_WORDS = {
    "r": "TABLES",
    "S": "SEQUENCES",
    "f": "FUNCTIONS",
    "T": "TYPES",
    "n": "SCHEMAS",
    "L": "LARGE OBJECTS",
}

# Everything the owner holds by default, per object type (acldefault's owner entry).
_OWNER_ALL = {"r": "arwdDxt", "S": "rwU", "f": "X", "T": "U", "n": "UC", "L": "rw"}
# What PUBLIC holds by default.
_PUBLIC_DEFAULT = {"f": "X", "T": "U"}


def builtin_default(obj: DefaultPrivilege, version_num: int | None) -> tuple[str, ...]:
    """The ACL the role's new objects get when no pg_default_acl row applies.

    Empty for a per-schema row, whose entries only add to the global default.
    ``version_num`` None means the newest server.
    """
    if obj.schema_name is not None:
        return ()
    owner = _OWNER_ALL.get(obj.object_type, "")
    if obj.object_type == "r" and (version_num is None or version_num >= 170000):
        owner += "m"
    acl = [f"{obj.name}={''.join(sorted(owner))}"] if owner else []
    if obj.object_type in _PUBLIC_DEFAULT:
        acl.append(f"PUBLIC={_PUBLIC_DEFAULT[obj.object_type]}")
    return tuple(sorted(acl))


def _version(ctx: RenderContext) -> int | None:
    server = ctx.target.server
    return server.version_num if server is not None else None


class DefaultPrivilegeRenderer(Renderer):
    """GRANT/REVOKE through ALTER DEFAULT PRIVILEGES; there is no object to create or drop."""

    def _head(self, obj: DefaultPrivilege) -> str:
        head = f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote_ident(obj.name)}"
        if obj.schema_name is not None:
            head += f" IN SCHEMA {quote_ident(obj.schema_name)}"
        return head

    def acl_statements(self, before_acl: tuple[str, ...], obj: DefaultPrivilege, action: str) -> list[Statement]:
        """Statements turning ``before_acl`` into ``obj.acl`` (same shape as base grant_statements)."""
        before = acl_map(before_acl)
        after = acl_map(obj.acl)
        head = self._head(obj)
        on = f"ON {OBJECT_TYPE_WORDS.get(obj.object_type, obj.object_type)}"
        out: list[Statement] = []

        def words(letters: list[str]) -> str:
            return ", ".join(PRIVILEGE_WORDS.get(p, p) for p in letters)

        for grantee in sorted(set(before) | set(after)):
            was = before.get(grantee, {})
            now = after.get(grantee, {})
            who = quote_role(grantee)
            revoke = sorted(p for p in was if p not in now)
            revoke_option = sorted(p for p in was if p in now and was[p] and not now[p])
            grant = sorted(p for p in now if p not in was and not now[p])
            grant_option = sorted(p for p in now if now[p] and not was.get(p, False))
            if revoke:
                out.append(stmt(f"{head} REVOKE {words(revoke)} {on} FROM {who}", obj, action))
            if revoke_option:
                out.append(stmt(f"{head} REVOKE GRANT OPTION FOR {words(revoke_option)} {on} FROM {who}", obj, action))
            if grant:
                out.append(stmt(f"{head} GRANT {words(grant)} {on} TO {who}", obj, action))
            if grant_option:
                out.append(stmt(f"{head} GRANT {words(grant_option)} {on} TO {who} WITH GRANT OPTION", obj, action))
        return out

    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, DefaultPrivilege)
        return self.acl_statements(builtin_default(obj, _version(ctx)), obj, "create")

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, DefaultPrivilege)
        baseline = obj.model_copy(update={"acl": builtin_default(obj, _version(ctx))})
        return self.acl_statements(obj.acl, baseline, "drop")

    def alter(self, old: DbObject, new: DbObject, changed: set[str], ctx: RenderContext) -> list[Statement] | None:
        # The ACL *is* the object: it is compared even where other kinds' ACLs are not
        # special, and there is no owner or comment to alter.
        assert isinstance(new, DefaultPrivilege)
        if changed - {"acl", "owner", "comment"}:
            return None
        return self.acl_statements(old.acl, new, "alter") if "acl" in changed else []

    def alter_common(self, old: DbObject | None, new: DbObject, changed: set[str],
                     ctx: RenderContext) -> list[Statement]:
        assert isinstance(new, DefaultPrivilege)
        if "acl" not in changed:
            return []
        return self.acl_statements(old.acl if old is not None else builtin_default(new, _version(ctx)), new, "alter")


RENDERERS: dict[str, Renderer] = {
    "default_privilege": DefaultPrivilegeRenderer(),
}
