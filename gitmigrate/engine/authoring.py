"""The one path that writes a step: every command that adds one (`add sql`, `schema diff`,
`data add`, `data copy`, `add KIND`, ...) ends here. The step's kind authors its files from the
command's options, with every check done first; then the step is committed with its note.

    author_step(repo, "sql", "Add email", {"up": ..., "down": ...}) -> Step
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.authoring import commit_step, current_migration_name, resolve_dialect
from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import AuthorRequest
from gitmigrate.engine.registry import get_kind
from gitmigrate.errors import UsageError


def author_step(
    repo: GitRepo,
    kind: str,
    summary: str,
    options: Mapping[str, Any],
    *,
    dialect: str | None = None,
    irreversible: str | None = None,
) -> Step:
    """Ask `kind` for the step's files, then commit them on the current migration branch."""
    config = load_config(repo)
    name = current_migration_name(repo, config)
    if not summary.strip():
        raise UsageError("a step needs a summary", "pass -m 'what this step does'")
    # imported here for speed, as in resolve_dialect: the sql package loads sqlglot
    from gitmigrate.sql.dialects import ANY_DIALECT

    chosen = resolve_dialect(config, dialect)
    found = get_kind(kind)
    # `--dialect any`: the kind validates for every dialect (and records the claim); the note
    # and lint use the project's
    claimed = ANY_DIALECT if dialect and dialect.strip().lower() == ANY_DIALECT else chosen
    request = AuthorRequest(repo, config, name, summary.strip(), claimed, options, irreversible)
    authored = found.author(request)
    meta: dict[str, Any] = {"kind": found.name, "summary": summary.strip(), **authored.meta}
    return commit_step(
        repo,
        config,
        name,
        meta,
        authored.files,
        authored.options,
        authored.irreversible,
        chosen,
        project_files=authored.project_files,
        consumed=authored.consumed,
    )
