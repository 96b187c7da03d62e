"""`git migrate env health ENV`: an environment's database reachable and at the expected step,
its merged config valid against its schema, its health URLs answering 2xx within `timeout`,
each check with its time (gitmigrate/envs/health.py does the checking).

    report = api.env_health(repo, env="staging", timeout=2.0)
    report.ok; [(c.name, c.ok, c.seconds, c.detail) for c in report.checks]; report.to_json()
    api.add_env_step(repo, environment="staging", checks=["database", "http"])  # a health gate
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:
    from gitmigrate.api.authoring import StepAdded
    from gitmigrate.envs.health import HealthReport


def env_health(
    repo: RepoLike = None, *, env: str, timeout: float = 5.0,
    checks: Sequence[str] | None = None,
) -> HealthReport:  # fmt: skip
    """Run `env`'s health checks (all, or `checks` among database, config, http). Never
    raises for an unhealthy environment: the report says so (`ok`); an unknown environment or
    one with nothing to check is a UsageError."""
    from gitmigrate.core.config import load_config
    from gitmigrate.envs.health import parse_checks, run_health

    git = open_repo(repo)
    config = load_config(git)
    environment = config.environment(env)
    chosen = parse_checks(checks, "env health")
    return run_health(git, config, environment, timeout=timeout, checks=chosen)


def add_env_step(
    repo: RepoLike = None, *, environment: str, checks: Sequence[str] | None = None,
    timeout: float = 5.0, summary: str | None = None,
) -> StepAdded:  # fmt: skip
    """Commit an env step on the current migration branch: a health gate on `environment`
    (its checks: all, or `checks` among database, config, http) that `apply` runs in order."""
    from gitmigrate.api.authoring import add_step
    from gitmigrate.envs.health import CHECKS

    options = {"environment": environment, "checks": list(checks or CHECKS), "timeout": timeout}
    text = summary or f"health gate: {environment}"
    return add_step(repo, "env", summary=text, options=options)
