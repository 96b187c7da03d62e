"""Authoring: start a migration branch, and the one commit path of a step (its kind authors the
files: engine/authoring.py). Everything is validated before anything is committed, so a failed
command leaves no commit behind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from gitmigrate.core import tomlwrite
from gitmigrate.core.catalog import load_migration
from gitmigrate.core.config import ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import (
    MIGRATION_FILE,
    MIGRATIONS_DIR,
    STEP_FILE,
    Migration,
    Step,
    slugify,
    valid_migration_name,
)
from gitmigrate.core.notes import write_step_notes
from gitmigrate.core.stepmeta import compute_step_note
from gitmigrate.errors import RepositoryStateError, UsageError


@dataclass(frozen=True)
class SqlSource:
    """SQL text plus where it came from (for error messages)."""

    text: str
    origin: str


def migration_branch(config: ProjectConfig, name: str) -> str:
    return f"{config.branch_prefix}{name}"


def current_migration_name(repo: GitRepo, config: ProjectConfig) -> str:
    branch = repo.require_branch()
    if not branch.startswith(config.branch_prefix):
        raise RepositoryStateError(
            f"the current branch {branch!r} is not a migration branch",
            f"run `git migrate start NAME`, or `git switch {config.branch_prefix}NAME`",
        )
    return branch[len(config.branch_prefix) :]


def start_migration(
    repo: GitRepo, name: str, *, from_ref: str = "HEAD", description: str = ""
) -> Migration:
    config = load_config(repo)
    if not valid_migration_name(name):
        raise UsageError(
            f"{name!r} is not a valid migration name",
            "use letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    branch = migration_branch(config, name)
    if not repo.is_valid_branch_name(branch):
        raise UsageError(
            f"{branch!r} is not a valid git branch name", "choose another migration name"
        )
    if repo.branch_exists(branch):
        raise UsageError(
            f"a migration named {name!r} exists already (branch {branch})",
            f"choose another name, or `git switch {branch}` to continue it",
        )
    base = repo.rev_parse(from_ref)
    if base is None:
        raise UsageError(
            f"{from_ref!r} is not a commit", "pass --from with a branch, tag or commit"
        )
    if repo.show_file(base, f"{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}") is not None:
        raise UsageError(
            f"a migration named {name!r} is already in {from_ref}",
            "choose another name: names must be unique in the history they land on",
        )
    dirty = repo.dirty_paths()
    if dirty:
        raise RepositoryStateError(
            f"the work tree has uncommitted changes ({', '.join(dirty[:3])}{'...' if len(dirty) > 3 else ''})",
            "commit or stash them (`git stash`), then run the command again",
        )
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    header = tomlwrite.dumps(
        {"name": name, "description": description, "created": created, "base": base}
    )
    message = (
        f"migrate: start {name}\n\n{description}\n\nMigrate-Migration: {name}\n"
        if description
        else (f"migrate: start {name}\n\nMigrate-Migration: {name}\n")
    )
    # Write the start commit with plumbing on a branch that is not checked out yet, then check
    # it out: if anything fails (no git identity, an untracked file in the way) the branch is
    # deleted again and the user is left where they were, so a retry does not find it "taken".
    repo.run("update-ref", f"refs/heads/{branch}", base, "0" * 40)
    try:
        repo.commit_files(
            branch=branch,
            message=message,
            files={f"{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}": header.encode()},
        )
        repo.run("checkout", "-q", branch)
    except BaseException:
        repo.run("update-ref", "-d", f"refs/heads/{branch}", check=False)
        raise
    return Migration(name=name, description=description, created=created, base=base)


def resolve_dialect(config: ProjectConfig, dialect: str | None) -> str:
    """The dialect SQL is parsed for: explicit (--dialect), else `[migrate] dialect`, else the
    default target's, else SQLite. The one resolver: authoring, lint and plan all use it."""
    # imported here for speed: the sql package loads sqlglot, which `log`/`status` never need
    from gitmigrate.sql.dialects import ANY_DIALECT, dialect_of_url, normalize_dialect

    if dialect and dialect.strip().lower() != ANY_DIALECT:  # "any": notes use the project's
        return normalize_dialect(dialect)
    if config.dialect:
        return normalize_dialect(config.dialect)
    if config.default_target and config.default_target in config.targets:
        return dialect_of_url(config.targets[config.default_target].url_template)
    return "sqlite"


def commit_step(
    repo: GitRepo,
    config: ProjectConfig,
    name: str,
    meta: dict[str, Any],
    files: dict[str, bytes],
    options: dict[str, Any],
    irreversible: str | None,
    dialect: str | None,
    *,
    project_files: Mapping[str, bytes | None] | None = None,
    consumed: Mapping[str, bytes] | None = None,
) -> Step:
    """Commit one step directory (step.toml from `meta` + options) and write its note; the
    note is computed first, so a failure leaves no commit behind. The step's kind authored
    the files (engine/authoring.py) and adds its part of the note. `project_files` (path from
    the repository root -> bytes, None deletes) change in the same commit: the change of a
    code or config step is its commit; `consumed` are untracked files it may replace (see
    GitRepo.commit_files)."""
    changes = _project_changes(str(meta["kind"]), project_files or {})
    migration = load_migration(repo, name, "HEAD")
    summary = str(meta["summary"])
    kind = str(meta["kind"])
    meta = dict(meta)
    if irreversible:
        meta["irreversible"] = irreversible
    if options:
        meta["options"] = options
    files = {**files, STEP_FILE: tomlwrite.dumps(meta).encode()}
    step = Step(
        migration=name,
        seq=migration.next_seq,
        slug=slugify(summary),
        kind=kind,
        summary=summary,
        files=files,
        options=options,
        irreversible=irreversible,
    )
    message = (
        f"{kind}: {step.summary}\n\n"
        f"Migrate-Step: {step.id}\n"
        f"Migrate-Kind: {kind}\n"
        f"Migrate-Checksum: {step.checksum_algo}:{step.checksum}\n"
    )
    note = compute_step_note(step, dialect)
    commit = repo.commit_files(
        branch=migration_branch(config, name),
        message=message,
        files={f"{step.path}/{fname}": body for fname, body in files.items()},
        project_files=changes,
        consumed=consumed,
    )
    write_step_notes(repo, {commit: note})
    return replace(step, commit=commit)


def _project_changes(kind: str, changes: Mapping[str, bytes | None]) -> dict[str, bytes | None]:
    """The project files a kind changes, as clean repository-relative paths: never outside the
    repository, in .git, or under migrations/ (steps are written only as step files)."""
    out: dict[str, bytes | None] = {}
    for raw, content in changes.items():
        path = PurePosixPath(raw.replace("\\", "/"))
        parts = path.parts
        if (
            not parts
            or path.is_absolute()
            or ".." in parts
            or parts[0] in (".git", MIGRATIONS_DIR)
            or str(path) == "."
        ):
            raise UsageError(
                f"the {kind} kind changes {raw!r}, which is not a project file",
                "a step may change files inside the repository, outside .git and migrations/",
            )
        out[path.as_posix()] = content
    return out
