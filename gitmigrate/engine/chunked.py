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

A dry run takes the chunk path too, through chunk_preview.py: the first chunks, rolled back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.db.ledger import LockLostError
from gitmigrate.engine.attempt import DOWN, UP, Attempt, Runner, Stop, raise_on_errors, short
from gitmigrate.engine.chunk_preview import preview_chunked
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.engine.runlog import now
from gitmigrate.engine.signals import Interrupted
from gitmigrate.errors import BlockedError, StepFailedError

IN_FLIGHT = ("running", "needs_attention")


def run_chunked(runner: Runner, attempt: Attempt) -> None:
    if runner.dry_run:
        preview_chunked(runner, attempt)
        return
    step, direction, row, conn = attempt.step, attempt.direction, attempt.row, attempt.conn
    ledger = runner.ledger
    previous = dict(row.checkpoint or {}) if row is not None else {}
    in_flight = row is not None and row.status in IN_FLIGHT
    # an apply left in flight (SIGINT, kill) is rolled back from its committed chunks: the
    # restore starts over from the before-images, which the apply's chunks wrote with them
    undoing_apply = in_flight and direction == DOWN and previous.get("direction", UP) == UP
    if in_flight and direction == UP and previous.get("direction", UP) != direction:
        raise BlockedError(
            f"step {step.id} was being rolled back when it stopped"
            f" ({row.statements_done if row else 0} chunk(s) recorded)",
            "finish that first: `git migrate rollback --steps 1` continues the rollback",
        )
    if undoing_apply and row is not None and row.statements_done == 0:
        _nothing_committed(runner, attempt)  # no chunk of the apply committed: nothing to undo
        return
    continuing = in_flight and not undoing_apply
    resume: dict[str, Any] = dict(previous.get("chunk") or {}) if continuing else {}
    start = row.statements_done if continuing and row is not None else 0
    base: dict[str, Any] = {"direction": direction}
    if (
        direction == DOWN
    ):  # what the apply recorded (a copy's plan) outlives the rollback's progress
        base["applied"] = previous.get("applied") if continuing else previous.get("chunk")
    ledger.ensure(conn)
    if row is None:
        ledger.upsert(conn, runner.ledger_row(step, "running", 0, {**base, "chunk": {}}))
    else:
        ledger.update(
            conn,
            step.id,
            status="running",
            statements_done=start,
            checkpoint={**base, "chunk": resume},
            error=None,
            run_id=runner.recorder.run_id,
            finished_at=None,
        )
    conn.commit()
    ctx = chunk_context(runner, attempt, start, resume, base.get("applied") or {})
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
        runner.drive(attempt, ctx, on_checkpoint)
        if direction == UP:
            attempt.result.findings = attempt.kind.verify(step, ctx)
            raise_on_errors(step, attempt.result.findings)
    except (Stop, Interrupted):  # Interrupted: a second signal, inside a statement
        conn.rollback()
        raise runner.interrupted(
            attempt, f"{state['done']} chunk(s) of it are committed and recorded"
        ) from None
    except LockLostError:
        conn.rollback()  # another run owns the target now: restore nothing, record nothing
        raise
    except Exception as exc:
        conn.rollback()
        message = str(exc) if isinstance(exc, StepFailedError) else short(exc)
        ledger.fence(conn)  # only the lock holder may restore before-images
        conn.rollback()
        raise _fail(runner, attempt, state, message) from exc
    attempt.result.details = dict(state["last"])
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


def _nothing_committed(runner: Runner, attempt: Attempt) -> None:
    """Roll back an apply that stopped before its first chunk committed: record it only."""
    runner.ledger.update(
        attempt.conn,
        attempt.step.id,
        status="rolled_back",
        statements_done=0,
        checkpoint=None,
        error=None,
        run_id=runner.recorder.run_id,
        finished_at=now(),
    )
    attempt.conn.commit()


def chunk_context(
    runner: Runner,
    attempt: Attempt,
    start: int,
    resume: dict[str, Any],
    applied: dict[str, Any],
) -> StepContext:
    """The context of a chunked step, whose `log` adds what the kind ran through its driver."""
    result = attempt.result

    def log(sql: str) -> None:
        runner.reporter.statement(attempt.step, sql)
        result.statements.append(sql)

    return runner.context(attempt, attempt.execute, start, resume=resume, applied=applied, log=log)


def _fail(runner: Runner, attempt: Attempt, state: dict[str, Any], message: str) -> StepFailedError:
    """Undo the committed chunks of a failed apply from their before-images; if that is not
    possible, leave the step at its checkpoint for `resume`."""
    step, direction, conn = attempt.step, attempt.direction, attempt.conn
    done = state["done"]
    runner.recorder.event(
        "step_failed", step, None, direction=direction, error=message, chunks_done=done
    )
    if direction == UP and done == 0:
        # no chunk committed: nothing to restore (the table may not even exist), just failed
        _record_failed(runner, conn, step.id, message)
        return StepFailedError(
            step.id,
            f"step {step.id} failed before its first chunk committed: {message}",
            "nothing of it was kept; fix the step and run the command again",
        )
    if direction == UP and not step.irreversible:
        undo_error = _undo(runner, attempt, state["last"])
        if undo_error is None:
            _record_failed(runner, conn, step.id, message)
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
            f" fix the cause and run `{runner.resume_command}` to continue from the checkpoint"
        )
        checkpoint = {"direction": direction, "chunk": state["last"]}
    runner.ledger.update(
        conn,
        step.id,
        status="needs_attention",
        statements_done=done,
        checkpoint=checkpoint,
        error=message,
    )
    conn.commit()
    return StepFailedError(step.id, f"step {step.id} failed ({direction}): {message}", hint)


def _undo(runner: Runner, attempt: Attempt, applied: dict[str, Any]) -> str | None:
    """Run the kind's rollback over what is committed, chunk by chunk; None when done."""
    conn = attempt.conn
    ctx = runner.context(
        attempt, lambda sql, params=None: _plain_execute(conn, sql, params), applied=applied
    )
    ctx.cancelled = lambda: False
    try:
        for _ in attempt.kind.rollback(attempt.step, ctx):
            conn.commit()
        conn.commit()
    except Exception as exc:
        conn.rollback()
        return short(exc)
    return None


def _plain_execute(conn: Connection, sql: str, params: Any = None) -> Any:
    if params is None:
        return conn.execution_options(no_parameters=True).exec_driver_sql(sql)
    return conn.execute(text(sql), params)


def _record_failed(runner: Runner, conn: Connection, step_id: str, message: str) -> None:
    """The step failed and nothing of it is left applied: the next apply runs it afresh."""
    runner.ledger.update(
        conn,
        step_id,
        status="failed",
        statements_done=0,
        checkpoint=None,
        error=message,
        finished_at=now(),
    )
    conn.commit()
