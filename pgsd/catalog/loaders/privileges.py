"""Default privileges (pg_default_acl), and the ACL normalisation the other loaders share.

ACLs are read as ``aclitem[]::text[]`` and parsed here rather than exploded in every
query: one small parser keeps all queries short and guarantees every kind normalises
the same way (see pgsd/model/README.md, "Shared fields").
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pgsd.catalog.context import LoadContext
from pgsd.model.objects import DbObject, DefaultPrivilege


def parse_aclitem(item: str) -> tuple[str, str]:
    """``grantee=privs/grantor`` -> (grantee, privs); an empty grantee is PUBLIC.

    The server double-quotes a role name that contains anything but letters, digits
    and underscores (doubling embedded quotes), so a quoted name may contain ``=``
    or ``/``; an unquoted one cannot.
    """
    if item.startswith('"'):
        i, name = 1, []
        while i < len(item):
            ch = item[i]
            if ch == '"':
                if i + 1 < len(item) and item[i + 1] == '"':
                    name.append('"')
                    i += 2
                    continue
                i += 1
                break
            name.append(ch)
            i += 1
        grantee = "".join(name)
        rest = item[i + 1 :]  # skip the "=" after the closing quote
    else:
        grantee, _, rest = item.partition("=")
    privs = rest.split("/", 1)[0]
    return (grantee or "PUBLIC"), privs


def normalise_acl(items: Iterable[str] | None, owner: str | None, *, keep_owner: bool = False) -> tuple[str, ...]:
    """Sorted ``grantee=letters`` entries, one per grantee, grantor ignored.

    Letters are sorted, each followed by ``*`` when grantable. The owner's entries are
    dropped (its rights are implicit) unless ``keep_owner``: default privileges store
    the complete ACL, so there the owner's entry is information.

    Large schemas repeat a handful of ACLs over thousands of tables, so results are
    cached (and the equal tuples shared) per distinct ACL.
    """
    if not items:
        return ()
    return _normalise_acl(tuple(items), owner, keep_owner)


@lru_cache(maxsize=4096)
def _normalise_acl(items: tuple[str, ...], owner: str | None, keep_owner: bool) -> tuple[str, ...]:
    grants: dict[str, dict[str, bool]] = {}
    for item in items or ():
        grantee, privs = parse_aclitem(item)
        if not keep_owner and owner is not None and grantee == owner:
            continue
        letters = grants.setdefault(grantee, {})
        for i, letter in enumerate(privs):
            if letter == "*":
                continue
            grantable = i + 1 < len(privs) and privs[i + 1] == "*"
            letters[letter] = letters.get(letter, False) or grantable
    return tuple(
        sorted(
            f"{grantee}=" + "".join(f"{letter}*" if opt else letter for letter, opt in sorted(letters.items()))
            for grantee, letters in grants.items()
            if letters
        )
    )


def load_default_privileges(ctx: LoadContext) -> list[DbObject]:
    """One DefaultPrivilege per pg_default_acl row, with its ACL exactly as stored.

    A global row (no schema) *replaces* the built-in default for the role, so an entry
    that merely repeats the owner's implicit rights still matters: a row holding only
    ``owner=X`` means EXECUTE was revoked from PUBLIC.
    """
    out: list[DbObject] = []
    for row in ctx.fetch("default_privileges"):
        obj = DefaultPrivilege(
            name=row["role"],
            schema_name=row["schema_name"],
            object_type=row["object_type"],
            acl=normalise_acl(row["acl"], None, keep_owner=True),
        )
        out.append(obj)
        ctx.register("pg_default_acl", row["oid"], obj.key)  # its schema is a dependency
    return out
