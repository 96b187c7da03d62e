"""A step as one transaction (SQLite, PostgreSQL): its statements, its verify and its ledger
row commit together, so a failure or a crash leaves nothing of it behind. A dry run takes the
same path and rolls back (inside the whole dry run's transaction, see Stepper.preview)."""

from __future__ import annotations

from gitmigrate.db.snapshot import schema_snapshot
from gitmigrate.engine.attempt import (
    DOWN,
    UP,
    Attempt,
    Runner,
    Stop,
    differences_from_before,
    raise_on_errors,
    short,
)
from gitmigrate.engine.runlog import now
from gitmigrate.engine.signals import Interrupted
from gitmigrate.errors import StepFailedError


def run_transactional(runner: Runner, attempt: Attempt) -> None:
    step, direction, conn, result = attempt.step, attempt.direction, attempt.conn, attempt.result
    ctx = runner.context(attempt, attempt.execute)
    tx = conn.begin_nested() if runner.shared is not None else conn.begin()
    try:
        before = schema_snapshot(conn) if direction == UP and not runner.dry_run else None
        runner.drive(attempt, ctx, on_checkpoint=None)
        if direction == UP:
            findings = attempt.kind.verify(step, ctx)
            if result.previewed:  # a dry run that did not execute it cannot judge it
                result.findings = findings
                raise_on_errors(step, result.findings)
        if runner.dry_run:
            if runner.shared is not None:
                tx.commit()  # release the savepoint; the outer transaction is undone
            else:
                tx.rollback()
            return
        if direction == UP:
            runner.ledger.upsert(
                conn,
                runner.ledger_row(
                    step,
                    "applied",
                    statements=len(result.statements),
                    checkpoint={"schema_before": before},
                ),
            )
        else:
            runner.ledger.update(
                conn,
                step.id,
                status="rolled_back",
                finished_at=now(),
                error=None,
                run_id=runner.recorder.run_id,
            )
        tx.commit()
    except (Stop, Interrupted):  # Interrupted: a second signal, inside a statement
        tx.rollback()
        raise runner.interrupted(attempt, "nothing of the step was kept") from None
    except BaseException as exc:
        if tx.is_active:
            tx.rollback()
        if isinstance(exc, StepFailedError | KeyboardInterrupt):
            runner.record_failure(attempt, str(exc), "failed")
            raise
        if isinstance(exc, Exception):
            runner.record_failure(attempt, short(exc), "failed")
            raise StepFailedError(
                step.id,
                f"step {step.id} failed ({direction}) and was rolled back: {short(exc)}",
                "fix the step (or the data), then run the command again",
            ) from exc
        raise
    if direction == DOWN:
        result.schema_differences = differences_from_before(conn, attempt.row)
