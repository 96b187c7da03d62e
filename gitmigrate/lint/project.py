"""Lint what a repository holds: the steps of a migration, or loose SQL files.

The CLI calls these; they return findings grouped by file and never print.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from gitmigrate.core.authoring import resolve_dialect
from gitmigrate.core.catalog import load_migration, load_migrations
from gitmigrate.core.config import ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.queries import default_migration, find_step, migration_ref
from gitmigrate.errors import UsageError
from gitmigrate.lint.engine import TRANSACTIONAL_DDL, lint_sql, lint_step
from gitmigrate.lint.model import LintFinding, LintOptions
from gitmigrate.sql.dialects import normalize_dialect


@dataclass(frozen=True)
class LintReport:
    """Findings per linted file (files without findings included), in lint order."""

    dialect: str
    files: tuple[tuple[str, tuple[LintFinding, ...]], ...]

    @property
    def findings(self) -> list[LintFinding]:
        return [f for _name, found in self.files for f in found]


def _steps(repo: GitRepo, config: ProjectConfig, specs: tuple[str, ...]) -> list[Step]:
    if specs:
        return [find_step(repo, spec) for spec in specs]
    name = default_migration(repo, config, None)
    if name:
        return list(load_migration(repo, name, migration_ref(repo, config, name)).steps)
    return [s for m in load_migrations(repo, "HEAD").values() for s in m.steps]


def lint_steps(
    repo: GitRepo, specs: tuple[str, ...], dialect: str | None, options: LintOptions
) -> LintReport:
    """Lint the named steps (default: every step of the current migration, else of HEAD)."""
    config = load_config(repo)
    chosen = resolve_dialect(config, dialect)
    files: list[tuple[str, tuple[LintFinding, ...]]] = []
    for step in _steps(repo, config, specs):
        for direction in ("up", "down"):
            if f"{direction}.sql" in step.files:
                found = lint_step(step, chosen, options, directions=(direction,))
                files.append((f"{step.path}/{direction}.sql", tuple(found)))
    return LintReport(chosen, tuple(files))


def file_dialect(repo: GitRepo | None, dialect: str | None) -> str:
    """For loose files: --dialect, else the project's when inside one, else SQLite."""
    if dialect or repo is None:
        return normalize_dialect(dialect or "sqlite")
    return resolve_dialect(load_config(repo), None)


def lint_files(paths: tuple[Path, ...], dialect: str, options: LintOptions) -> LintReport:
    """Lint loose SQL files as they would run in a step with the same `options`."""
    chosen = normalize_dialect(dialect)
    # the engine wraps steps in a transaction only where DDL is transactional
    wrapped = options.assume_in_transaction and chosen in TRANSACTIONAL_DDL
    options = replace(options, assume_in_transaction=wrapped)
    files = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                f"cannot read {path}: {exc}", "give a readable UTF-8 .sql file"
            ) from exc
        files.append((str(path), tuple(lint_sql(text, chosen, options=options, file=str(path)))))
    return LintReport(chosen, tuple(files))
