"""Project configuration: `.gitmigrate.toml` at the repository root (shared, committed) plus
`git config migrate.*` (per user, never committed).

Target URLs may contain `${VAR}`; the variables are read from the environment only when a
target is resolved, so secrets never land in git, notes, logs or artifacts.

    # .gitmigrate.toml
    [migrate]
    default_target = "dev"
    dialect = "sqlite"

    [targets.dev]
    url = "sqlite:///.gitmigrate/dev.db"

    [targets.prod]
    url = "postgresql+psycopg://app:${PROD_DB_PASSWORD}@db.internal/app"

Per-user overrides: `git config migrate.branchPrefix`, `migrate.defaultTarget`,
`migrate.target.<name>.url`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import ConfigError, RepositoryStateError, UsageError

CONFIG_FILE = ".gitmigrate.toml"
DEFAULT_BRANCH_PREFIX = "migrate/"
_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Target:
    name: str
    url_template: str

    def resolve_url(self) -> str:
        """The URL with `${VAR}` filled from the environment (never stored anywhere)."""

        def fill(match: re.Match[str]) -> str:
            var = match.group(1)
            if var not in os.environ:
                raise ConfigError(
                    f"target {self.name!r} needs the environment variable {var}",
                    f"export {var}=... before running git-migrate",
                )
            return os.environ[var]

        return _VAR_RE.sub(fill, self.url_template)


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    default_target: str | None
    dialect: str | None
    branch_prefix: str
    targets: dict[str, Target] = field(default_factory=dict)
    # how long one DDL statement may wait for a table lock, and how often it is retried
    # ([migrate] lock_timeout / lock_retries; a step's step.toml may override both)
    lock_timeout: float | None = None
    lock_retries: int | None = None

    def target(self, name_or_url: str | None) -> Target:
        """A named target, or an ad-hoc one from a URL; None means the default target."""
        if name_or_url is None:
            if not self.default_target:
                raise UsageError(
                    "no target given and no default target configured",
                    "pass --target NAME, or set default_target in .gitmigrate.toml",
                )
            name_or_url = self.default_target
        if "://" in name_or_url:
            return Target(name="(url)", url_template=name_or_url)
        if name_or_url not in self.targets:
            known = ", ".join(sorted(self.targets)) or "none"
            raise UsageError(
                f"unknown target {name_or_url!r}",
                f"configured targets: {known}; add it under [targets.{name_or_url}] in {CONFIG_FILE}",
            )
        return self.targets[name_or_url]


def config_path(repo: GitRepo) -> Path:
    return repo.root / CONFIG_FILE


def is_initialised(repo: GitRepo) -> bool:
    return config_path(repo).is_file()


def load_config(repo: GitRepo) -> ProjectConfig:
    path = config_path(repo)
    if not path.is_file():
        raise RepositoryStateError(
            f"{repo.root} is not initialised for git-migrate ({CONFIG_FILE} is missing)",
            "run `git migrate init` first",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE} is not valid TOML: {exc}", f"fix {path}") from exc
    return _from_document(repo, data)


def _from_document(repo: GitRepo, data: dict[str, Any]) -> ProjectConfig:
    section = data.get("migrate", {})
    raw_targets = data.get("targets", {})
    if not isinstance(section, dict) or not isinstance(raw_targets, dict):
        raise ConfigError(
            f"{CONFIG_FILE}: [migrate] and [targets.*] must be tables",
            "see docs/configuration.md for the layout",
        )
    targets: dict[str, Target] = {}
    for name, spec in raw_targets.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("url"), str):
            raise ConfigError(
                f"{CONFIG_FILE}: target {name!r} has no url",
                f'add `url = "..."` under [targets.{name}]',
            )
        targets[name] = Target(name=name, url_template=spec["url"])
    # one git call for every per-user setting; git lower-cases section and key names
    user = repo.config_get_regexp(r"^migrate\.")
    for key, value in user.items():
        if key.startswith("migrate.target.") and key.endswith(".url"):
            name = key[len("migrate.target.") : -len(".url")]
            targets[name] = Target(name=name, url_template=value)
    default = user.get("migrate.defaulttarget") or section.get("default_target")
    prefix = (
        user.get("migrate.branchprefix") or section.get("branch_prefix") or DEFAULT_BRANCH_PREFIX
    )
    dialect = section.get("dialect")
    return ProjectConfig(
        root=repo.root,
        default_target=str(default) if default else None,
        dialect=str(dialect) if dialect else None,
        branch_prefix=str(prefix),
        targets=targets,
        lock_timeout=lock_timeout_setting(section.get("lock_timeout"), f"{CONFIG_FILE} [migrate]"),
        lock_retries=lock_retries_setting(section.get("lock_retries"), f"{CONFIG_FILE} [migrate]"),
    )


def lock_timeout_setting(value: object, where: str) -> float | None:
    """`lock_timeout`: seconds >= 0 (0: wait as long as it takes), or absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ConfigError(
            f"{where}: lock_timeout must be a number of seconds >= 0, not {value!r}",
            "write e.g. lock_timeout = 5 (see docs/configuration.md)",
        )
    return float(value)


def lock_retries_setting(value: object, where: str) -> int | None:
    """`lock_retries`: a whole number >= 0, or absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(
            f"{where}: lock_retries must be a whole number >= 0, not {value!r}",
            "write e.g. lock_retries = 10 (see docs/configuration.md)",
        )
    return value


def default_config_text() -> str:
    return (
        "# git-migrate project configuration (docs/configuration.md).\n"
        "# Secrets: write ${VAR} in a URL and export VAR; never commit a password.\n"
        "[migrate]\n"
        'default_target = "dev"\n'
        'dialect = "sqlite"\n'
        "\n"
        "[targets.dev]\n"
        'url = "sqlite:///.gitmigrate/dev.db"\n'
    )
