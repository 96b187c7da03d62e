"""`git migrate env health ENV`: an environment's database reachable and at the expected step,
its merged config valid against its schema, its health URLs answering 2xx within `timeout`,
each check with its time (gitmigrate/envs/health.py does the checking).

    report = api.env_health(repo, env="staging", timeout=2.0)
    report.ok; [(c.name, c.ok, c.seconds, c.detail) for c in report.checks]; report.to_json()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:
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
