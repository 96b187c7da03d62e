"""`rollback`: run applied steps' rollbacks newest first, check the schema came back, and record
each undo as a commit on the migration branch so `git log` shows what was undone."""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.core.authoring import migration_branch
from gitmigrate.core.catalog import load_migration
from gitmigrate.core.config import ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import NullReporter, Reporter
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.apply import (
    ApplyOptions,
    Confirm,
    PlannedStep,
    RunResult,
    resume_command,
)
from gitmigrate.engine.checks import check_checksum
from gitmigrate.engine.kinds import Impact
from gitmigrate.engine.plan import steps_in_scope
from gitmigrate.engine.registry import get_kind
from gitmigrate.engine.repair import SKIPPED_REASON, decision_record
from gitmigrate.engine.run_session import run_session
from gitmigrate.engine.runlog import RunRecorder
from gitmigrate.engine.runners import Runners, is_tree_step
from gitmigrate.engine.stepper import DOWN
from gitmigrate.engine.target import DatabaseTarget, open_target
from gitmigrate.errors import BlockedError, UsageError


@dataclass(frozen=True)
class RollbackOptions:
    target: str | None = None
    migration: str | None = None
    to: str | None = None  # keep this step applied, undo everything after it
    steps: int | None = None
    all: bool = False
    dry_run: bool = False
    yes: bool = False
    force: bool = False  # skip irreversible steps: their effects stay, recorded `skipped`
    lock_timeout: float = 60.0


def rollback(
    repo: GitRepo,
    options: RollbackOptions,
    reporter: Reporter | None = None,
    confirm: Confirm | None = None,
) -> RunResult:
    reporter = reporter or NullReporter()
    if (
        sum(
            x is not None and x is not False
            for x in (options.to, options.steps, options.all or None)
        )
        != 1
    ):
        raise UsageError(
            "say how far to roll back", "pass exactly one of --to STEP, --steps N, --all"
        )
    config = load_config(repo)
    scope = steps_in_scope(repo, config, options.migration)
    target = open_target(config, options.target, repo)
    database = target if isinstance(target, DatabaseTarget) else None
    if database is None:
        scope = [s for s in scope if is_tree_step(s)]
    recorder = RunRecorder(repo, target.name, "rollback", dry_run=options.dry_run)
    result = RunResult(target.name, recorder.run_id, options.dry_run)
    resume = resume_command(ApplyOptions(target=options.target), target)
    try:
        with run_session(
            repo, config, target, scope, recorder, reporter,
            resume=resume, dry_run=options.dry_run, lock_timeout=options.lock_timeout,
        ) as session:  # fmt: skip
            runners, rows, tree = session.runners, session.rows, session.tree
            chosen = _choose(scope, rows, options)
            for step in chosen:
                check_checksum(repo, step, rows[step.id])
            _check_in_flight(chosen, rows, resume)
            _check_cleaned(chosen, rows, options)
            _check_gone(scope, chosen, rows)
            _check_irreversible(chosen, options)
            tree.check_rollback(s for s in chosen if is_tree_step(s) and not s.irreversible)
            result.planned = [
                PlannedStep(s, rows[s.id], _rollback_impact(s, rows[s.id], runners.dialect(s)))
                for s in chosen
            ]
            _confirm(result.planned, options, confirm)
            with runners.preview():
                for index, planned in enumerate(result.planned):
                    _roll_back_one(
                        repo, config, runners, planned, index, len(result.planned), result, options
                    )
    finally:
        recorder.flush()
        target.close()
    return result


def _choose(scope: list[Step], rows: dict[str, LedgerRow], options: RollbackOptions) -> list[Step]:
    applied = [s for s in scope if s.id in rows and _undoable(rows[s.id])]
    if options.to is not None:
        ids = [s.id for s in scope]
        match = next((s for s in scope if options.to in (s.id, str(s.seq), f"{s.seq:03d}")), None)
        if match is None:
            raise UsageError(
                f"--to {options.to}: no such step", "`git migrate status` lists the steps"
            )
        keep_through = ids.index(match.id)
        applied = [s for s in applied if ids.index(s.id) > keep_through]
    elif options.steps is not None:
        if options.steps < 1:
            raise UsageError("--steps must be 1 or more", "pass how many applied steps to undo")
        applied = applied[-options.steps :]
    return list(reversed(applied))


def _undoable(row: LedgerRow) -> bool:
    """Applied, stuck, or left in flight by an interrupted apply or rollback: a step in flight
    is newer than every applied step, so it is the first to undo, never skipped."""
    return row.status in ("applied", "needs_attention", "running")


def _check_in_flight(chosen: list[Step], rows: dict[str, LedgerRow], resume: str) -> None:
    """A step interrupted mid-apply is rolled back from its recorded chunks; a step without
    chunks has no record of how far it got, so the rollback is refused with the reason."""
    for step in chosen:
        row = rows[step.id]
        interrupted_apply = (row.checkpoint or {}).get("direction", "up") == "up"
        if row.status == "running" and interrupted_apply and not get_kind(step.kind).chunked:
            raise BlockedError(
                f"step {step.id} was interrupted while it was applied"
                f" ({row.statements_done} statement(s) done); its down script expects it whole",
                f"finish it with `{resume}`, then roll back",
            )


def _check_irreversible(chosen: list[Step], options: RollbackOptions) -> None:
    blocked = [s for s in chosen if s.irreversible]
    if blocked and not options.force:
        names = "; ".join(f"{s.id} ({s.irreversible})" for s in blocked)
        raise BlockedError(
            f"cannot roll back irreversible step(s): {names}",
            "roll back less (--to a later step), or pass --force to skip them, leaving their effects",
        )


def _cleaned(row: LedgerRow | None) -> list[str]:
    """The helper tables (before-images) `cleanup` dropped for this step, if any."""
    return list((row.checkpoint or {}).get("cleaned") or []) if row is not None else []


def _check_cleaned(
    chosen: list[Step], rows: dict[str, LedgerRow], options: RollbackOptions
) -> None:
    """Checked before anything runs: a step whose before-images are gone cannot be rolled
    back, so a rollback through it would stop halfway."""
    cleaned = [s for s in chosen if _cleaned(rows[s.id]) and not s.irreversible]
    if not cleaned or options.force:
        return
    names = ", ".join(s.id for s in cleaned)
    raise BlockedError(
        f"cannot roll back {names}: `git migrate cleanup` dropped the before-images"
        f" ({', '.join(t for s in cleaned for t in _cleaned(rows[s.id]))})",
        f"roll back less (`--to {cleaned[0].id}` keeps it applied), or pass --force to skip"
        " such steps, leaving their changes (recorded as skipped)",
    )


def _check_gone(scope: list[Step], chosen: list[Step], rows: dict[str, LedgerRow]) -> None:
    """Checked before anything runs: a step the target has applied but the tree no longer holds
    (a reset or revert took it out) sits above the steps chosen; undoing those beneath it could
    take its changes with them (dropping the table it filled), and it cannot be rolled back."""
    present = {s.id for s in scope}
    lowest: dict[str, int] = {}
    for step in chosen:
        lowest[step.migration] = min(step.seq, lowest.get(step.migration, step.seq))
    gone = sorted(
        row.step_id
        for row in rows.values()
        if row.step_id not in present
        and row.status in ("applied", "running", "needs_attention")
        and row.migration in lowest
        and row.seq > lowest[row.migration]
    )
    if gone:
        commits = " ".join(rows[g].commit[:12] for g in gone)
        raise BlockedError(
            f"step {', '.join(gone)} is applied on this target but no longer in the tree; rolling"
            f" back beneath it could lose its changes",
            f"bring it back (`git cherry-pick {commits}`) and roll it back first, or roll back"
            " only the steps above it",
        )


def _skipped_reason(step: Step, row: LedgerRow | None) -> str | None:
    """Why a forced rollback passes over this step (its effects stay), None to run it."""
    if step.irreversible:
        return step.irreversible
    if _cleaned(row):
        return "its before-images were dropped by cleanup"
    return None


def _rollback_impact(step: Step, row: LedgerRow | None, dialect: str) -> Impact:
    if step.irreversible:
        return Impact(reasons=("irreversible: skipped",))
    if _cleaned(row):
        return Impact(reasons=("before-images dropped by cleanup: skipped",))
    return get_kind(step.kind).analyze_rollback(step, dialect)


def _confirm(planned: list[PlannedStep], options: RollbackOptions, confirm: Confirm | None) -> None:
    risky = [p for p in planned if p.impact.destructive and _skipped_reason(p.step, p.row) is None]
    if not risky or options.yes or options.dry_run:
        return
    lines = [f"{p.step.id}: {'; '.join(p.impact.reasons)}" for p in risky]
    if confirm is None:
        raise BlockedError(
            "rolling back destroys data and needs confirmation: " + "; ".join(lines),
            "run it in a terminal to be asked, or pass --yes",
        )
    if not confirm(
        "Rolling back these steps destroys data:\n  " + "\n  ".join(lines) + "\nContinue?"
    ):
        raise BlockedError("not rolled back: not confirmed", "nothing was changed")


def _roll_back_one(
    repo: GitRepo,
    config: ProjectConfig,
    runners: Runners,
    planned: PlannedStep,
    index: int,
    total: int,
    result: RunResult,
    options: RollbackOptions,
) -> None:
    step = planned.step
    reporter, recorder = runners.tree.reporter, runners.recorder(step)
    reporter.step_started(
        step, index + 1, total, "dry run rollback" if options.dry_run else "rollback"
    )
    skipped = _skipped_reason(step, planned.row)
    if skipped is not None:
        if not options.dry_run:
            runners.skip(step, decision_record("skipped", recorder, skipped))
            recorder.event("rollback_skipped", step, None, reason=skipped)
            record_rollback_commit(repo, config, step, recorder, skipped=True)
        reporter.step_finished(step, f"skipped ({SKIPPED_REASON})", 0.0)
        return
    recorder.event("rollback_started", step, None)
    try:
        run = runners.run(step, DOWN, planned.row, previewable=planned.impact.previewable)
    finally:
        runners.flush()
    result.runs.append(run)
    if options.dry_run:
        reporter.step_finished(step, "previewed", run.seconds)
        return
    recorder.event(
        "step_rolled_back",
        step,
        None,
        duration_ms=int(run.seconds * 1000),
        schema_differences=run.schema_differences or None,
        inverse_commit=run.details.get("inverse_commit"),
    )
    # a tree step's inverse commit on its own migration branch already records the rollback
    inverse_on_branch = run.details.get("inverse_commit") and repo.current_branch() == (
        migration_branch(config, step.migration)
    )
    if not inverse_on_branch:
        record_rollback_commit(repo, config, step, recorder, skipped=False)
    runners.flush()
    for difference in run.schema_differences:
        reporter.note(
            f"after rolling back {step.id} the schema differs from before it: {difference}"
        )
    reporter.step_finished(step, "rolled back", run.seconds)


def record_rollback_commit(
    repo: GitRepo, config: ProjectConfig, step: Step, recorder: RunRecorder, *, skipped: bool
) -> str:
    """An empty commit on migrate/<name> saying what was undone; written with plumbing, so it
    works while another branch is checked out, and recreates a branch deleted after merging."""
    branch = migration_branch(config, step.migration)
    if not repo.branch_exists(branch):
        migration = load_migration(repo, step.migration, "HEAD")
        last = (
            next((s.commit for s in reversed(migration.steps) if s.commit), None)
            or repo.head_commit()
        )
        if last is None:
            raise UsageError(
                f"cannot recreate {branch}", "check out the branch the migration was merged into"
            )
        repo.update_ref(f"refs/heads/{branch}", last, None)
    verb = "skipped rollback of" if skipped else "rolled back"
    message = (
        f"rollback: {step.summary}\n\n"
        f"{verb.capitalize()} step {step.id} on target {recorder.target} "
        f"(run {recorder.run_id}, by {recorder.user}).\n\n"
        f"Migrate-Rollback: {step.id}\n"
        f"Migrate-Kind: {step.kind}\n"
        f"Migrate-Target: {recorder.target}\n"
    )
    return repo.commit_files(branch=branch, message=message, files={}, allow_empty=True)
