"""Running steps against a target: apply, resume, rollback, verify, status, cleanup. The
engine does the work; these functions take plain arguments and a progress callback and
return values whose `to_json()` is what `--json` prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.progress import Progress, as_reporter

if TYPE_CHECKING:
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.data.cleanup import CleanupResult
    from gitmigrate.engine.apply import RunResult
    from gitmigrate.engine.extra_verify import ExtraVerify
    from gitmigrate.engine.status import StepState, TargetStatus
    from gitmigrate.engine.verify import VerifyResult

Confirm = Callable[[str], bool]  # asked before destructive work; None: refuse unless yes=True


@dataclass(frozen=True)
class RunReport:
    """What an apply, resume or rollback did (or, in a dry run, would do)."""

    result: RunResult

    @property
    def target(self) -> str:
        return self.result.target

    @property
    def up_to_date(self) -> bool:
        return self.result.up_to_date

    def to_json(self) -> dict[str, Any]:
        result = self.result
        impacts = {
            p.step.id: {
                "destructive": p.impact.destructive,
                "reasons": list(p.impact.reasons),
                "objects": list(p.impact.objects),
                "previewable": p.impact.previewable,
            }
            for p in reversed(result.planned)  # the first planned entry of a step wins
        }
        return {
            "target": result.target,
            "run": result.run_id,
            "dry_run": result.dry_run,
            "up_to_date": result.up_to_date,
            "steps": [
                {
                    "step": run.step.id,
                    "direction": run.direction,
                    "seconds": round(run.seconds, 4),
                    "statements": run.statements,
                    "previewed": run.previewed,
                    "unchecked": run.unchecked,
                    "schema_differences": run.schema_differences,
                    "estimate_seconds": (
                        result.estimates[run.step.id].seconds
                        if run.step.id in result.estimates
                        else None
                    ),
                    "impact": impacts.get(run.step.id),
                }
                for run in result.runs
            ],
        }


@dataclass(frozen=True)
class StatusReport:
    """Per step: applied, pending, failed, in flight; drift; lint counts of SQL steps."""

    status: TargetStatus
    lint: dict[str, dict[str, int] | None]

    @property
    def steps(self) -> list[StepState]:
        return self.status.steps

    def to_json(self) -> dict[str, Any]:
        data = self.status.to_json()
        data["steps"] = [{**step, "lint": self.lint.get(step["step_id"])} for step in data["steps"]]
        return data


@dataclass(frozen=True)
class VerifyReport:
    result: VerifyResult

    @property
    def ok(self) -> bool:
        return self.result.ok

    def to_json(self) -> dict[str, Any]:
        result = self.result
        return {
            "target": result.target,
            "ok": result.ok,
            "checked": result.checked,
            "findings": [
                {"step": s, "severity": f.severity, "rule": f.rule, "message": f.message}
                for s, f in result.findings
            ],
        }


@dataclass(frozen=True)
class CleanupReport:
    result: CleanupResult

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {"target": r.target, "migration": r.migration, "tables": r.tables,
                "dropped": r.dropped}  # fmt: skip


def apply(
    repo: RepoLike = None,
    *,
    target: str | None = None,
    migration: str | None = None,
    to: str | None = None,
    dry_run: bool = False,
    yes: bool = False,
    rollback_on_failure: str = "step",
    lock_timeout: float = 60.0,
    allow: frozenset[str] | set[str] | tuple[str, ...] = (),
    progress: Progress = None,
    confirm: Confirm | None = None,
    dry_run_chunks: int | None = None,
    health: str | None = None,
    health_timeout: float = 5.0,
) -> RunReport:
    """Apply pending steps to `target` in order, each recorded in its ledger. `progress`: a
    Reporter or a callable taking a ProgressEvent. Destructive steps need `yes=True` or a
    `confirm` callable that says yes. `dry_run_chunks`: how many chunks of a data step a dry
    run executes (rolled back) and extrapolates its estimate from (default 3). `health`: an
    environment whose health checks (`env health`, each cut at `health_timeout` seconds) run
    after each step as part of its verify: a failure fails the step like a failed verify."""
    from gitmigrate.engine.apply import ApplyOptions
    from gitmigrate.engine.apply import apply as engine_apply

    opened = open_repo(repo)
    options = ApplyOptions(
        target=target, migration=migration, to=to, dry_run=dry_run, yes=yes,
        rollback_on_failure=rollback_on_failure, lock_timeout=lock_timeout,
        allow=frozenset(allow), extra_verify=_health(opened, health, health_timeout),
    )  # fmt: skip
    if dry_run_chunks is not None:
        options = replace(options, dry_run_chunks=dry_run_chunks)
    return RunReport(engine_apply(opened, options, as_reporter(progress), confirm))


def _health(repo: GitRepo, env: str | None, timeout: float) -> ExtraVerify | None:
    """`apply --health ENV`: ENV's health checks as a check after each step (None: none)."""
    if env is None:
        return None
    from gitmigrate.core.config import load_config
    from gitmigrate.envs.health import health_after_steps

    config = load_config(repo)
    if timeout <= 0:
        from gitmigrate.errors import UsageError

        raise UsageError(f"--health-timeout {timeout} is not positive", "give seconds, e.g. 5")
    return health_after_steps(repo, config, config.environment(env), timeout)


def resume(
    repo: RepoLike = None,
    *,
    target: str | None = None,
    migration: str | None = None,
    to: str | None = None,
    dry_run: bool = False,
    yes: bool = False,
    lock_timeout: float = 60.0,
    allow: frozenset[str] | set[str] | tuple[str, ...] = (),
    progress: Progress = None,
    confirm: Confirm | None = None,
    health: str | None = None,
    health_timeout: float = 5.0,
) -> RunReport:
    """Continue an interrupted or failed run from its last checkpoint (`health`: as apply's)."""
    from gitmigrate.engine.apply import ApplyOptions
    from gitmigrate.engine.apply import resume as engine_resume

    opened = open_repo(repo)
    options = ApplyOptions(
        target=target, migration=migration, to=to, dry_run=dry_run, yes=yes,
        lock_timeout=lock_timeout, allow=frozenset(allow),
        extra_verify=_health(opened, health, health_timeout),
    )  # fmt: skip
    return RunReport(engine_resume(opened, options, as_reporter(progress), confirm))


def rollback(
    repo: RepoLike = None,
    *,
    target: str | None = None,
    migration: str | None = None,
    to: str | None = None,
    steps: int | None = None,
    all: bool = False,  # noqa: A002 - `--all` on the command line
    force: bool = False,
    dry_run: bool = False,
    yes: bool = False,
    lock_timeout: float = 60.0,
    progress: Progress = None,
    confirm: Confirm | None = None,
) -> RunReport:
    """Roll back applied steps newest first (the last one by default; `to`, `steps` or
    `all` for more); each rollback is recorded as a commit on the migration branch."""
    from gitmigrate.engine.rollback import RollbackOptions
    from gitmigrate.engine.rollback import rollback as engine_rollback

    options = RollbackOptions(
        target=target, migration=migration, to=to, steps=steps, all=all, dry_run=dry_run,
        yes=yes, force=force, lock_timeout=lock_timeout,
    )  # fmt: skip
    return RunReport(engine_rollback(open_repo(repo), options, as_reporter(progress), confirm))


def status(
    repo: RepoLike = None, *, target: str | None = None, migration: str | None = None
) -> StatusReport:
    """Each step's state on `target`, drift, and lint counts."""
    from gitmigrate.core.config import load_config
    from gitmigrate.core.queries import lint_counts
    from gitmigrate.engine.plan import steps_in_scope
    from gitmigrate.engine.status import target_status

    opened = open_repo(repo)
    current = target_status(opened, target, migration)
    steps = steps_in_scope(opened, load_config(opened), migration)
    return StatusReport(current, lint_counts(opened, steps, current.dialect))


def watch_status(
    repo: RepoLike = None, *, target: str | None = None, migration: str | None = None
) -> StatusReport:
    """`status` without lint counts: cheap enough to poll while a run is in flight."""
    from gitmigrate.engine.status import target_status

    return StatusReport(target_status(open_repo(repo), target, migration), {})


def verify(
    repo: RepoLike = None, *, target: str | None = None, migration: str | None = None
) -> VerifyReport:
    """Re-run every applied step's verify and check that ledger, notes and branch agree."""
    from gitmigrate.engine.verify import verify as engine_verify

    return VerifyReport(engine_verify(open_repo(repo), target, migration))


def cleanup(
    repo: RepoLike,
    migration: str,
    *,
    target: str | None = None,
    dry_run: bool = False,
    yes: bool = False,
    confirm: Confirm | None = None,
) -> CleanupReport:
    """Drop a complete migration's before-images, quarantine and copy-record tables."""
    from gitmigrate.data.cleanup import cleanup as run_cleanup

    return CleanupReport(
        run_cleanup(open_repo(repo), migration, target=target, dry_run=dry_run,
                    confirm=confirm, yes=yes)
    )  # fmt: skip
