"""Roles (cluster-wide), read only when the snapshot's filters ask for them (``--roles``).

Object-name globs apply to role names. The query always runs (it is small), and its rows
are dropped unless roles are wanted, so the set of queries stays fixed.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext
from pgsd.model.objects import DbObject, Role


def load_roles(ctx: LoadContext) -> list[DbObject]:
    rows = ctx.fetch("roles")
    if not ctx.filters.roles:
        return []
    out: list[DbObject] = []
    for row in rows:
        if not ctx.wanted(None, row["name"]):
            continue
        obj = Role(
            name=row["name"], comment=row["comment"],
            superuser=row["superuser"], create_db=row["create_db"], create_role=row["create_role"],
            inherit=row["inherit"], login=row["login"], replication=row["replication"],
            bypass_rls=row["bypass_rls"], connection_limit=row["connection_limit"],
            valid_until=row["valid_until"],
            member_of=tuple(row["member_of"] or ()), admin_of=tuple(row["admin_of"] or ()),
            settings=tuple(sorted(row["settings"] or ())),
            database_settings=tuple(sorted(row["database_settings"] or ())),
        )
        out.append(obj)
        ctx.register("pg_authid", row["oid"], obj.key)
    return out
