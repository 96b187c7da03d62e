"""The dry run of a chunked step (data backfills, transforms, copies): the same chunk path as the
real run, so its statement log is the real run's, stopped after the first few chunks
(`apply --dry-run-chunks N`, default 3) and rolled back. Its estimate is extrapolated from
those chunks (rows per second of the sampled chunks times the table's rows), not from running
the whole backfill.

How the sample ends: after the N-th checkpoint the kind is resumed once more; if it finishes
without executing anything, the chunks were the whole step (and its verify runs, as in the real
run); the first statement it would run instead ends the sample, unexecuted and unlogged. A
step previewed only in part leaves later steps of the same dry run listed but not executed:
they could only be judged with all of its effects.

MariaDB/MySQL commit DDL implicitly, so a step that first creates helper tables (before-images,
quarantine, copy targets) is not executed there at all, only listed, as before: its chunks show
what would run, and no rows are sampled.
"""

from __future__ import annotations

import time
from typing import Any

from gitmigrate.engine.attempt import UP, Attempt, ChunkSample, Runner, Stop, raise_on_errors, short
from gitmigrate.engine.estimate import Estimate
from gitmigrate.engine.kinds import Checkpoint
from gitmigrate.errors import StepFailedError

SAMPLED = "sampled"  # Estimate.source of an estimate extrapolated from a dry run's chunks


class _Sampled(BaseException):
    """The dry run has executed the chunks it samples (a BaseException, so that no handler in
    a kind mistakes it for a failure of its own)."""


def preview_chunked(runner: Runner, attempt: Attempt) -> None:
    step, conn, result = attempt.step, attempt.conn, attempt.result
    limit = runner.dry_run_chunks if attempt.direction == UP else None
    sampling = {"done": False}

    def execute(sql: str, params: Any = None) -> Any:
        if sampling["done"]:
            raise _Sampled
        return attempt.execute(sql, params)

    def log(sql: str) -> None:
        if sampling["done"]:
            raise _Sampled
        runner.reporter.statement(step, sql)
        result.statements.append(sql)

    # as the dry runs of other steps: from the start, and a rollback without the apply's record
    ctx = runner.context(attempt, execute, log=log)
    chunks, last, started = 0, {}, time.monotonic()
    seconds = 0.0

    def on_checkpoint(checkpoint: Checkpoint) -> None:
        nonlocal chunks, last, seconds
        if sampling["done"]:
            raise _Sampled
        chunks, last = chunks + 1, dict(checkpoint.data)
        seconds = time.monotonic() - started
        if limit is not None and chunks >= limit:
            sampling["done"] = True

    savepoint = conn.begin_nested() if runner.shared is not None else None
    finished = True
    try:
        try:
            runner.drive(attempt, ctx, on_checkpoint)
        except _Sampled:
            finished = False
        if finished and attempt.direction == UP:
            findings = attempt.kind.verify(step, ctx)
            if result.previewed:  # a dry run that did not execute it cannot judge it
                result.findings = findings
                raise_on_errors(step, result.findings)
    except Stop:
        _undo(runner, attempt, savepoint, keep=False)
        raise runner.interrupted(attempt, "nothing of the step was kept") from None
    except Exception as exc:
        _undo(runner, attempt, savepoint, keep=False)
        if isinstance(exc, StepFailedError):
            raise
        raise StepFailedError(
            step.id,
            f"step {step.id} failed ({attempt.direction}) and was rolled back: {short(exc)}",
            "fix the step (or the data), then run the command again",
        ) from exc
    # a step previewed whole stays in effect for the rest of the dry run, as SQL steps do
    _undo(runner, attempt, savepoint, keep=finished)
    if finished:
        seconds = time.monotonic() - started
    else:
        runner.blind = runner.blind or (
            f"an earlier step ({step.id}) ran only its first {chunks} chunk(s) in this dry run,"
            " and this one could only be judged with all of its effects"
        )
    rows, total = last.get("rows"), last.get("rows_total")
    result.details = last
    result.sample = ChunkSample(
        chunks=chunks,
        rows=rows if isinstance(rows, int) else 0,
        seconds=seconds,
        rows_total=total if isinstance(total, int) else None,
        finished=finished,
    )


def _undo(runner: Runner, attempt: Attempt, savepoint: Any, *, keep: bool) -> None:
    """Take back what the sampled chunks did: their savepoint inside the whole dry run's
    transaction (released instead when `keep`), or the connection's transaction."""
    if savepoint is None:
        attempt.conn.rollback()
    elif not savepoint.is_active:
        return
    elif keep:
        savepoint.commit()
    else:
        savepoint.rollback()


def sampled_estimate(sample: ChunkSample) -> Estimate | None:
    """The step's duration from its dry run's chunks; None when they changed no rows (not
    executed, or nothing to do) or the table's size is unknown."""
    if sample.finished:
        return Estimate(
            sample.seconds,
            f"the whole step ran in the dry run ({sample.chunks} chunk(s), {sample.rows} row(s))",
            SAMPLED,
        )
    if sample.rows <= 0 or sample.seconds <= 0 or not sample.rows_total:
        return None
    rate = sample.rows / sample.seconds
    return Estimate(
        sample.rows_total / rate,
        f"{sample.chunks} sampled chunk(s): {sample.rows} row(s) in {sample.seconds:.2f}s"
        f" ({rate:.0f} rows/s) x {sample.rows_total} row(s)",
        SAMPLED,
    )
