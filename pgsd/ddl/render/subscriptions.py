"""Subscriptions, as definitions only: a plan never connects to a publisher nor enables one.

``CREATE SUBSCRIPTION`` is written ``WITH (connect = false, enabled = false, create_slot
= false, slot_name = ...)``: no connection is made, no replication slot created, no
table subscribed; the statement's hazard says what is left to do by hand. A drop
disables the subscription and lets go of its slot first (``slot_name = NONE``), so
that ``DROP SUBSCRIPTION`` does not connect to the publisher to drop it either; the
slot is left there, and the hazard says so.

Connection strings come masked (``password=***``, see catalog.loaders.subscriptions),
or unknown (None) when the role could not read them: a plan never writes a masked
secret as if it were real. The password is left out of the string it writes, with a
hazard saying to set it by hand.
"""

from __future__ import annotations

import re

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Hazard, HazardType, Statement
from pgsd.ddl.render.base import Renderer, hazard, stmt
from pgsd.ddl.render.columns import server_version
from pgsd.model.names import quote_ident, quote_literal
from pgsd.model.objects import DbObject, Subscription

MASK = "***"
_MASKED_PAIR = re.compile(r"\s*\b(?:ssl)?password\s*=\s*\*\*\*(?=\s|$)")
_MASKED_URI_PASSWORD = re.compile(r"^(postgres(?:ql)?://[^:/@?#\s]*):\*\*\*@", re.IGNORECASE)
_MASKED_URI_PARAM = re.compile(r"(?i)([?&])(?:ssl)?password=\*\*\*(&|$)")


def without_secrets(connection: str) -> tuple[str, bool]:
    """The connection string without its masked password(s), and whether it had any."""
    text = _MASKED_PAIR.sub("", connection).strip()
    text = _MASKED_URI_PASSWORD.sub(r"\1@", text)
    text = _MASKED_URI_PARAM.sub(lambda m: m.group(1) if m.group(2) else "", text).rstrip("?&")
    return text, text != connection.strip()


def _connection(obj: Subscription, verb: str) -> tuple[str, list[Hazard]]:
    """``CONNECTION '...'`` as the plan may write it, and the hazards of what it cannot."""
    name = obj.qualified_name
    fix = f"set it with ALTER SUBSCRIPTION {name} CONNECTION '...' before enabling it"
    if obj.connection is None:
        return "CONNECTION ''", [hazard(HazardType.UNTRACKED_DEPENDENCIES,
                                        f"the connection string of subscription {name} could not be read "
                                        f"(pg_subscription.subconninfo is for superusers): {verb} it empty; {fix}")]
    text, had_secret = without_secrets(obj.connection)
    hazards = []
    if had_secret:
        hazards.append(hazard(HazardType.UNTRACKED_DEPENDENCIES,
                              f"the password in the connection string of subscription {name} is masked and not "
                              f"copied: {verb} it without one; {fix}"))
    return f"CONNECTION {quote_literal(text)}", hazards


def _publications(obj: Subscription) -> str:
    return ", ".join(quote_ident(p) for p in obj.publications)


def _slot(obj: Subscription) -> str:
    return f"slot_name = {quote_literal(obj.slot_name) if obj.slot_name is not None else 'NONE'}"


def _settings(obj: Subscription, version: int, *, only: set[str] | None = None) -> list[str]:
    """The WITH (...) parameters for the settings this server version has (all of them,
    or only the fields in ``only``); a create leaves out the ones at their default."""
    def wanted(field: str, default: object) -> bool:
        return field in only if only is not None else getattr(obj, field) != default

    out = []
    if wanted("synchronous_commit", "off"):
        out.append(f"synchronous_commit = {quote_literal(obj.synchronous_commit)}")
    if version >= 140000:
        if wanted("binary", False):
            out.append(f"binary = {'true' if obj.binary else 'false'}")
        streaming = obj.streaming if version >= 160000 or obj.streaming != "parallel" else "on"
        if only is None or "streaming" in only:
            out.append(f"streaming = {quote_literal(streaming)}")  # the default moved to parallel in 18
    if version >= 150000:
        if only is None and obj.two_phase:
            out.append("two_phase = true")
        if wanted("disable_on_error", False):
            out.append(f"disable_on_error = {'true' if obj.disable_on_error else 'false'}")
    if version >= 160000:
        if wanted("password_required", True):
            out.append(f"password_required = {'true' if obj.password_required else 'false'}")
        if wanted("run_as_owner", False):
            out.append(f"run_as_owner = {'true' if obj.run_as_owner else 'false'}")
        if wanted("origin", "any"):
            out.append(f"origin = {quote_literal(obj.origin)}")
    if version >= 170000 and only is None and obj.failover:
        out.append("failover = true")
    return out


class SubscriptionRenderer(Renderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Subscription)
        connection, hazards = _connection(obj, "creates")
        params = ["connect = false", "enabled = false", "create_slot = false", _slot(obj),
                  *_settings(obj, server_version(ctx))]
        state = "enabled in the source" if obj.enabled else "disabled in the source too"
        hazards.append(hazard(
            HazardType.UNTRACKED_DEPENDENCIES,
            f"subscription {obj.qualified_name} is created disabled ({state}) without connecting to its publisher: "
            "no replication slot is created and no table subscribed; to start it, make sure the slot exists "
            f"there, then ALTER SUBSCRIPTION {obj.qualified_name} ENABLE and REFRESH PUBLICATION"))
        sql = (f"CREATE SUBSCRIPTION {obj.qualified_name} {connection} PUBLICATION {_publications(obj)} "
               f"WITH ({', '.join(params)})")
        return [stmt(sql, obj, "create", *hazards), *self.after_create(obj, ctx)]

    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, Subscription)
        name = obj.qualified_name
        out = []
        if obj.enabled:
            out.append(stmt(f"ALTER SUBSCRIPTION {name} DISABLE", obj, "drop"))
        hazards = []
        if obj.slot_name is not None:
            out.append(stmt(f"ALTER SUBSCRIPTION {name} SET (slot_name = NONE)", obj, "drop"))
            hazards.append(hazard(HazardType.UNTRACKED_DEPENDENCIES,
                                  f"the replication slot {quote_literal(obj.slot_name)} of subscription {name} is left "
                                  "on the publisher (a plan never connects there): drop it there"))
        out.append(stmt(f"DROP SUBSCRIPTION {name}", obj, "drop", *hazards))
        return out

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, Subscription) and isinstance(new, Subscription)
        if changed & {"two_phase", "failover"}:
            return None  # altered only on a disabled subscription, by connecting to the publisher
        name = new.qualified_name
        head = f"ALTER SUBSCRIPTION {name}"
        out: list[Statement] = []
        if "connection" in changed:
            connection, hazards = _connection(new, "sets")
            out.append(stmt(f"{head} {connection}", new, "alter", *hazards))
        if "publications" in changed:
            # refresh = false: refreshing asks the publisher for its tables
            out.append(stmt(f"{head} SET PUBLICATION {_publications(new)} WITH (refresh = false)", new, "alter"))
        if "slot_name" in changed:
            if new.slot_name is None and old.enabled:
                out.append(stmt(f"{head} DISABLE", new, "alter", hazard(
                    HazardType.UNTRACKED_DEPENDENCIES,
                    f"subscription {name} is disabled: its slot can be set to NONE only then; "
                    f"ALTER SUBSCRIPTION {name} ENABLE by hand once it has one again")))
            out.append(stmt(f"{head} SET ({_slot(new)})", new, "alter"))
        settings = _settings(new, server_version(ctx), only=changed)
        if settings:
            out.append(stmt(f"{head} SET ({', '.join(settings)})", new, "alter"))
        return out


RENDERERS: dict[str, Renderer] = {"subscription": SubscriptionRenderer()}
