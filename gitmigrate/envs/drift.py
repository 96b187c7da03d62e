"""`env diff A B`: one drift report between two environments of `.gitmigrate.toml`.

Each environment's database target is read once (its live schema, reflected as `schema
inspect` does, and its ledger), its config layers merged, its health URLs asked for their
version; the sections are then compared (drift_schema, drift_steps, drift_config,
drift_versions). Nothing is written anywhere: the targets are opened read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.config import CONFIG_FILE, Environment, ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.engine.plan import steps_in_tree
from gitmigrate.engine.target import open_database_target
from gitmigrate.envs.drift_config import (
    Secret,
    compare_configs,
    compare_secrets,
    merged_config,
)
from gitmigrate.envs.drift_model import EnvDiff, SchemaSection, StepsSection
from gitmigrate.envs.drift_schema import compare_schemas
from gitmigrate.envs.drift_steps import compare_ledgers
from gitmigrate.envs.drift_versions import compare_versions
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS

# the API builds the secret predicate (it knows the review rules); it sees both merged configs
SecretFor = Callable[[Any, Any], Secret]
NO_TARGETS = "neither environment names a database target"


@dataclass(frozen=True)
class TargetState:
    """What one environment's database holds: its schema and its ledger."""

    name: str
    dialect: str
    schema: Schema
    rows: dict[str, LedgerRow]


def environments(config: ProjectConfig, a: str, b: str) -> tuple[Environment, Environment]:
    """The two environments (an unknown name lists the configured ones); the same twice is
    a usage error."""
    env_a, env_b = config.environment(a), config.environment(b)
    if a == b:
        raise UsageError(f"both sides are environment {a!r}", "name two different environments")
    return env_a, env_b


def need_targets(a: Environment, b: Environment, what: str, *, required: bool = False) -> bool:
    """Whether both have a database target (False when neither has, unless `required`); one
    without is a usage error naming the fix."""
    if a.target is None and b.target is None and not required:
        return False
    for env in (a, b):
        if env.target is None:
            raise UsageError(
                f"environment {env.name!r} has no target, so its {what} cannot be read",
                f'add target = "NAME" (a [targets.NAME] with a url) to [environments.{env.name}] '
                f"in {CONFIG_FILE}",
            )
    return True


def read_target(config: ProjectConfig, env: Environment) -> TargetState:
    """The live schema and ledger of the environment's target (read-only; an unreachable
    database is a TargetError naming it)."""
    target = open_database_target(config, env.target, "read")
    try:
        with target.engine.connect() as conn:
            schema = reflect_schema(conn, scope=ALL_SCHEMAS)  # as `schema drift` reads it
            rows = Ledger(target.engine).rows(conn)
    finally:
        target.engine.dispose()
    return TargetState(target.name, target.dialect, schema, rows)


def env_diff(repo: GitRepo, a: str, b: str, *, timeout: float, secret_for: SecretFor) -> EnvDiff:
    """The drift report of environment `b` against `a` (see the module docstring)."""
    config = load_config(repo)
    env_a, env_b = environments(config, a, b)
    names = (a, b)
    if need_targets(env_a, env_b, "schema and applied steps"):
        state_a, state_b = read_target(config, env_a), read_target(config, env_b)
        schema = compare_schemas(state_a.schema, state_b.schema, names)
        in_tree = {step.id for step in steps_in_tree(repo)}
        steps = compare_ledgers(state_a.rows, state_b.rows, in_tree)
    else:
        schema, steps = SchemaSection(False, NO_TARGETS), StepsSection(False, NO_TARGETS)
    data_a = merged_config(repo.root, env_a.config)
    data_b = merged_config(repo.root, env_b.config)
    config_section = compare_configs(env_a, env_b, data_a, data_b, secret_for(data_a, data_b))
    secrets = compare_secrets(env_a, env_b, data_a, data_b, repo.root)
    versions = compare_versions(env_a.health, env_b.health, timeout)
    return EnvDiff(a, b, schema, steps, config_section, secrets, versions,
                   tuple(versions.findings))  # fmt: skip
