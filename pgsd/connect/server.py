"""Detect the server version and what the connected role may read and change."""

from __future__ import annotations

from importlib.resources import files

from pgsd import errors
from pgsd.connect.pool import ReadSession
from pgsd.model.server import MAX_TESTED, MIN_SUPPORTED, ServerInfo

_SQL = files("pgsd.connect") / "sql"


def _query(name: str) -> str:
    return (_SQL / name).read_text(encoding="utf-8")


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
        warnings=tuple(warnings),
    )
