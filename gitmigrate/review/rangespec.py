"""RANGE of `git migrate review`: what is reviewed, as two commits and maybe a migration.

(none)              the checked-out migration branch against its base (migration.toml)
users | migrate/users   that migration's branch against its base
main..migrate/users     exactly these commits (`A...B` = from their merge base)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATION_FILE, MIGRATIONS_DIR
from gitmigrate.errors import UsageError


@dataclass(frozen=True)
class ReviewRange:
    spec: str
    base: str | None  # None: every step in head's tree is in scope
    head: str
    migration: str | None  # None: every migration with a step changed in the range


def migration_base(repo: GitRepo, head: str, name: str) -> str | None:
    """The `base` commit recorded in the migration's migration.toml, if it exists here."""
    path = f"{head}:{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}"
    sha = repo.run("rev-parse", "--verify", "--quiet", path, check=False).strip()
    if not sha:
        return None
    raw = repo.read_blobs([sha])[sha]  # not show_file: GitPython's import costs the hook ~90 ms
    try:
        base = tomllib.loads(raw.decode("utf-8-sig")).get("base")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return repo.rev_parse(str(base)) if base else None


def _commit(repo: GitRepo, rev: str, spec: str) -> str:
    commit = repo.rev_parse(rev)
    if commit is None:
        raise UsageError(
            f"{rev!r} in {spec!r} is not a commit",
            "give a branch, tag or commit id (e.g. main..migrate/NAME)",
        )
    return commit


def _name_of(config: ProjectConfig, rev: str) -> str | None:
    for prefix in (f"refs/heads/{config.branch_prefix}", config.branch_prefix):
        if rev.startswith(prefix) and len(rev) > len(prefix):
            return rev[len(prefix) :]
    return None


def resolve_range(repo: GitRepo, config: ProjectConfig, spec: str | None) -> ReviewRange:
    if spec is None:
        branch = repo.current_branch() or ""
        name = _name_of(config, branch)
        if name is None:
            raise UsageError(
                f"{branch or 'HEAD'} is not a migration branch, so there is nothing to review by default",
                f"give RANGE: a migration name, {config.branch_prefix}NAME, or BASE..{config.branch_prefix}NAME",
            )
        return _migration_range(repo, config, name, branch)
    if ".." in spec:
        symmetric = "..." in spec
        left, _, right = spec.partition("..." if symmetric else "..")
        head = _commit(repo, right or "HEAD", spec)
        base = _commit(repo, left or "HEAD", spec)
        if symmetric:
            base = repo.run("merge-base", base, head).strip() or base
        return ReviewRange(spec, base, head, _name_of(config, right))
    name = _name_of(config, spec) or spec
    branch = f"{config.branch_prefix}{name}"
    if repo.branch_exists(branch):
        return _migration_range(repo, config, name, branch)
    tip = repo.rev_parse("HEAD")
    if tip and repo.show_file(tip, f"{MIGRATIONS_DIR}/{name}/{MIGRATION_FILE}") is not None:
        return ReviewRange(spec, migration_base(repo, tip, name), tip, name)
    raise UsageError(
        f"no migration named {name!r} (no branch {branch}, not in HEAD)",
        "`git migrate list` shows the migrations; or give a range such as main..migrate/NAME",
    )


def _migration_range(repo: GitRepo, config: ProjectConfig, name: str, branch: str) -> ReviewRange:
    head = _commit(repo, branch, branch)
    base = migration_base(repo, head, name)
    shown = f"{base[:12]}..{branch}" if base else branch
    return ReviewRange(shown, base, head, name)
