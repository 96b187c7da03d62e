"""An environment's health: its database reachable and at the expected step, its merged config
valid against its schema, its health URLs answering 2xx within a timeout. Each check is timed
and judged on its own, so one that hangs or fails never hides the others.

The same checks serve `git migrate env health ENV`, the env kind's step (a health gate inside a
migration) and `apply --health ENV` (the checks as each step's verify): one code path, so the
gate in a run judges exactly what the command shows. Database and config checks live in
health_checks.py, the HTTP check in health_http.py.

    report = run_health(repo, config, env, timeout=5.0)
    report.ok, [(c.name, c.ok, c.seconds, c.detail) for c in report.checks]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from gitmigrate.core.config import Environment, ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Finding
from gitmigrate.errors import UsageError

CHECKS = ("database", "config", "http")  # the sorts of check, in the order they run


@dataclass(frozen=True)
class HealthCheck:
    """One check's verdict: `detail` says what was found (never a secret value)."""

    name: str  # "database", "config", "http https://..."
    ok: bool
    seconds: float
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "seconds": round(self.seconds, 4),
                "detail": self.detail}  # fmt: skip


@dataclass(frozen=True)
class HealthReport:
    env: str
    checks: tuple[HealthCheck, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> tuple[HealthCheck, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def to_json(self) -> dict[str, Any]:
        return {"env": self.env, "ok": self.ok, "checks": [c.to_json() for c in self.checks]}


Verdict = tuple[bool, str]


def timed(name: str, check: Callable[[], Verdict]) -> HealthCheck:
    """Run one check, timing it; a failure of our own (a UsageError, a missing file) is the
    check's verdict, not an exception that would hide the other checks."""
    from gitmigrate.errors import GitMigrateError

    start = time.perf_counter()
    try:
        ok, detail = check()
    except GitMigrateError as exc:
        ok, detail = False, exc.message + (f" ({exc.hint})" if exc.hint else "")
    return HealthCheck(name, ok, time.perf_counter() - start, detail)


def parse_checks(names: Sequence[str] | str | None, where: str) -> tuple[str, ...]:
    """`database,config` or ["database", "config"] -> the checks, in CHECKS order; None: all.
    An unknown name is a UsageError naming those there are."""
    if names is None:
        return CHECKS
    given = names.split(",") if isinstance(names, str) else list(names)
    chosen = {str(n).strip().lower() for n in given if str(n).strip()}
    unknown = sorted(chosen - set(CHECKS))
    if unknown or not chosen:
        raise UsageError(
            f"{where}: unknown health check(s) {', '.join(unknown) or '(none given)'}",
            f"choose from {', '.join(CHECKS)} (comma-separated)",
        )
    return tuple(c for c in CHECKS if c in chosen)


def run_health(
    repo: GitRepo,
    config: ProjectConfig,
    env: Environment,
    *,
    timeout: float = 5.0,
    checks: Sequence[str] = CHECKS,
    before_step: str | None = None,
) -> HealthReport:
    """Every check `env` has something for (a target, config files, health URLs), among
    `checks`. `before_step`: inside a run, the database must have every step before that one
    applied (the later ones are the run's to do); None: no step of the branch may be pending."""
    from gitmigrate.envs.health_checks import check_config, check_database
    from gitmigrate.envs.health_http import check_url

    if timeout <= 0:
        raise UsageError(f"--timeout {timeout} is not positive", "give seconds, e.g. --timeout 5")
    found: list[HealthCheck] = []
    if "database" in checks and env.target:
        target = env.target
        found.append(
            timed("database", lambda: check_database(repo, config, target, before_step, timeout))
        )
    if "config" in checks and env.config:
        found.append(timed("config", lambda: check_config(repo.root, env)))
    if "http" in checks:
        for url in env.health:
            found.append(timed(f"http {redact(url)}", partial(check_url, url, timeout)))
    if not found:
        raise UsageError(
            f"environment {env.name!r} has nothing to check"
            + (f" among {', '.join(checks)}" if tuple(checks) != CHECKS else ""),
            f"give [environments.{env.name}] a target, config files or health URLs",
        )
    return HealthReport(env.name, tuple(found))


def health_findings(report: HealthReport) -> list[Finding]:
    """One error per failed check, as a step's verify reports them (the env step's verify,
    and `apply --health`'s check after each step)."""
    hint = f"see `git migrate env health {report.env}`; fix it, then run the command again"
    return [
        Finding("error", "env-health", f"environment {report.env}: {c.name}: {c.detail}",
                hint=hint)
        for c in report.failed
    ]  # fmt: skip


def health_after_steps(
    repo: GitRepo, config: ProjectConfig, env: Environment, timeout: float
) -> Callable[[Step], list[Finding]]:
    """`apply --health ENV`: the checks to run after each step as part of its verify; the
    database must have every step before this one applied (this one commits after its
    verify). Refuses now, before any step runs, an environment with nothing to check."""
    if not (env.target or env.config or env.health):
        run_health(repo, config, env, timeout=timeout)  # raises the one-line UsageError

    def check(step: Step) -> list[Finding]:
        return health_findings(run_health(repo, config, env, timeout=timeout, before_step=step.id))

    return check


def redact(url: str) -> str:
    """A URL as it may be shown: no user:password@, no query string or fragment (tokens hide
    there). One rule for every report of an environment (health and drift)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=netloc, query="", fragment=""))
