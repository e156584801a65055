"""Detect the server version and what the connected role may read and change."""

from __future__ import annotations

from importlib.resources import files

from pgsd import errors
from pgsd.connect.pool import ReadSession
from pgsd.model.names import quote_ident, quote_role
from pgsd.model.server import MAX_TESTED, MIN_SUPPORTED, ServerInfo

_SQL = files("pgsd.connect") / "sql"


def _query(name: str) -> str:
    return (_SQL / name).read_text(encoding="utf-8")


CATALOG_TABLES = (
    "pg_aggregate", "pg_am", "pg_amop", "pg_amproc", "pg_attrdef", "pg_attribute", "pg_auth_members",
    "pg_cast", "pg_class", "pg_collation", "pg_constraint", "pg_conversion", "pg_database",
    "pg_db_role_setting", "pg_default_acl", "pg_depend", "pg_description", "pg_enum", "pg_event_trigger",
    "pg_extension", "pg_foreign_data_wrapper", "pg_foreign_server", "pg_foreign_table", "pg_index",
    "pg_inherits", "pg_language", "pg_largeobject_metadata", "pg_namespace", "pg_opclass", "pg_operator",
    "pg_opfamily", "pg_policy", "pg_proc", "pg_publication", "pg_publication_namespace", "pg_publication_rel",
    "pg_range", "pg_rewrite", "pg_seclabel", "pg_sequence", "pg_shdescription", "pg_statistic_ext",
    "pg_tablespace", "pg_transform", "pg_trigger", "pg_ts_config", "pg_ts_config_map", "pg_ts_dict",
    "pg_ts_parser", "pg_ts_template", "pg_type",
)
"""The catalog tables pgsd's queries read whose columns every role may read unless an
administrator revoked them (pg_subscription and pg_user_mapping keep secrets, so they
are read only as far as a role may; a test keeps this list in step with the queries)."""

_WHAT_IS_LOST = {
    "pg_proc": "function and procedure definitions",
    "pg_class": "tables, views, sequences and indexes",
    "pg_attribute": "columns",
    "pg_type": "types",
    "pg_constraint": "constraints",
}


def detect_server(session: ReadSession, *, where: str = "the server") -> ServerInfo:
    """Read the server facts in the session's transaction; refuse servers older than 13."""
    [row] = session.fetch_dicts(_query("server_info.sql"), step="server info")
    version_num = int(row["version_num"])
    if version_num < MIN_SUPPORTED:
        raise errors.ServerUnsupported(
            f"{where} runs PostgreSQL {row['version']}: pgsd supports PostgreSQL 13 to 18"
        )
    warnings: list[str] = []
    if version_num > MAX_TESTED:
        warnings.append(
            f"PostgreSQL {row['version']} is newer than pgsd was tested with (13 to 18): "
            "objects using new features may be missed"
        )
    usable: list[str] = []
    hidden: list[str] = []
    creatable: list[str] = []
    for nspname, can_use, can_create in session.fetch(_query("schema_privileges.sql"), step="permissions"):
        (usable if can_use else hidden).append(nspname)
        if can_create:
            creatable.append(nspname)
    if hidden:
        warnings.append(
            f"role {row['current_user']} lacks USAGE on schema(s) {', '.join(hidden)}: "
            "their definitions are read from the catalog, but a plan touching them will fail here"
        )
    for table, columns in session.fetch(_query("catalog_privileges.sql"), {"tables": list(CATALOG_TABLES)},
                                        step="catalog privileges"):
        lost = _WHAT_IS_LOST.get(table, f"what {table} describes")
        table = quote_ident(table)
        warnings.append(
            f"role {row['current_user']} may not read column(s) {', '.join(columns)} of pg_catalog.{table} "
            f"({lost}): reading the schema fails where pgsd needs them; ask an administrator for "
            f"GRANT SELECT ON pg_catalog.{table} TO {quote_role(row['current_user'])}"
        )
    if row["in_recovery"]:
        warnings.append("the server is a standby (read-only): a plan cannot be applied here")
    elif not (row["is_superuser"] or row["can_create_in_database"]):
        warnings.append(
            f"role {row['current_user']} lacks CREATE on database {row['current_database']}: "
            "applying a plan that creates schemas will fail"
        )
    return ServerInfo(
        version=row["version"].split(" ")[0],
        version_num=version_num,
        current_user=row["current_user"],
        current_database=row["current_database"],
        is_superuser=bool(row["is_superuser"]),
        in_recovery=bool(row["in_recovery"]),
        encoding=row["encoding"],
        can_create_in_database=bool(row["can_create_in_database"]),
        can_create_in_schemas=tuple(creatable),
        usable_schemas=tuple(usable),
        hidden_schemas=tuple(hidden),
        unreadable_subscription_columns=tuple(row["unreadable_subscription_columns"] or ()),
        warnings=tuple(warnings),
    )
