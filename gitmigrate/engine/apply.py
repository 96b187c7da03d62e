"""`apply` and `resume`: run pending steps in order under the target lock, one ledger record
and one audit event trail per step, stopping at the first failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gitmigrate.core.config import ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import NullReporter, Reporter
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.attempt import DRY_RUN_CHUNKS
from gitmigrate.engine.checks import (
    check_checksum,
    check_not_in_flight,
    check_target,
    current_row,
)
from gitmigrate.engine.chunk_preview import sampled_estimate
from gitmigrate.engine.estimate import Estimate, estimate_steps
from gitmigrate.engine.extra_verify import ExtraVerify
from gitmigrate.engine.kinds import Impact
from gitmigrate.engine.plan import cut_at, steps_in_scope, steps_in_tree
from gitmigrate.engine.registry import get_kind
from gitmigrate.engine.run_session import run_session
from gitmigrate.engine.runlog import RunRecorder
from gitmigrate.engine.runners import Runners, is_tree_step
from gitmigrate.engine.stepper import DOWN, UP, StepRun
from gitmigrate.engine.target import DatabaseTarget, TreeTarget, open_target
from gitmigrate.errors import BlockedError, StepFailedError

Confirm = Callable[[str], bool]


@dataclass(frozen=True)
class ApplyOptions:
    target: str | None = None
    migration: str | None = None
    to: str | None = None
    dry_run: bool = False
    yes: bool = False
    rollback_on_failure: str = "step"  # "step": only the failed step; "all": the whole run
    lock_timeout: float = 60.0
    allow: frozenset[str] = frozenset()  # lint rules whose errors do not block this run
    dry_run_chunks: int = DRY_RUN_CHUNKS  # a dry run executes this many chunks of a data step
    # only these step ids, wherever they are in HEAD's tree (env sync: the steps another
    # environment has); None: the run's usual scope
    only: frozenset[str] | None = None
    # asked after each step's own verify (apply --health ENV); its errors fail the step
    extra_verify: ExtraVerify | None = None


@dataclass
class PlannedStep:
    step: Step
    row: LedgerRow | None
    impact: Impact


@dataclass
class RunResult:
    target: str
    run_id: str
    dry_run: bool
    planned: list[PlannedStep] = field(default_factory=list)
    runs: list[StepRun] = field(default_factory=list)
    estimates: dict[str, Estimate] = field(default_factory=dict)

    @property
    def up_to_date(self) -> bool:
        return not self.planned


def resume_command(options: ApplyOptions, target: DatabaseTarget | TreeTarget) -> str:
    parts = ["git migrate resume"]
    if options.target:
        parts.append(f"--target {target.name if '://' not in options.target else '<url>'}")
    if options.migration:
        parts.append(f"--migration {options.migration}")
    return " ".join(parts)


def apply(
    repo: GitRepo,
    options: ApplyOptions,
    reporter: Reporter | None = None,
    confirm: Confirm | None = None,
    *,
    resuming: bool = False,
) -> RunResult:
    """Database steps run against the database target, tree steps against their trees, in
    step order; a run whose target is a tree runs only tree steps."""
    reporter = reporter or NullReporter()
    config = load_config(repo)
    scope = cut_at(_scope(repo, config, options), options.to)
    target = open_target(config, options.target, repo, "preview" if options.dry_run else "create")
    database = target if isinstance(target, DatabaseTarget) else None
    if database is None:
        scope = [s for s in scope if is_tree_step(s)]
    command = "resume" if resuming else "apply"
    recorder = RunRecorder(repo, target.name, command, dry_run=options.dry_run)
    head = repo.head_commit()
    result = RunResult(target.name, recorder.run_id, options.dry_run)
    try:
        with run_session(
            repo, config, target, scope, recorder, reporter,
            resume=resume_command(options, target), dry_run=options.dry_run,
            lock_timeout=options.lock_timeout, dry_run_chunks=options.dry_run_chunks,
        ) as session:  # fmt: skip
            runners, rows, ledger = session.runners, session.rows, session.ledger
            runners.extra_verify = options.extra_verify
            result.planned = _pending(repo, scope, rows, runners, resuming)
            if not result.planned:
                return result
            result.estimates = estimate_steps(
                repo, [(p.step, p.impact.statements) for p in result.planned]
            )
            if database is not None:
                _check_lint(result.planned, database.dialect, options, reporter)
            _confirm_destructive(result.planned, options, confirm)
            if not options.dry_run and database is not None and ledger is not None:
                with database.engine.begin() as conn:
                    ledger.ensure(conn)
            recorder.event(
                "run_started",
                None,
                head,
                steps=[p.step.id for p in result.planned],
                dry_run=options.dry_run or None,
            )
            with runners.preview():
                _run_all(result, runners, options, reporter)
            recorder.event("run_finished", None, head, applied=len(result.runs))
    finally:
        recorder.flush()
        target.close()
    return result


def _scope(repo: GitRepo, config: ProjectConfig, options: ApplyOptions) -> list[Step]:
    """The steps a run covers: `only` picks named steps from every migration of HEAD's tree
    (or of `migration`), in run order; else the usual scope (steps_in_scope)."""
    if options.only is None:
        return steps_in_scope(repo, config, options.migration)
    if options.migration:
        found = steps_in_scope(repo, config, options.migration)
    else:
        found = steps_in_tree(repo)
    return [s for s in found if s.id in options.only]


def _run_all(
    result: RunResult, runners: Runners, options: ApplyOptions, reporter: Reporter
) -> None:
    done: list[PlannedStep] = []
    for index, planned in enumerate(result.planned):
        step = planned.step
        recorder = runners.recorder(step)
        reporter.step_started(
            step, index + 1, len(result.planned), "dry run" if options.dry_run else "apply"
        )
        recorder.event("step_started", step, None, direction=UP, checksum=step.checksum)
        try:
            run = runners.run(step, UP, planned.row, previewable=planned.impact.previewable)
        except StepFailedError:
            reporter.step_finished(step, "failed", 0.0)
            if options.rollback_on_failure == "all" and not options.dry_run:
                _undo_run(done, runners, reporter)
            raise
        finally:
            runners.flush()
        result.runs.append(run)
        done.append(planned)
        sampled = sampled_estimate(run.sample) if run.sample is not None else None
        if sampled is not None:  # a dry run's chunks measured this step on this target
            result.estimates[step.id] = sampled
        outcome = "previewed" if options.dry_run else "applied"
        recorder.event(
            "step_applied",
            step,
            None,
            duration_ms=int(run.seconds * 1000),
            statements=len(run.statements),
            checksum=step.checksum,
            **_counts(run),
        )
        reporter.step_finished(step, outcome, run.seconds)


def _counts(run: StepRun) -> dict[str, object]:
    """Per-step counts a chunked step reported in its last checkpoint (rows, chunks, checksum)."""
    keys = ("rows", "chunks", "quarantined", "tables", "deleted")
    counts: dict[str, object] = {k: run.details[k] for k in keys if run.details.get(k) is not None}
    if run.details.get("checksum"):
        counts["data_checksum"] = run.details["checksum"]  # `checksum` is the step files'
    return counts


def _undo_run(done: list[PlannedStep], runners: Runners, reporter: Reporter) -> None:
    """--rollback-on-failure=all: take back what this run applied, newest first."""
    rows = runners.rows()
    for planned in reversed(done):
        step = planned.step
        if step.irreversible:
            reporter.note(f"cannot roll back {step.id}: irreversible ({step.irreversible})")
            continue
        reporter.step_started(step, 1, 1, "rollback")
        run = runners.run(step, DOWN, rows.get(step.id))
        runners.recorder(step).event(
            "step_rolled_back",
            step,
            None,
            duration_ms=int(run.seconds * 1000),
            reason="rollback-on-failure=all",
        )
        reporter.step_finished(step, "rolled back", run.seconds)


def _pending(
    repo: GitRepo, scope: list[Step], rows: dict[str, LedgerRow], runners: Runners, resuming: bool
) -> list[PlannedStep]:
    planned = []
    for step in scope:
        row = current_row(step, rows.get(step.id))  # None: a replaced step's row is history
        if row is not None and row.status in ("applied", "running", "needs_attention"):
            check_checksum(repo, step, row)
        if row is not None and row.status == "applied":
            continue
        if row is not None and _decided_not_to_run(step, row):
            continue
        if row is not None and row.status == "abandoned":
            row = None  # a replaced step runs afresh: its new checksum is recorded
        if row is not None:
            check_not_in_flight(step, row, resuming=resuming)
        check_target(step, runners.dialect(step))
        executor = get_kind(step.kind)
        planned.append(PlannedStep(step, row, executor.analyze(step, runners.dialect(step))))
    return planned


def _decided_not_to_run(step: Step, row: LedgerRow) -> bool:
    """`skipped` (a forced rollback left its effects) never runs again unasked; `abandoned`
    (repair --abandon) holds only for the files it was decided on, so a replaced step with
    the same id runs."""
    if row.status == "skipped":
        return True
    return row.status == "abandoned" and row.checksum == step.checksum


def _check_lint(
    planned: list[PlannedStep], dialect: str, options: ApplyOptions, reporter: Reporter
) -> None:
    """Lint errors block a run unless allowed (`--allow RULE`); a dry run only reports them."""
    problems = [
        f"{p.step.id} line {f.line}: {f.rule}: {f.message}"
        for p in planned
        for f in get_kind(p.step.kind).lint(p.step, dialect, options.allow)
    ]
    rules = sorted({line.split(": ")[1] for line in problems})
    if problems and options.dry_run:
        for line in problems:
            reporter.note(f"lint would block this run: {line}")
    elif problems:
        raise BlockedError(
            "lint errors block this run: " + "; ".join(problems),
            f"fix the steps, or accept the risk with {' '.join('--allow ' + r for r in rules)}",
        )


def _confirm_destructive(
    planned: list[PlannedStep], options: ApplyOptions, confirm: Confirm | None
) -> None:
    risky = [p for p in planned if p.impact.destructive]
    if not risky or options.yes or options.dry_run:
        return
    lines = [f"{p.step.id}: {'; '.join(p.impact.reasons) or 'destructive'}" for p in risky]
    question = "These steps destroy data:\n  " + "\n  ".join(lines) + "\nApply them?"
    if confirm is None:
        raise BlockedError(
            "destructive steps need confirmation: " + "; ".join(lines),
            "run it in a terminal to be asked, or pass --yes to confirm in a script",
        )
    if not confirm(question):
        raise BlockedError(
            "not applied: destructive steps were not confirmed", "nothing was changed"
        )


def resume(
    repo: GitRepo,
    options: ApplyOptions,
    reporter: Reporter | None = None,
    confirm: Confirm | None = None,
) -> RunResult:
    """Continue an interrupted or failed run: in-flight steps from their checkpoint, then the rest."""
    return apply(repo, options, reporter, confirm, resuming=True)
