"""Subscriptions, as definitions only (what CREATE SUBSCRIPTION says, not its state).

pg_subscription is shared by the cluster: only the current database's are read. Its
connection strings may hold a password, and PostgreSQL lets only superusers read them
(``subconninfo``); for other roles the query reads NULL there (``context.query_for``),
the connection is None and the snapshot says what could not be read. A password that
is read is masked here, before anything keeps it: a snapshot, its JSON, a plan, a
review and the app never hold it.
"""

from __future__ import annotations

import re

from psycopg import Error as PsycopgError
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgsd.catalog.context import LoadContext
from pgsd.model.names import quote_ident
from pgsd.model.objects import DbObject, Subscription

MASK = "***"
SECRET_KEYS = frozenset({"password", "sslpassword"})
_SECRET_PAIR = re.compile(r"(?i)\b(ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&]+)")
_URI_PASSWORD = re.compile(r"(?i)^(postgres(?:ql)?://[^:/@?#\s]*):[^@/?#\s]*@")

_DEFAULTS = {
    "synchronous_commit": "off", "binary": False, "streaming": "off", "two_phase": False,
    "disable_on_error": False, "password_required": True, "run_as_owner": False, "origin": "any",
    "failover": False,
}


def mask_conninfo(conninfo: str) -> str:
    """The connection string with every password value replaced by ``***``.

    Parsed as libpq parses it (keyword/value or URI) and written back as keyword/value
    pairs in libpq's order, so two spellings of one connection compare equal; a string
    libpq cannot parse is masked by pattern instead.
    """
    try:
        params = conninfo_to_dict(conninfo)
    except PsycopgError:
        return _URI_PASSWORD.sub(rf"\1:{MASK}@", _SECRET_PAIR.sub(lambda m: f"{m.group(1) or ''}password={MASK}", conninfo))
    masked = {k: (MASK if k in SECRET_KEYS else str(v)) for k, v in params.items() if v is not None}
    return make_conninfo("", **masked)


def load_subscriptions(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    unread = [c for c in ctx.server.unreadable_subscription_columns if c not in ("subconninfo",)]
    for row in ctx.fetch("subscriptions"):
        values = {k: (row[k] if row[k] is not None else default) for k, default in _DEFAULTS.items()}
        subscription = Subscription(
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            connection=mask_conninfo(row["conninfo"]) if row["conninfo"] is not None else None,
            publications=tuple(sorted(row["publications"] or ())),
            enabled=bool(row["enabled"]),
            slot_name=row["slot_name"],
            **values,
        )
        out.append(subscription)
        if row["oid"] is not None:
            ctx.register("pg_subscription", row["oid"], subscription.key)
    if out and "subconninfo" in ctx.server.unreadable_subscription_columns:
        names = ", ".join(quote_ident(s.name) for s in out[:5]) + (", ..." if len(out) > 5 else "")
        ctx.warnings.append(
            f"role {ctx.server.current_user} may not read pg_subscription.subconninfo (superusers only): "
            f"the connection strings of {len(out)} subscription(s) are unknown and not compared: {names}"
        )
    if out and unread:
        ctx.warnings.append(
            f"role {ctx.server.current_user} may not read column(s) {', '.join(unread)} of pg_subscription: "
            "those settings of the subscriptions were read as their defaults"
        )
    return out
