"""Running a chunked step (data backfills, transforms, copies) on any dialect.

Every checkpoint the executor yields ends a chunk: the engine writes the ledger checkpoint (chunks
done, last key, rows) on the same connection and commits, so the chunk's rows and the record of
them become durable together. A kill -9 at any instant therefore loses at most the chunk in
flight, which its transaction undoes, and `resume` continues after the last recorded key:
no work lost, none repeated. DML is transactional on all three dialects, so this holds on
MariaDB as well.

On failure the chunk in flight is rolled back and the chunks already committed are undone by
the executor's rollback (before-images), so the step leaves nothing behind; a step without
before-images (irreversible) is left `needs_attention` at its checkpoint for `resume`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.db.ledger import LedgerRow, LockLostError
from gitmigrate.engine.kinds import Checkpoint, Kind, StepContext
from gitmigrate.engine.runlog import now
from gitmigrate.errors import BlockedError, StepFailedError

if TYPE_CHECKING:
    from gitmigrate.engine.stepper import Stepper, StepRun

UP = "up"
DOWN = "down"
IN_FLIGHT = ("running", "needs_attention")


def run_chunked(
    stepper: Stepper,
    conn: Connection,
    step: Step,
    executor: Kind,
    direction: str,
    row: LedgerRow | None,
    execute: Callable[..., Any],
    result: StepRun,
) -> None:
    from gitmigrate.engine.stepper import _raise_on_errors, _short, _Stop

    ledger = stepper.ledger
    previous = dict(row.checkpoint or {}) if row is not None else {}
    in_flight = row is not None and row.status in IN_FLIGHT
    if in_flight and previous.get("direction", UP) != direction:
        other = "rolled back" if direction == UP else "applied"
        raise BlockedError(
            f"step {step.id} was being {other} when it stopped ({row.statements_done if row else 0}"
            " chunk(s) recorded)",
            "finish that first: `git migrate rollback` for an interrupted rollback, "
            "`git migrate resume` for an interrupted apply",
        )
    resume: dict[str, Any] = dict(previous.get("chunk") or {}) if in_flight else {}
    start = row.statements_done if in_flight and row is not None else 0
    base: dict[str, Any] = {"direction": direction}
    if (
        direction == DOWN
    ):  # what the apply recorded (a copy's plan) outlives the rollback's progress
        base["applied"] = previous.get("applied") if in_flight else previous.get("chunk")
    ledger.ensure(conn)
    if row is None:
        ledger.upsert(conn, stepper._row(step, "running", 0, {**base, "chunk": {}}))
    else:
        ledger.update(
            conn,
            step.id,
            status="running",
            statements_done=start,
            checkpoint={**base, "chunk": resume},
            error=None,
            run_id=stepper.recorder.run_id,
            finished_at=None,
        )
    conn.commit()
    ctx = _context(stepper, conn, execute, start, resume, result, base.get("applied") or {})
    state: dict[str, Any] = {"done": start, "last": resume}

    def on_checkpoint(checkpoint: Checkpoint) -> None:
        state["done"], state["last"] = checkpoint.position, dict(checkpoint.data)
        ledger.update(
            conn,
            step.id,
            statements_done=checkpoint.position,
            checkpoint={**base, "chunk": state["last"]},
        )
        conn.commit()  # the chunk and its checkpoint, together

    try:
        stepper._drive(step, executor, direction, ctx, on_checkpoint)
        if direction == UP:
            result.findings = executor.verify(step, ctx)
            _raise_on_errors(step, result.findings)
    except _Stop:
        conn.rollback()
        raise stepper._interrupted(
            step, direction, f"{state['done']} chunk(s) of it are committed and recorded"
        ) from None
    except LockLostError:
        conn.rollback()  # another run owns the target now: restore nothing, record nothing
        raise
    except Exception as exc:
        conn.rollback()
        message = str(exc) if isinstance(exc, StepFailedError) else _short(exc)
        stepper.ledger.fence(conn)  # only the lock holder may restore before-images
        conn.rollback()
        raise _fail(stepper, conn, step, executor, direction, state, message) from exc
    result.details = dict(state["last"])
    final = "applied" if direction == UP else "rolled_back"
    ledger.update(
        conn,
        step.id,
        status=final,
        finished_at=now(),
        error=None,
        checkpoint={"chunk": state["last"]},
    )
    conn.commit()


def _context(
    stepper: Stepper,
    conn: Connection,
    execute: Callable[..., Any],
    start: int,
    resume: dict[str, Any],
    result: StepRun,
    applied: dict[str, Any],
) -> StepContext:
    def log(sql: str) -> None:
        stepper.reporter.statement(result.step, sql)
        result.statements.append(sql)

    return StepContext(
        conn,
        stepper.target.dialect,
        execute,
        start,
        False,
        stepper.stop_requested,
        resume=resume,
        log=log,
        config=stepper.config,
        applied=applied,
    )


def _fail(
    stepper: Stepper,
    conn: Connection,
    step: Step,
    executor: Kind,
    direction: str,
    state: dict[str, Any],
    message: str,
) -> StepFailedError:
    """Undo the committed chunks of a failed apply from their before-images; if that is not
    possible, leave the step at its checkpoint for `resume`."""
    done = state["done"]
    stepper.recorder.event(
        "step_failed", step, None, direction=direction, error=message, chunks_done=done
    )
    if direction == UP and not step.irreversible:
        undo_error = _undo(stepper, conn, step, executor, state["last"])
        if undo_error is None:
            stepper.ledger.update(
                conn,
                step.id,
                status="failed",
                statements_done=0,
                checkpoint=None,
                error=message,
                finished_at=now(),
            )
            conn.commit()
            return StepFailedError(
                step.id,
                f"step {step.id} failed after {done} committed chunk(s): {message}",
                "those chunks were restored from their before-images; fix the cause and run"
                " the command again",
            )
        message = f"{message}; then restoring the before-images stopped: {undo_error}"
        hint = "fix the cause, then `git migrate rollback --steps 1` restores the rest"
        # recorded as an interrupted rollback that starts over (restoring is idempotent), so
        # `resume` refuses to continue the apply over half-restored rows
        checkpoint: dict[str, Any] = {"direction": DOWN, "chunk": {}}
    else:
        hint = (
            f"the chunk in flight was rolled back and {done} committed chunk(s) stay recorded:"
            f" fix the cause and run `{stepper.resume_command}` to continue from the checkpoint"
        )
        checkpoint = {"direction": direction, "chunk": state["last"]}
    stepper.ledger.update(
        conn,
        step.id,
        status="needs_attention",
        statements_done=done,
        checkpoint=checkpoint,
        error=message,
    )
    conn.commit()
    return StepFailedError(step.id, f"step {step.id} failed ({direction}): {message}", hint)


def _undo(
    stepper: Stepper, conn: Connection, step: Step, executor: Kind, applied: dict[str, Any]
) -> str | None:
    """Run the executor's rollback over what is committed, chunk by chunk; None when done."""
    from gitmigrate.engine.stepper import _short

    ctx = StepContext(
        conn,
        stepper.target.dialect,
        lambda sql, params=None: _plain_execute(conn, sql, params),
        0,
        False,
        lambda: False,
        config=stepper.config,
        applied=applied,
    )
    try:
        for _ in executor.rollback(step, ctx):
            conn.commit()
        conn.commit()
    except Exception as exc:
        conn.rollback()
        return _short(exc)
    return None


def _plain_execute(conn: Connection, sql: str, params: Any = None) -> Any:
    from sqlalchemy import text

    if params is None:
        return conn.execution_options(no_parameters=True).exec_driver_sql(sql)
    return conn.execute(text(sql), params)
