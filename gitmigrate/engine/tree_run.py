"""Running tree steps (kinds whose `target_sort` is "tree") against their tree targets, with the
same order, lock, ledger, checkpoints, signals, dry run and audit as database steps.

Where a tree step runs: tree_steps.py.

- The repository: the step's commit is its change, so `apply` only runs the kind's verify
  (a failure means the checked-out files lack the change) and `rollback` commits the inverse
  of the step commit's changes outside `migrations/` on the checked-out branch (refused on a
  dirty tree). The caller records the rollback on migrate/<name> as for database steps.
- An outside tree: the kind's apply/rollback change the files there. A file system has no
  transaction to share with the ledger, so each checkpoint is recorded after the work it
  covers: a kind's work between two checkpoints must be idempotent (a crash may repeat it).
  A failed apply is undone by the kind's rollback; if that fails too the step needs attention.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.core.reporter import Reporter
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.attempt import DOWN, UP, StepRun, Stop, new_ledger_row, short
from gitmigrate.engine.kinds import Checkpoint, Kind, StepContext
from gitmigrate.engine.ledger_file import LedgerFile
from gitmigrate.engine.runlog import RunRecorder, now
from gitmigrate.engine.target import open_tree_target, upgrade_recorder
from gitmigrate.engine.tree_steps import tree_context, tree_name
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import (
    GitMigrateError,
    InterruptedRunError,
    RepositoryStateError,
    StepFailedError,
)


@dataclass
class TreeRun:
    """The tree targets of one run: each opened, locked and its ledger upgraded once (a dry run
    takes no lock and writes nothing), then steps run one at a time."""

    repo: GitRepo
    config: ProjectConfig
    reporter: Reporter
    recorder: RunRecorder  # the run's recorder: tree events share its run id
    stop_requested: Callable[[], bool]
    resume_command: str
    dry_run: bool = False
    lock_timeout: float = 60.0
    override: str | None = None  # the run's --target, when it names a tree
    targets: dict[str, TreeTarget] = field(default_factory=dict)
    ledgers: dict[str, LedgerFile] = field(default_factory=dict)
    recorders: dict[str, RunRecorder] = field(default_factory=dict)
    _stack: ExitStack = field(default_factory=ExitStack)

    def __enter__(self) -> TreeRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()
        self._stack.close()

    def open(self, steps: Iterable[Step]) -> dict[str, LedgerRow]:
        """Lock the trees of `steps` and return their ledger rows."""
        rows: dict[str, LedgerRow] = {}
        for step in steps:
            name = tree_name(step, self.override)
            if name not in self.targets:
                self._open(name)
            row = self.ledgers[name].rows().get(step.id)
            if row is not None:
                rows[step.id] = row
        return rows

    def _open(self, name: str) -> None:
        target = open_tree_target(self.config, self.repo, name)
        recorder = RunRecorder(
            self.repo, target.name, self.recorder.command, dry_run=self.recorder.dry_run
        )
        recorder.run_id = self.recorder.run_id
        ledger = target.ledger(upgrade_recorder(recorder, self.repo.head_commit()))
        if not self.dry_run:
            self._stack.enter_context(target.lock(self.lock_timeout))
            ledger.ensure()
        self.targets[name], self.ledgers[name], self.recorders[name] = target, ledger, recorder

    def flush(self) -> None:
        for recorder in self.recorders.values():
            recorder.flush()

    def check_rollback(self, steps: Iterable[Step]) -> None:
        """Before anything runs: a repository step's rollback writes a commit, so it needs a
        branch, a clean tree and the step's commit."""
        for step in steps:
            if not self.targets[tree_name(step, self.override)].repository:
                continue
            self.repo.require_branch()
            dirty = self.repo.dirty_paths()
            if dirty:
                raise RepositoryStateError(
                    f"cannot roll back {step.id}: the work tree has uncommitted changes"
                    f" ({', '.join(dirty[:3])}{', ...' if len(dirty) > 3 else ''})",
                    "rolling back a tree step commits its inverse: commit or stash them first",
                )
            if step.commit is None:
                raise RepositoryStateError(
                    f"cannot roll back {step.id}: no commit with `Migrate-Step: {step.id}`"
                    " is in the checked-out history, so its change cannot be inverted",
                    "revert its changes by hand and commit, or check out its migration branch",
                )

    def run(self, step: Step, kind: Kind, direction: str, row: LedgerRow | None) -> StepRun:
        name = tree_name(step, self.override)
        if name not in self.targets:
            self._open(name)
        target, ledger = self.targets[name], self.ledgers[name]
        recorder = self.recorders[name]
        result = StepRun(step, direction)
        started = time.monotonic()
        previous = dict(row.checkpoint or {}) if row is not None else {}
        resuming = (
            row is not None and row.status == "running" and previous.get("direction") == direction
        )
        start = row.statements_done if resuming and row is not None else 0

        def log(line: str) -> None:
            self.reporter.statement(step, line)
            result.statements.append(line)

        ctx = tree_context(
            target,
            dry_run=self.dry_run,
            cancelled=self.stop_requested,
            start=start,
            resume=previous if resuming else None,
            applied=previous if direction == DOWN else None,
            config=self.config,
            log=log,
        )
        if not self.dry_run:
            self._record_start(ledger, step, row, direction, start, recorder)
        try:
            try:
                self._do(target, ledger, step, kind, direction, ctx, result, recorder)
            except Stop:
                recorder.event("interrupted", step, None, direction=direction)
                raise InterruptedRunError(
                    f"interrupted during step {step.id} ({direction}) on tree {target.name};"
                    f" {len(result.statements)} change(s) of it are recorded",
                    f"resume with: {self.resume_command}",
                ) from None
            except (InterruptedRunError, StepFailedError) as exc:
                if self.dry_run or isinstance(exc, InterruptedRunError):
                    raise
                self._failed(
                    target, ledger, step, kind, direction, row, result, exc.message, recorder
                )
                raise
            except Exception as exc:
                if self.dry_run:
                    raise
                message = exc.message if isinstance(exc, GitMigrateError) else short(exc)
                self._failed(target, ledger, step, kind, direction, row, result, message, recorder)
                if isinstance(exc, GitMigrateError):
                    raise  # its own message and hint (a rollback commit that does not apply)
                raise StepFailedError(
                    step.id,
                    f"step {step.id} failed ({direction}) on tree {target.name}: {message}",
                    "its changes were undone; fix the cause and run the command again",
                ) from exc
        finally:
            recorder.flush()
        result.seconds = time.monotonic() - started
        if not self.dry_run:
            final = "applied" if direction == UP else "rolled_back"
            ledger.update(
                step.id,
                status=final,
                finished_at=now(),
                duration_ms=int(result.seconds * 1000),
                error=None,
                checkpoint={k: v for k, v in result.details.items() if k != "direction"} or None,
            )
        return result

    # -- the parts -------------------------------------------------------------------------

    def _do(
        self,
        target: TreeTarget,
        ledger: LedgerFile,
        step: Step,
        kind: Kind,
        direction: str,
        ctx: StepContext,
        result: StepRun,
        recorder: RunRecorder,
    ) -> None:
        if direction == UP:
            if not target.repository:  # in the repository the step's commit is the change
                self._drive(ledger, step, kind, direction, ctx, result)
                if self.dry_run:  # the files were not changed: verify cannot judge them
                    result.previewed = False
                    result.not_previewed = "a dry run of a tree step changes no file"
                    return
            result.findings = kind.verify(step, ctx)
            errors = [f for f in result.findings if f.severity == "error"]
            if errors:
                where = (
                    "its change is not in the checked-out files: check out a branch with its"
                    f" commit{f' {step.commit[:12]}' if step.commit else ''}, or revert the"
                    " rollback commit that undid it"
                    if target.repository
                    else "its changes were undone; fix the step and run again"
                )
                raise StepFailedError(
                    step.id,
                    f"verify failed for step {step.id}: {errors[0].message}",
                    errors[0].hint or where,
                )
        elif target.repository:
            self._invert(step, ctx, result, recorder)
        else:
            self._drive(ledger, step, kind, direction, ctx, result)

    def _drive(
        self,
        ledger: LedgerFile | None,
        step: Step,
        kind: Kind,
        direction: str,
        ctx: StepContext,
        result: StepRun,
    ) -> None:
        work = kind.apply(step, ctx) if direction == UP else kind.rollback(step, ctx)
        try:
            for checkpoint in work:
                self._checkpoint(ledger, step, direction, checkpoint, result)
                if ledger is not None and self.stop_requested():
                    raise Stop
        finally:
            if isinstance(work, Generator):
                work.close()

    def _checkpoint(
        self,
        ledger: LedgerFile | None,
        step: Step,
        direction: str,
        checkpoint: Checkpoint,
        result: StepRun,
    ) -> None:
        result.details = {**checkpoint.data, "direction": direction}
        if ledger is not None and not self.dry_run:
            ledger.update(step.id, statements_done=checkpoint.position, checkpoint=result.details)
        self.reporter.progress(step, checkpoint.position, checkpoint.total)

    def _invert(self, step: Step, ctx: StepContext, result: StepRun, recorder: RunRecorder) -> None:
        commit = step.commit or ""
        ctx.log(f"commit the inverse of {commit[:12]} (outside {MIGRATIONS_DIR}/)")
        if self.dry_run:
            return
        message = (
            f"rollback: {step.summary}\n\n"
            f"Rolled back step {step.id} on target {recorder.target} "
            f"(run {recorder.run_id}, by {recorder.user}): the inverse of {commit[:12]}.\n\n"
            f"Migrate-Rollback: {step.id}\n"
            f"Migrate-Kind: {step.kind}\n"
            f"Migrate-Target: {recorder.target}\n"
        )
        inverse = self.repo.commit_inverse(commit, exclude=MIGRATIONS_DIR, message=message)
        if inverse is not None:
            result.details["inverse_commit"] = inverse

    def _record_start(
        self,
        ledger: LedgerFile,
        step: Step,
        row: LedgerRow | None,
        direction: str,
        start: int,
        recorder: RunRecorder,
    ) -> None:
        checkpoint = {"direction": direction}
        if row is None:
            ledger.upsert(new_ledger_row(step, "running", start, checkpoint, recorder))
            return
        fields: dict[str, Any] = {
            "status": "running",
            "statements_done": start,
            "checkpoint": {**(row.checkpoint or {}), **checkpoint} if start else checkpoint,
            "error": None,
            "run_id": recorder.run_id,
        }
        if direction == UP:  # a re-run records this commit and these files
            fields.update(commit=step.commit or "", checksum=step.checksum, started_at=now())
        ledger.update(step.id, **fields)

    def _failed(
        self,
        target: TreeTarget,
        ledger: LedgerFile,
        step: Step,
        kind: Kind,
        direction: str,
        row: LedgerRow | None,
        result: StepRun,
        message: str,
        recorder: RunRecorder,
    ) -> None:
        """Undo a failed apply on an outside tree with the kind's rollback; record the end. A
        rollback that failed after changing files (a checkpoint passed) needs attention."""
        status, undo = "failed", "complete"
        if direction == DOWN:
            status = row.status if row is not None else "applied"
            if result.details and not target.repository:
                status, undo = "needs_attention", "the rollback stopped part way"
        elif not target.repository:
            fresh = tree_context(target, dry_run=False, config=self.config)
            try:
                self._drive(None, step, kind, DOWN, fresh, StepRun(step, DOWN))
            except Exception as exc:  # noqa: BLE001 - the undo's failure is the state to record
                status, undo = "needs_attention", f"undoing it failed: {short(exc)}"
        ledger.update(
            step.id,
            status=status,
            error=message if undo == "complete" else f"{message}; then {undo}",
            finished_at=now(),
        )
        recorder.event("step_failed", step, None, direction=direction, error=message, undo=undo)
