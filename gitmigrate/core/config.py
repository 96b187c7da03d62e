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

    [targets.deployed]                # a tree target: a directory, not a database
    path = "/srv/app/config"          # relative to the repository root; "." is the repository

A target is a database (`url`) or a tree (`path`), never both. Tree kinds run against the
repository itself (".") unless their step names another tree target.

    [environments.prod]               # shared by the config and env kinds (DESIGN.md)
    target = "prod"
    config = ["config/base.yaml", "config/prod.yaml"]   # layered, later files win
    schema = "config/schema.json"
    secrets = ["DB_PASSWORD"]         # names only, never values
    health = ["https://app.internal/healthz"]
    keys = { age = ["age1..."], key_env = "GITMIGRATE_PROD_KEY" }

Per-user overrides: `git config migrate.branchPrefix`, `migrate.defaultTarget`,
`migrate.target.<name>.url`, `migrate.target.<name>.path`.
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


DATABASE = "database"
TREE = "tree"
REPOSITORY = "."  # the tree target that is the repository's own work tree


@dataclass(frozen=True)
class Target:
    name: str
    url_template: str = ""
    path: str | None = None  # set for a tree target: relative to the repository root

    @property
    def sort(self) -> str:
        """`database` (a URL) or `tree` (a directory)."""
        return TREE if self.path is not None else DATABASE

    def resolve_path(self, root: Path) -> Path:
        """The tree's directory (`${VAR}` filled from the environment)."""
        if self.path is None:
            raise ConfigError(
                f"target {self.name!r} is a database (url), not a tree",
                'give a tree target (path = "...") or leave it out for the repository',
            )
        return (root / _fill(self.name, self.path)).resolve()

    def resolve_url(self) -> str:
        """The URL with `${VAR}` filled from the environment (never stored anywhere)."""
        if self.path is not None:
            raise ConfigError(
                f"target {self.name!r} is a tree (path = {self.path!r}), not a database",
                "name a database target (one with url = ...) for this command",
            )
        return _fill(self.name, self.url_template)


def _fill(name: str, template: str) -> str:
    """`${VAR}` filled from the environment (never stored anywhere)."""

    def fill(match: re.Match[str]) -> str:
        var = match.group(1)
        if var not in os.environ:
            raise ConfigError(
                f"target {name!r} needs the environment variable {var}",
                f"export {var}=... before running git-migrate",
            )
        return os.environ[var]

    return _VAR_RE.sub(fill, template)


@dataclass(frozen=True)
class EnvironmentKeys:
    """Who may read an environment's encrypted values: age and PGP recipients, and the
    environment variable holding the private key (never the key itself)."""

    age: tuple[str, ...] = ()
    pgp: tuple[str, ...] = ()
    key_env: str | None = None


@dataclass(frozen=True)
class Environment:
    """One [environments.NAME] table: where it runs and which config files make it up."""

    name: str
    target: str | None = None  # a target of [targets.*]
    config: tuple[str, ...] = ()  # repository-relative, layered: later files win
    schema: str | None = None  # the JSON Schema its merged config must satisfy
    secrets: tuple[str, ...] = ()  # the names of the secrets it needs
    health: tuple[str, ...] = ()  # URLs that must answer 2xx
    keys: EnvironmentKeys = field(default_factory=EnvironmentKeys)
    # the NAME of the variable holding the masking key of data subsets loaded into it
    mask_key: str | None = None


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
    environments: dict[str, Environment] = field(default_factory=dict)

    def environment(self, name: str) -> Environment:
        """The environment of that name; an unknown one is a UsageError naming those there are."""
        if name not in self.environments:
            known = ", ".join(sorted(self.environments)) or "none"
            raise UsageError(
                f"unknown environment {name!r}",
                f"configured environments: {known}; add [environments.{name}] to {CONFIG_FILE}",
            )
        return self.environments[name]

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
    raw_envs = data.get("environments", {})
    if not all(isinstance(t, dict) for t in (section, raw_targets, raw_envs)):
        raise ConfigError(
            f"{CONFIG_FILE}: [migrate], [targets.*] and [environments.*] must be tables",
            "see docs/configuration.md for the layout",
        )
    targets = {name: _target(name, spec) for name, spec in raw_targets.items()}
    # one git call for every per-user setting; git lower-cases section and key names
    user = repo.config_get_regexp(r"^migrate\.")
    for key, value in user.items():
        if key.startswith("migrate.target.") and key.endswith(".url"):
            name = key[len("migrate.target.") : -len(".url")]
            targets[name] = Target(name=name, url_template=value)
        elif key.startswith("migrate.target.") and key.endswith(".path"):
            name = key[len("migrate.target.") : -len(".path")]
            targets[name] = _target(name, {"path": value})
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
        environments={name: _environment(name, spec) for name, spec in raw_envs.items()},
    )


def _environment(name: str, spec: object) -> Environment:
    """One [environments.NAME] table; every key optional, each of its own type."""
    where = f"{CONFIG_FILE}: environment {name!r}"
    if not isinstance(spec, dict):
        raise ConfigError(
            f"{where} must be a table", f"write [environments.{name}] with config = [...]"
        )
    known = {"target", "config", "schema", "secrets", "health", "keys", "mask_key"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ConfigError(
            f"{where} has unknown key(s) {', '.join(unknown)}",
            f"keys of [environments.{name}]: {', '.join(sorted(known))}",
        )
    keys = spec.get("keys", {})
    if not isinstance(keys, dict) or sorted(set(keys) - {"age", "pgp", "key_env"}):
        raise ConfigError(
            f"{where}: keys must be a table of age, pgp and key_env",
            'write keys = { age = ["age1..."], key_env = "VAR" }',
        )
    return Environment(
        name=name,
        target=_optional_str(spec.get("target"), where, "target"),
        config=_strings(spec.get("config"), where, "config"),
        schema=_optional_str(spec.get("schema"), where, "schema"),
        secrets=_strings(spec.get("secrets"), where, "secrets"),
        health=_strings(spec.get("health"), where, "health"),
        keys=EnvironmentKeys(
            age=_strings(keys.get("age"), where, "keys.age"),
            pgp=_strings(keys.get("pgp"), where, "keys.pgp"),
            key_env=_optional_str(keys.get("key_env"), where, "keys.key_env"),
        ),
        mask_key=_optional_str(spec.get("mask_key"), where, "mask_key"),
    )


def _optional_str(value: object, where: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"{where}: {key} must be a non-empty string, not {value!r}", f'write {key} = "..."'
        )
    return value


def _strings(value: object, where: str, key: str) -> tuple[str, ...]:
    """A list of strings (a single string is a list of one)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            f"{where}: {key} must be a list of strings, not {value!r}", f'write {key} = ["..."]'
        )
    return tuple(value)


def _target(name: str, spec: object) -> Target:
    """One [targets.NAME] table: `url` (a database) or `path` (a tree), exactly one of them."""
    where = f"{CONFIG_FILE}: target {name!r}"
    if not isinstance(spec, dict):
        raise ConfigError(
            f"{where} must be a table", f'write [targets.{name}] with url = "..." or path = "..."'
        )
    url, path = spec.get("url"), spec.get("path")
    if url is not None and path is not None:
        raise ConfigError(
            f"{where} has both url and path",
            "a target is a database (url) or a tree (path): keep one of them",
        )
    if url is None and path is None:
        raise ConfigError(
            f"{where} has no url",
            f'add `url = "..."` under [targets.{name}] (a database)'
            ' or `path = "..."` (a tree: "." is the repository)',
        )
    if path is not None:
        if not isinstance(path, str) or not path.strip():
            raise ConfigError(
                f"{where}: path must be a non-empty string, not {path!r}",
                f'write path = "." (the repository) or a directory under [targets.{name}]',
            )
        if "://" in path:
            raise ConfigError(
                f"{where}: path {path!r} looks like a URL",
                f'write it as url = "{path}" for a database, or give a directory',
            )
        return Target(name=name, path=path)
    if not isinstance(url, str):
        raise ConfigError(f"{where}: url must be a string, not {url!r}", 'write url = "..."')
    return Target(name=name, url_template=url)


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
