"""Resolving a target name (or URL) to a live database, with the password kept out of sight."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from gitmigrate.core.config import ProjectConfig
from gitmigrate.db.connect import (
    Access,
    check_connection,
    create_target_engine,
    supports_transactional_ddl,
)
from gitmigrate.db.url import dialect_name, redact_url


@dataclass(frozen=True)
class DatabaseTarget:
    name: str  # what logs, notes and messages show: the target's name or its redacted URL
    dialect: str
    engine: Engine

    @property
    def transactional_ddl(self) -> bool:
        return supports_transactional_ddl(self.dialect)


def open_target(
    config: ProjectConfig, name_or_url: str | None, access: Access = "write"
) -> DatabaseTarget:
    target = config.target(name_or_url)
    url = target.resolve_url()
    display = target.name if target.name != "(url)" else redact_url(url)
    engine = create_target_engine(url, base_dir=config.root, access=access)
    check_connection(engine, display)
    return DatabaseTarget(name=display, dialect=dialect_name(url), engine=engine)
