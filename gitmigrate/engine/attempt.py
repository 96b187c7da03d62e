"""What every way of running a step shares: the run-wide `Runner` (target, ledger, reporter,
audit, signals, dry run) and the `Attempt`, one step run in one direction as one value, which
the transactional (transactional.py), statement-by-statement (stepwise.py) and chunked
(chunked.py, chunk_preview.py) paths take. stepper.py chooses the path."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Connection

from gitmigrate.core.checksum import ALGORITHM
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import Reporter
from gitmigrate.db.home import reset_session
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.db.snapshot import diff_snapshots, schema_snapshot
from gitmigrate.engine.kinds import Checkpoint, Finding, Kind, StepContext
from gitmigrate.engine.runlog import RunRecorder, now
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.errors import InterruptedRunError, StepFailedError

UP = "up"
DOWN = "down"
DRY_RUN_CHUNKS = 3  # chunks a dry run of a chunked step executes (and rolls back)


@dataclass(frozen=True)
class ChunkSample:
    """What a dry run of a chunked step measured on the chunks it executed."""

    chunks: int
    rows: int  # rows those chunks changed
    seconds: float
    rows_total: int | None  # the table's estimated rows, when the kind reports it
    finished: bool  # the sampled chunks were the whole step


@dataclass
class StepRun:
    step: Step
    direction: str
    statements: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    schema_differences: list[str] = field(default_factory=list)
    seconds: float = 0.0
    previewed: bool = True
    details: dict[str, Any] = field(default_factory=dict)  # a chunked step's last checkpoint
    not_previewed: str | None = None  # why a dry run did not execute (part of) it
    # statements no parser read and a dry run did not execute: nothing checked them
    unchecked: list[str] = field(default_factory=list)
    sample: ChunkSample | None = None  # a dry run of a chunked step: what its chunks measured


class Stop(Exception):
    """Raised between checkpoints when SIGINT/SIGTERM arrived."""


@dataclass
class Attempt:
    """One step run in one direction: the values every path passes around."""

    step: Step
    kind: Kind
    direction: str
    row: LedgerRow | None  # the step's ledger row before this attempt
    conn: Connection
    execute: Callable[..., Any]  # the logged path every statement takes
    result: StepRun


@dataclass
class Runner:
    """The run-wide state and what the paths share: contexts, driving a step's checkpoints,
    ledger rows, failure records and interruptions."""

    target: DatabaseTarget
    ledger: Ledger
    reporter: Reporter
    recorder: RunRecorder
    stop_requested: Callable[[], bool]
    resume_command: str
    dry_run: bool = False
    config: Any = None  # the ProjectConfig, handed to kinds that open a second database
    dry_run_chunks: int | None = DRY_RUN_CHUNKS  # None: a dry run runs every chunk
    shared: Connection | None = None  # a dry run's one connection, undone at the end
    # a dry run stopped executing (what it met cannot be undone, or it ran a step only in
    # part): later steps could only be judged with those effects, so they are only listed
    blind: str | None = None

    def context(
        self,
        attempt: Attempt,
        execute: Callable[..., Any],
        start: int = 0,
        *,
        resume: Mapping[str, Any] | None = None,
        applied: Mapping[str, Any] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> StepContext:
        return StepContext(
            self.target,
            self.target.dialect,
            execute,
            start,
            self.dry_run,
            self.stop_requested,
            resume=dict(resume or {}),
            log=log or (lambda sql: None),
            config=self.config,
            applied=dict(applied or {}),
            session=attempt.conn,
        )

    def drive(
        self,
        attempt: Attempt,
        ctx: StepContext,
        on_checkpoint: Callable[[Checkpoint], None] | None,
    ) -> None:
        """Run the kind's apply or rollback to its end, reporting progress at each checkpoint
        and stopping (Stop) there when a signal arrived. `on_checkpoint` may end the run early
        by raising; the kind's generator is closed either way."""
        step, kind = attempt.step, attempt.kind
        steps = kind.apply(step, ctx) if attempt.direction == UP else kind.rollback(step, ctx)
        try:
            for checkpoint in steps:
                if on_checkpoint is not None:
                    on_checkpoint(checkpoint)
                rows = checkpoint.data.get("rows")
                if isinstance(rows, int):  # a chunked step counts rows, which people care about
                    self.reporter.progress(step, rows, checkpoint.data.get("rows_total"))
                else:
                    self.reporter.progress(step, checkpoint.position, checkpoint.total)
                if self.stop_requested():
                    raise Stop
            # the step's SQL may have moved the session's search path or default database:
            # its verify, and anything else on this connection, see the defaults again
            reset_session(attempt.conn)
        finally:
            if isinstance(steps, Generator):
                steps.close()

    def ledger_row(
        self, step: Step, status: str, statements: int, checkpoint: dict[str, Any] | None
    ) -> LedgerRow:
        return new_ledger_row(step, status, statements, checkpoint, self.recorder)

    def record_failure(self, attempt: Attempt, message: str, status: str) -> None:
        if self.dry_run:
            return
        step, conn = attempt.step, attempt.conn
        if attempt.direction == UP:
            base = attempt.row or self.ledger_row(step, status, 0, None)
            with conn.begin():
                self.ledger.ensure(conn)
                self.ledger.upsert(
                    conn,
                    replace(
                        base,
                        status=status,
                        error=message,
                        finished_at=now(),
                        run_id=self.recorder.run_id,
                    ),
                )
        self.recorder.event("step_failed", step, None, direction=attempt.direction, error=message)

    def interrupted(self, attempt: Attempt, kept: str) -> InterruptedRunError:
        step, direction = attempt.step, attempt.direction
        self.recorder.event("interrupted", step, None, direction=direction)
        return InterruptedRunError(
            f"interrupted during step {step.id} ({direction}); {kept}",
            f"resume with: {self.resume_command}",
        )


def differences_from_before(conn: Connection, row: LedgerRow | None) -> list[str]:
    """After a rollback: how the schema differs from the snapshot taken before the step."""
    wanted = (row.checkpoint or {}).get("schema_before") if row is not None else None
    return diff_snapshots(wanted, schema_snapshot(conn)) if wanted else []


def raise_on_errors(step: Step, findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise StepFailedError(
            step.id,
            f"verify failed for step {step.id}: {errors[0].message}",
            "the step was rolled back; fix the step or its verify.sql and run again",
        )


def short(exc: BaseException) -> str:
    """The database's own message, first line, without SQLAlchemy's boilerplate."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    return text[:500]


def new_ledger_row(
    step: Step,
    status: str,
    statements: int,
    checkpoint: dict[str, Any] | None,
    recorder: RunRecorder,
) -> LedgerRow:
    """The row a run writes when it starts a step (or records one outright), on any target."""
    return LedgerRow(
        step_id=step.id,
        migration=step.migration,
        seq=step.seq,
        commit=step.commit or "",
        checksum=step.checksum,
        checksum_algo=ALGORITHM,
        status=status,
        statements_done=statements,
        checkpoint=checkpoint,
        started_at=now(),
        finished_at=now() if status == "applied" else None,
        applied_by=recorder.user,
        host=recorder.host,
        run_id=recorder.run_id,
        error=None,
        duration_ms=None,
    )
