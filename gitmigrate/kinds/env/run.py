"""Running an env step: apply runs the environment's health checks and fails the step when one
fails (the run stops there, as after a failed verify); rollback has nothing to undo; verify
runs the checks again. A dry run checks nothing (the steps before it were not really applied,
so the database could not be at the expected step): it says what it would check.

Inside a run the database check asks for every step before this one to be applied on the
environment's target (the later ones are the run's to do)."""

from __future__ import annotations

from collections.abc import Iterator

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext
from gitmigrate.envs.health import HealthReport, health_findings, run_health
from gitmigrate.errors import StepFailedError, UsageError
from gitmigrate.kinds.env.options import options_of


def _config(ctx: StepContext) -> ProjectConfig:
    if not isinstance(ctx.config, ProjectConfig):
        raise UsageError("an env step needs the project's configuration to find its environment",
                         "run it with `git migrate apply` inside the repository")  # fmt: skip
    return ctx.config


def health(step: Step, ctx: StepContext) -> HealthReport:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    config = _config(ctx)
    env = config.environment(options.environment)
    return run_health(GitRepo(config.root), config, env, timeout=options.timeout,
                      checks=options.checks, before_step=step.id)  # fmt: skip


def apply_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    options = options_of(step.options, f"{step.path}/step.toml [options]")
    if ctx.dry_run:
        ctx.log(f"-- would check environment {options.environment}: {', '.join(options.checks)}")
        yield Checkpoint(1, 1, {})
        return
    report = health(step, ctx)
    for check in report.checks:
        ctx.log(f"-- {options.environment}: {check.name}: {'ok' if check.ok else 'FAIL'}"
                f" ({check.seconds:.3f}s) {check.detail}")  # fmt: skip
    if not report.ok:
        first = report.failed[0]
        raise StepFailedError(
            step.id,
            f"environment {report.env} is unhealthy: {first.name}: {first.detail}"
            + (f" (and {len(report.failed) - 1} more)" if len(report.failed) > 1 else ""),
            f"see `git migrate env health {report.env}`; fix it, then run apply again",
        )
    yield Checkpoint(1, 1, {"health": report.to_json()})


def rollback_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    yield Checkpoint(1, 1, {})  # a health gate changes nothing: nothing to undo


def verify_step(step: Step, ctx: StepContext) -> list[Finding]:
    if ctx.dry_run:
        return []
    return health_findings(health(step, ctx))
