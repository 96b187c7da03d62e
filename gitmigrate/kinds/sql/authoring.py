"""`add_sql_step`: the typed front of the sql kind's `author` (used by `add sql` and tests)."""

from __future__ import annotations

from typing import Any

from gitmigrate.core.authoring import SqlSource
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.authoring import author_step


def add_sql_step(
    repo: GitRepo,
    *,
    summary: str,
    up: SqlSource,
    down: SqlSource | None,
    verify: SqlSource | None = None,
    irreversible: str | None = None,
    dialect: str | None = None,
    options: dict[str, Any] | None = None,
) -> Step:
    """Validate the SQL for the dialect, then commit one step with its note."""
    return author_step(
        repo,
        "sql",
        summary,
        {"up": up, "down": down, "verify": verify, "options": options},
        dialect=dialect,
        irreversible=irreversible,
    )
