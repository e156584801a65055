"""Foreign-data wrappers, foreign servers, user mappings and publications.

All four are database-wide (no schema), so neither schema filters nor name globs apply.
Option lists are sorted because their catalog order is only the order they were
written in, which OPTIONS (...) does not preserve meaningfully across ALTERs.
"""

from __future__ import annotations

import re
from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.model.names import qualified, quote_ident
from pgsd.model.objects import DbObject, ForeignDataWrapper, ForeignServer, Publication, UserMapping

# Option names whose values are credentials: never stored in a snapshot (files get
# shared, printed and diffed), only that they are set.
_SECRET_OPTION = re.compile(r"passw|secret|token", re.IGNORECASE)
MASK = "***"

_GENERATED_COLUMNS = {"n": "none", "s": "stored"}


def _options(raw: list[str] | None) -> tuple[str, ...]:
    return tuple(sorted(raw or ()))


def mask_option(option: str) -> str:
    """``password=hunter2`` -> ``password=***``; other options unchanged."""
    name, sep, _ = option.partition("=")
    return f"{name}={MASK}" if sep and _SECRET_OPTION.search(name) else option


def load_foreign_data_wrappers(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("foreign_data_wrappers"):
        fdw = ForeignDataWrapper(
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            handler=row["handler"],
            validator=row["validator"],
            options=_options(row["options"]),
        )
        out.append(fdw)
        ctx.register("pg_foreign_data_wrapper", row["oid"], fdw.key)
    return out


def load_servers(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("servers"):
        server = ForeignServer(
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            acl=normalise_acl(row["acl"], row["owner"]),
            wrapper=row["wrapper"],
            server_type=row["server_type"],
            server_version=row["server_version"],
            options=_options(row["options"]),
        )
        out.append(server)
        ctx.register("pg_foreign_server", row["oid"], server.key)
    return out


def load_user_mappings(ctx: LoadContext) -> list[DbObject]:
    """Mappings of servers that were read; secret values masked, hidden options warned about.

    Without superuser, a role sees the options only of its own mappings (and PUBLIC
    ones of servers it owns); the others come back with no options, which would look
    like a difference, so the snapshot says so.
    """
    out: list[DbObject] = []
    hidden: list[str] = []
    for row in ctx.fetch("user_mappings"):
        if ctx.key_of("pg_foreign_server", row["srvid"]) is None:
            continue
        mapping = UserMapping(
            name=row["name"],
            server=row["server"],
            options=tuple(sorted(mask_option(o) for o in row["options"] or ())),
        )
        if not row["options_readable"]:
            hidden.append(mapping.display_name)
        out.append(mapping)
        ctx.register("pg_user_mapping", row["oid"], mapping.key)
    if hidden:
        ctx.warnings.append(
            f"the options of {len(hidden)} user mapping(s) are hidden from this role and were read as "
            f"empty: {', '.join(hidden[:5])}{', ...' if len(hidden) > 5 else ''}"
        )
    return out


def _publication_table(entry: dict[str, Any]) -> str:
    """``s.t``, ``s.t (a, b)``, ``s.t WHERE (a > 0)``: the table as CREATE PUBLICATION lists it."""
    text = qualified(entry["schema"], entry["table"])
    columns = entry.get("columns")
    if columns:
        text += " (" + ", ".join(quote_ident(c) for c in columns) + ")"
    where = entry.get("where")
    if where:
        text += f" WHERE ({where})"
    return text


def load_publications(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("publications"):
        operations = tuple(
            op for op in ("insert", "update", "delete", "truncate") if row[f"pub{op}"]
        )
        publication = Publication(
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            all_tables=row["all_tables"],
            operations=operations,
            via_root=row["via_root"],
            tables=tuple(sorted(_publication_table(t) for t in row["tables"] or ())),
            schemas=tuple(sorted(quote_ident(s) for s in row["schemas"] or ())),
            publish_generated_columns=_GENERATED_COLUMNS.get(row["gencols"], row["gencols"]),
        )
        out.append(publication)
        ctx.register("pg_publication", row["oid"], publication.key)
        # Membership rows depend on their table / schema: as the publication's edges.
        for entry in row["tables"] or ():
            ctx.register("pg_publication_rel", entry["oid"], publication.key)
        for oid in row["schema_entry_oids"] or ():
            ctx.register("pg_publication_namespace", oid, publication.key)
    return out
