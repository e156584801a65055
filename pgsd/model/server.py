"""ServerInfo: the facts about one server that decide what pgsd can read and do there."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

MIN_SUPPORTED = 130000
MAX_TESTED = 189999


class ServerInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    """The short version string, e.g. ``18.1``."""
    version_num: int
    """``server_version_num``, e.g. 180001."""
    current_user: str
    current_database: str
    is_superuser: bool
    in_recovery: bool
    encoding: str
    can_create_in_database: bool
    can_create_in_schemas: tuple[str, ...] = ()
    usable_schemas: tuple[str, ...] = ()
    hidden_schemas: tuple[str, ...] = ()
    """Schemas the role cannot USAGE: their objects are missing from a snapshot."""
    unreadable_subscription_columns: tuple[str, ...] = ()
    """Columns of pg_subscription the role may not read (``subconninfo`` unless superuser):
    the subscription query reads NULL in their place."""
    warnings: tuple[str, ...] = ()

    @property
    def major(self) -> int:
        return self.version_num // 10000

    def can_apply(self) -> bool:
        return not self.in_recovery and (self.is_superuser or self.can_create_in_database)
