"""A step statement by statement, where statements commit by themselves (DDL on MariaDB/MySQL,
or `transaction = false`). The ledger row is written first ("running"); before each statement
that commits by itself its intent is committed (with the kind's fingerprint of what it will
change), and the statement counter after it, so a crash at any point is resumed from exactly
where it stopped, with no manual repair; a failure runs the inverses of the statements already
done, newest first. What a statement touches and how to undo it is the kind's compensator's
knowledge (engine/capabilities.py); this module only keeps the records.

A dry run takes the same path with every statement logged; it executes only what can be
undone (Stepper.run's `execute`)."""

from __future__ import annotations

from typing import Any

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
from gitmigrate.engine.compensate import undo_statements
from gitmigrate.engine.crashpoint import crash_point
from gitmigrate.engine.kinds import Checkpoint
from gitmigrate.engine.runlog import now
from gitmigrate.engine.signals import Interrupted
from gitmigrate.errors import StepFailedError

INTENT = "intent"  # checkpoint key: the statement about to run and its fingerprint before it
INTENTS = "intents"  # checkpoint key: this row records intents (rows of older versions do not)
RUN_ONLY = ("direction", INTENT, INTENTS)  # checkpoint keys dropped when a step is settled


def run_stepwise(runner: Runner, attempt: Attempt) -> None:
    step, direction, row, conn = attempt.step, attempt.direction, attempt.row, attempt.conn
    dry_run, dialect = runner.dry_run, runner.target.dialect
    compensator = attempt.kind.compensator
    previous: dict[str, Any] = dict(row.checkpoint or {}) if row else {}
    resuming = (
        row is not None
        and row.status in ("running", "needs_attention")
        and previous.get("direction", UP) == direction
    )
    start = row.statements_done if resuming and row else 0
    # a row written before intents were recorded cannot say whether statement start+1 ran
    legacy = resuming and not previous.get(INTENTS)
    checkpoint = {k: v for k, v in previous.items() if k != INTENT}
    if resuming and not legacy and not dry_run:
        start = _settle(runner, attempt, previous.get(INTENT), start)
    if direction == UP and not resuming and not dry_run:
        checkpoint["schema_before"] = schema_snapshot(conn)
        conn.rollback()
    checkpoint["direction"] = direction
    checkpoint[INTENTS] = 1
    if not dry_run:
        _record_running(runner, attempt, start, checkpoint)
    done = start
    driving = True

    def guarded(sql: str, params: Any = None) -> Any:
        if driving and not dry_run:
            number = done + 1
            if compensator is not None and compensator.commits_by_itself(sql, dialect):
                intent = {"statement": number, "direction": direction}
                checkpoint[INTENT] = {**intent, **compensator.fingerprint(conn, sql, dialect)}
                runner.ledger.update(conn, step.id, checkpoint=checkpoint)
                conn.commit()
            crash_point("before-statement", number)
        return attempt.execute(sql, params)

    ctx = runner.context(attempt, guarded, start)

    def on_checkpoint(cp: Checkpoint) -> None:
        nonlocal done
        done = cp.position
        if not dry_run:
            crash_point("before-record", done)
            runner.ledger.update(conn, step.id, statements_done=done)
            conn.commit()
            crash_point("after-statement", done)

    result = attempt.result
    try:
        runner.drive(attempt, ctx, on_checkpoint)
        driving = False
        if direction == UP:
            findings = attempt.kind.verify(step, ctx)  # listed even where not executed
            if result.previewed:  # a dry run that could not execute cannot judge it
                result.findings = findings
                raise_on_errors(step, result.findings)
    except (Stop, Interrupted):  # Interrupted: a second signal, inside a statement
        raise runner.interrupted(attempt, f"{done} statement(s) of it are recorded") from None
    except Exception as exc:
        if dry_run:
            raise
        conn.rollback()
        message = str(exc) if isinstance(exc, StepFailedError) else short(exc)
        checkpoint.pop(INTENT, None)  # it failed: it did not run (DDL is atomic)
        if legacy and done == start and not isinstance(exc, StepFailedError):
            checkpoint.pop(INTENTS)  # still unknown whether it ran before the crash
            runner.ledger.update(conn, step.id, checkpoint=checkpoint)
            raise _unrecorded(runner, attempt, start, message) from exc
        _compensate(runner, attempt, done, message, checkpoint)
        raise StepFailedError(
            step.id,
            f"step {step.id} failed ({direction}) at statement {done + 1}: {message}",
            "its completed statements were undone; fix the cause and run the command again",
        ) from exc
    if dry_run:
        return
    runner.ledger.update(
        conn,
        step.id,
        status="applied" if direction == UP else "rolled_back",
        finished_at=now(),
        error=None,
        checkpoint={k: v for k, v in checkpoint.items() if k not in RUN_ONLY},
    )
    conn.commit()
    if direction == DOWN:
        result.schema_differences = differences_from_before(conn, row)


def _record_running(
    runner: Runner, attempt: Attempt, start: int, checkpoint: dict[str, Any]
) -> None:
    conn, step = attempt.conn, attempt.step
    runner.ledger.ensure(conn)
    if attempt.direction == UP and attempt.row is None:
        runner.ledger.upsert(conn, runner.ledger_row(step, "running", 0, checkpoint))
    else:
        runner.ledger.update(
            conn,
            step.id,
            status="running",
            statements_done=start,
            checkpoint=checkpoint,
            error=None,
            run_id=runner.recorder.run_id,
        )
    conn.commit()


def _settle(runner: Runner, attempt: Attempt, intent: Any, start: int) -> int:
    """Where a resumed step really stopped. The intent names the statement that was about
    to run (or, while undoing, whose inverse was) and the kind's fingerprint before it: a
    changed fingerprint means it ran, although the crash came before its ledger update."""
    step, direction, conn = attempt.step, attempt.direction, attempt.conn
    compensator = attempt.kind.compensator
    if compensator is None or not isinstance(intent, dict) or intent.get("direction") != direction:
        return start
    undo = bool(intent.get("undo"))
    number = intent.get("statement")
    if number != (start if undo else start + 1):
        return start  # the intent is older than the counter: nothing ran unrecorded
    changed = compensator.ran(conn, intent)
    conn.rollback()
    if not changed:
        return start
    settled = start - 1 if undo else start + 1
    what = f"the inverse of statement {number}" if undo else f"statement {number}"
    runner.reporter.note(
        f"{step.id}: {what} had run before the interruption without being recorded; counted as done"
    )
    runner.recorder.event(
        "statement_settled", step, None, direction=direction, statements_done=settled
    )
    return settled


def _compensate(
    runner: Runner, attempt: Attempt, done: int, message: str, checkpoint: dict[str, Any]
) -> None:
    """Undo statements 1..done of a failed step, newest first, the ledger counter following
    each inverse (with its intent before it, as statements). A rollback undone this way leaves
    the step as it was before (applied, or needing attention), with the error."""
    step, direction, row, conn = attempt.step, attempt.direction, attempt.row, attempt.conn
    dialect, compensator = runner.target.dialect, attempt.kind.compensator

    def before(number: int, inverse: str) -> None:
        if compensator is None:
            return
        intent = {"statement": number, "direction": direction, "undo": True}
        checkpoint[INTENT] = {**intent, **compensator.fingerprint(conn, inverse, dialect)}
        runner.ledger.update(conn, step.id, checkpoint=checkpoint)
        conn.commit()

    def after(number: int) -> None:
        crash_point("before-undo-record", number)
        runner.ledger.update(conn, step.id, statements_done=number - 1)
        conn.commit()

    remaining, outcome = undo_statements(
        conn, step, direction, done, dialect, compensator, before=before, after=after
    )
    checkpoint.pop(INTENT, None)  # a failed inverse did not run either
    if outcome is None:
        status, kept = ("rolled_back" if done else "failed"), 0
        if direction == DOWN:
            status = row.status if row is not None else "applied"
            kept = row.statements_done if row is not None else 0
        runner.ledger.update(
            conn,
            step.id,
            status=status,
            statements_done=kept,
            error=message,
            finished_at=now(),
            checkpoint={k: v for k, v in checkpoint.items() if k not in RUN_ONLY},
        )
    else:
        runner.ledger.update(
            conn,
            step.id,
            status="needs_attention",
            statements_done=remaining,  # statements after it were undone: resume redoes them
            checkpoint=checkpoint,
            error=f"{message}; then undoing it stopped: {outcome}",
        )
    conn.commit()
    runner.recorder.event(
        "step_failed",
        step,
        None,
        direction=direction,
        error=message,
        statements_done=done,
        undo=("complete" if outcome is None else outcome),
    )


def _unrecorded(runner: Runner, attempt: Attempt, start: int, message: str) -> StepFailedError:
    """The first statement a resume re-ran failed, on a row written by a version that did
    not record intents: the statement commits by itself, so it may have run unrecorded, and
    undoing the recorded ones would leave its effect behind. Stop instead, saying how to
    continue. (Rows written now record intents; see `_settle`.)"""
    step, direction, conn = attempt.step, attempt.direction, attempt.conn
    dialect, compensator = runner.target.dialect, attempt.kind.compensator
    statements = compensator.statements(step, direction, dialect) if compensator else []
    text = statements[start] if start < len(statements) else ""
    inverse = compensator.inverse(text, dialect) if compensator and text else None
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    error = (
        f"resuming step {step.id} ({direction}) after statement {start}, statement"
        f" {start + 1} failed: {message}. DDL commits by itself on {dialect},"
        f" so statement {start + 1} ({shown}) may have run before the interruption"
        " without being recorded"
    )
    hint = (
        f"if its effect is there, undo it{'' if inverse else ' by hand'}, then run"
        f" `{runner.resume_command}` (it runs statement {start + 1} again and continues);"
        " otherwise fix the cause named above and resume"
        + (f". The undo: {inverse}" if inverse else "")
    )
    runner.ledger.update(
        conn, step.id, status="needs_attention", statements_done=start, error=f"{error}; {hint}"
    )
    conn.commit()
    runner.recorder.event(
        "step_failed",
        step,
        None,
        direction=direction,
        error=message,
        statements_done=start,
        undo="not attempted: the failed statement may have run unrecorded",
    )
    return StepFailedError(step.id, error, hint)
