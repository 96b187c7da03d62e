"""Running one step in one direction against a database target, with its ledger record.

Transactional dialects (SQLite, PostgreSQL): the step's statements, its verify and its ledger
row are one transaction, so a failure or a crash leaves nothing behind. MariaDB/MySQL commit DDL
implicitly: the ledger row is written first ("running"), each DDL statement's intent (with a
digest of the schema before it) is committed before it and the statement counter after it, so a
crash at any point is resumed from exactly where it stopped, with no manual repair; a failure
runs the inverses of the statements already done, in reverse.

A dry run takes the same path with every statement logged; on transactional dialects it
executes and rolls back, elsewhere it only executes what can be previewed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.core.checksum import ALGORITHM
from gitmigrate.core.model import Step
from gitmigrate.core.reporter import Reporter
from gitmigrate.db.ledger import Ledger, LedgerRow
from gitmigrate.db.snapshot import diff_snapshots, schema_snapshot
from gitmigrate.engine.crashpoint import crash_point
from gitmigrate.engine.fingerprint import schema_digest, statement_objects
from gitmigrate.engine.kinds import Checkpoint, Finding, Kind, StepContext
from gitmigrate.engine.runlog import RunRecorder, now
from gitmigrate.engine.target import DatabaseTarget
from gitmigrate.errors import InterruptedRunError, StepFailedError
from gitmigrate.sql.classify import classify

UP = "up"
DOWN = "down"
_INTENT = "intent"  # checkpoint key: the statement about to run and the schema digest before it
_INTENTS = "intents"  # checkpoint key: this row records intents (rows of older versions do not)
_RUN_ONLY = ("direction", _INTENT, _INTENTS)  # checkpoint keys dropped when a step is settled


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


class _Stop(Exception):
    """Raised between statements when SIGINT/SIGTERM arrived."""


@dataclass
class Stepper:
    target: DatabaseTarget
    ledger: Ledger
    reporter: Reporter
    recorder: RunRecorder
    stop_requested: Callable[[], bool]
    resume_command: str
    dry_run: bool = False
    config: Any = None  # the ProjectConfig, handed to executors that open a second database
    _shared: Connection | None = None
    _blind: bool = False  # a dry run skipped a statement: later ones may depend on it

    # -- public ---------------------------------------------------------------------------

    def run(
        self,
        step: Step,
        executor: Kind,
        direction: str,
        row: LedgerRow | None,
        *,
        previewable: bool = True,
    ) -> StepRun:
        result = StepRun(step, direction)
        started = time.monotonic()
        # `transaction = false` in step.toml (e.g. CREATE INDEX CONCURRENTLY on PostgreSQL):
        # statements autocommit one by one and progress is recorded per statement.
        transactional = (
            self.target.transactional_ddl and step.options.get("transaction", True) is not False
        )
        with self._connection() as conn:
            if not transactional and self.target.transactional_ddl and not self.dry_run:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            logged = conn.execution_options(no_parameters=True)

            def execute(sql: str, params: Any = None) -> Any:
                self.reporter.statement(step, sql)
                result.statements.append(sql)
                if self.dry_run and not transactional:
                    # what cannot be undone is not executed, and neither is anything after it
                    # in this dry run, which could only fail for want of its effects
                    self._blind = self._blind or not previewable
                    if self._blind:
                        result.previewed = False
                        return None
                if params is None:
                    return logged.exec_driver_sql(sql)
                return conn.execute(text(sql), params)

            if getattr(executor, "chunked", False) and not self.dry_run:
                from gitmigrate.engine.chunked import run_chunked

                run_chunked(self, conn, step, executor, direction, row, execute, result)
            elif transactional:
                self._transactional(conn, step, executor, direction, row, execute, result)
            else:
                self._stepwise(conn, step, executor, direction, row, execute, result)
        result.seconds = time.monotonic() - started
        return result

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A dry run shares one connection whose outer transaction is rolled back at the end
        (see `preview`), so later steps see the effects of earlier ones."""
        if self._shared is not None:
            yield self._shared
            return
        with self.target.engine.connect() as conn:
            yield conn

    @contextmanager
    def preview(self) -> Iterator[None]:
        """Wrap a whole dry run: every step's statements run inside one transaction, undone."""
        if not (self.dry_run and self.target.transactional_ddl):
            yield
            return
        with self.target.engine.connect() as conn:
            outer = conn.begin()
            self._shared = conn
            try:
                yield
            finally:
                self._shared = None
                outer.rollback()

    # -- transactional dialects -----------------------------------------------------------

    def _transactional(
        self,
        conn: Connection,
        step: Step,
        executor: Kind,
        direction: str,
        row: LedgerRow | None,
        execute: Callable[[str], Any],
        result: StepRun,
    ) -> None:
        ctx = StepContext(
            conn,
            self.target.dialect,
            execute,
            0,
            self.dry_run,
            self.stop_requested,
            config=self.config,
        )
        tx = conn.begin_nested() if self._shared is not None else conn.begin()
        try:
            before = schema_snapshot(conn) if direction == UP and not self.dry_run else None
            self._drive(step, executor, direction, ctx, on_checkpoint=None)
            if direction == UP:
                result.findings = executor.verify(step, ctx)
                _raise_on_errors(step, result.findings)
            if self.dry_run:
                if self._shared is not None:
                    tx.commit()  # release the savepoint; the outer transaction is undone
                else:
                    tx.rollback()
                return
            if direction == UP:
                self.ledger.upsert(
                    conn,
                    self._row(
                        step,
                        "applied",
                        statements=ctx_position(result),
                        checkpoint={"schema_before": before},
                    ),
                )
            else:
                self.ledger.update(
                    conn,
                    step.id,
                    status="rolled_back",
                    finished_at=now(),
                    error=None,
                    run_id=self.recorder.run_id,
                )
            tx.commit()
        except _Stop:
            tx.rollback()
            raise self._interrupted(step, direction, "nothing of the step was kept") from None
        except BaseException as exc:
            if tx.is_active:
                tx.rollback()
            if isinstance(exc, StepFailedError | KeyboardInterrupt):
                self._record_failure(conn, step, direction, row, str(exc), "failed")
                raise
            if isinstance(exc, Exception):
                self._record_failure(conn, step, direction, row, _short(exc), "failed")
                raise StepFailedError(
                    step.id,
                    f"step {step.id} failed ({direction}) and was rolled back: {_short(exc)}",
                    "fix the step (or the data), then run the command again",
                ) from exc
            raise
        if direction == DOWN:
            result.schema_differences = _differences_from_before(conn, row)

    # -- MariaDB / MySQL ------------------------------------------------------------------

    def _stepwise(
        self,
        conn: Connection,
        step: Step,
        executor: Kind,
        direction: str,
        row: LedgerRow | None,
        execute: Callable[..., Any],
        result: StepRun,
    ) -> None:
        """Statement by statement, each DDL statement preceded by its recorded intent (the
        schema digest before it), so a resume tells a statement that ran unrecorded from one
        that never started (see fingerprint.py)."""
        previous: dict[str, Any] = dict(row.checkpoint or {}) if row else {}
        resuming = (
            row is not None
            and row.status in ("running", "needs_attention")
            and previous.get("direction", UP) == direction
        )
        start = row.statements_done if resuming and row else 0
        # a row written before intents were recorded cannot say whether statement start+1 ran
        legacy = resuming and not previous.get(_INTENTS)
        checkpoint = {k: v for k, v in previous.items() if k != _INTENT}
        if resuming and not legacy and not self.dry_run:
            start = self._settle(conn, step, direction, previous.get(_INTENT), start)
        if direction == UP and not resuming and not self.dry_run:
            checkpoint["schema_before"] = schema_snapshot(conn)
            conn.rollback()
        checkpoint["direction"] = direction
        checkpoint[_INTENTS] = 1
        if not self.dry_run:
            self.ledger.ensure(conn)
            if direction == UP and row is None:
                self.ledger.upsert(conn, self._row(step, "running", 0, checkpoint))
            else:
                self.ledger.update(
                    conn,
                    step.id,
                    status="running",
                    statements_done=start,
                    checkpoint=checkpoint,
                    error=None,
                    run_id=self.recorder.run_id,
                )
            conn.commit()
        done = start
        driving = True

        def guarded(sql: str, params: Any = None) -> Any:
            if driving and not self.dry_run:
                number = done + 1
                if classify(sql, self.target.dialect).category not in ("dml", "query"):
                    objects = statement_objects(sql, self.target.dialect)
                    checkpoint[_INTENT] = {
                        "statement": number,
                        "direction": direction,
                        "objects": objects,
                        "before": schema_digest(conn, objects),
                    }
                    self.ledger.update(conn, step.id, checkpoint=checkpoint)
                    conn.commit()
                crash_point("before-statement", number)
            return execute(sql, params)

        ctx = StepContext(
            conn,
            self.target.dialect,
            guarded,
            start,
            self.dry_run,
            self.stop_requested,
            config=self.config,
        )

        def on_checkpoint(cp: Checkpoint) -> None:
            nonlocal done
            done = cp.position
            if not self.dry_run:
                crash_point("before-record", done)
                self.ledger.update(conn, step.id, statements_done=done)
                conn.commit()
                crash_point("after-statement", done)

        try:
            self._drive(step, executor, direction, ctx, on_checkpoint)
            driving = False
            if direction == UP:
                findings = executor.verify(step, ctx)  # listed even where not executed
                if result.previewed:  # a dry run that could not execute cannot judge it
                    result.findings = findings
                    _raise_on_errors(step, result.findings)
        except _Stop:
            raise self._interrupted(
                step, direction, f"{done} statement(s) of it are recorded"
            ) from None
        except Exception as exc:
            if self.dry_run:
                raise
            conn.rollback()
            message = str(exc) if isinstance(exc, StepFailedError) else _short(exc)
            checkpoint.pop(_INTENT, None)  # it failed: it did not run (DDL is atomic)
            if legacy and done == start and not isinstance(exc, StepFailedError):
                checkpoint.pop(_INTENTS)  # still unknown whether it ran before the crash
                self.ledger.update(conn, step.id, checkpoint=checkpoint)
                raise self._unrecorded(conn, step, direction, start, message) from exc
            self._compensate(conn, step, direction, row, done, message, checkpoint)
            raise StepFailedError(
                step.id,
                f"step {step.id} failed ({direction}) at statement {done + 1}: {message}",
                "its completed statements were undone; fix the cause and run the command again",
            ) from exc
        if self.dry_run:
            return
        final = "applied" if direction == UP else "rolled_back"
        self.ledger.update(
            conn,
            step.id,
            status=final,
            finished_at=now(),
            error=None,
            checkpoint={k: v for k, v in checkpoint.items() if k not in _RUN_ONLY},
        )
        conn.commit()
        if direction == DOWN:
            result.schema_differences = _differences_from_before(conn, row)

    def _settle(self, conn: Connection, step: Step, direction: str, intent: Any, start: int) -> int:
        """Where a resumed step really stopped. The intent names the statement that was about
        to run (or, while undoing, whose inverse was) and the schema digest before it: a changed
        digest means it ran, although the crash came before its ledger update."""
        if not isinstance(intent, dict) or intent.get("direction") != direction:
            return start
        undo = bool(intent.get("undo"))
        number = intent.get("statement")
        if number != (start if undo else start + 1):
            return start  # the intent is older than the counter: nothing ran unrecorded
        changed = schema_digest(conn, intent.get("objects") or ()) != intent.get("before")
        conn.rollback()
        if not changed:
            return start
        settled = start - 1 if undo else start + 1
        what = f"the inverse of statement {number}" if undo else f"statement {number}"
        self.reporter.note(
            f"{step.id}: {what} had run before the interruption without being recorded;"
            " counted as done"
        )
        self.recorder.event(
            "statement_settled", step, None, direction=direction, statements_done=settled
        )
        return settled

    def _compensate(
        self,
        conn: Connection,
        step: Step,
        direction: str,
        row: LedgerRow | None,
        done: int,
        message: str,
        checkpoint: dict[str, Any],
    ) -> None:
        """Undo statements 1..done of a failed non-transactional step, newest first, the
        ledger counter following each inverse (with its intent before it, as statements).
        A rollback undone this way leaves the step as it was before (applied, or needing
        attention), with the error."""
        from gitmigrate.engine.compensate import undo_statements

        def before(number: int, inverse: str) -> None:
            objects = statement_objects(inverse, self.target.dialect)
            checkpoint[_INTENT] = {
                "statement": number,
                "direction": direction,
                "undo": True,
                "objects": objects,
                "before": schema_digest(conn, objects),
            }
            self.ledger.update(conn, step.id, checkpoint=checkpoint)
            conn.commit()

        def after(number: int) -> None:
            crash_point("before-undo-record", number)
            self.ledger.update(conn, step.id, statements_done=number - 1)
            conn.commit()

        remaining, outcome = undo_statements(
            conn, step, direction, done, self.target.dialect, before=before, after=after
        )
        checkpoint.pop(_INTENT, None)  # a failed inverse did not run either
        if outcome is None:
            status, kept = ("rolled_back" if done else "failed"), 0
            if direction == DOWN:
                status = row.status if row is not None else "applied"
                kept = row.statements_done if row is not None else 0
            self.ledger.update(
                conn,
                step.id,
                status=status,
                statements_done=kept,
                error=message,
                finished_at=now(),
                checkpoint={k: v for k, v in checkpoint.items() if k not in _RUN_ONLY},
            )
        else:
            self.ledger.update(
                conn,
                step.id,
                status="needs_attention",
                statements_done=remaining,  # statements after it were undone: resume redoes them
                checkpoint=checkpoint,
                error=f"{message}; then undoing it stopped: {outcome}",
            )
        conn.commit()
        self.recorder.event(
            "step_failed",
            step,
            None,
            direction=direction,
            error=message,
            statements_done=done,
            undo=("complete" if outcome is None else outcome),
        )

    def _unrecorded(
        self, conn: Connection, step: Step, direction: str, start: int, message: str
    ) -> StepFailedError:
        """The first statement a resume re-ran failed, on a row written by a version that did
        not record intents: DDL commits by itself on this dialect, so that statement may have
        run unrecorded, and undoing the recorded ones would leave its effect behind. Stop
        instead, saying how to continue. (Rows written now record intents; see `_settle`.)"""
        from gitmigrate.sql.inverse import inverse_of
        from gitmigrate.sql.parse import split_statements

        script = step.text("up.sql" if direction == UP else "down.sql") or ""
        statements = split_statements(script, self.target.dialect)
        text = statements[start].text if start < len(statements) else ""
        inverse = inverse_of(text, self.target.dialect) if text else None
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        error = (
            f"resuming step {step.id} ({direction}) after statement {start}, statement"
            f" {start + 1} failed: {message}. DDL commits by itself on {self.target.dialect},"
            f" so statement {start + 1} ({shown}) may have run before the interruption"
            " without being recorded"
        )
        hint = (
            f"if its effect is there, undo it{'' if inverse else ' by hand'}, then run"
            f" `{self.resume_command}` (it runs statement {start + 1} again and continues);"
            " otherwise fix the cause named above and resume"
            + (f". The undo: {inverse}" if inverse else "")
        )
        self.ledger.update(
            conn,
            step.id,
            status="needs_attention",
            statements_done=start,
            error=f"{error}; {hint}",
        )
        conn.commit()
        self.recorder.event(
            "step_failed",
            step,
            None,
            direction=direction,
            error=message,
            statements_done=start,
            undo="not attempted: the failed statement may have run unrecorded",
        )
        return StepFailedError(step.id, error, hint)

    # -- shared ---------------------------------------------------------------------------

    def _drive(
        self,
        step: Step,
        executor: Kind,
        direction: str,
        ctx: StepContext,
        on_checkpoint: Callable[[Checkpoint], None] | None,
    ) -> None:
        steps: Iterator[Checkpoint] = (
            executor.apply(step, ctx) if direction == UP else executor.rollback(step, ctx)
        )
        for checkpoint in steps:
            if on_checkpoint is not None:
                on_checkpoint(checkpoint)
            rows = checkpoint.data.get("rows")
            if isinstance(rows, int):  # a chunked step counts rows, which people care about
                self.reporter.progress(step, rows, checkpoint.data.get("rows_total"))
            else:
                self.reporter.progress(step, checkpoint.position, checkpoint.total)
            if self.stop_requested():
                raise _Stop

    def _row(
        self, step: Step, status: str, statements: int, checkpoint: dict[str, Any] | None
    ) -> LedgerRow:
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
            applied_by=self.recorder.user,
            host=self.recorder.host,
            run_id=self.recorder.run_id,
            error=None,
            duration_ms=None,
        )

    def _record_failure(
        self,
        conn: Connection,
        step: Step,
        direction: str,
        row: LedgerRow | None,
        message: str,
        status: str,
    ) -> None:
        if self.dry_run:
            return
        if direction == UP:
            base = row or self._row(step, status, 0, None)
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
        self.recorder.event("step_failed", step, None, direction=direction, error=message)

    def _interrupted(self, step: Step, direction: str, kept: str) -> InterruptedRunError:
        self.recorder.event("interrupted", step, None, direction=direction)
        return InterruptedRunError(
            f"interrupted during step {step.id} ({direction}); {kept}",
            f"resume with: {self.resume_command}",
        )


def _differences_from_before(conn: Connection, row: LedgerRow | None) -> list[str]:
    """After a rollback: how the schema differs from the snapshot taken before the step."""
    wanted = (row.checkpoint or {}).get("schema_before") if row is not None else None
    return diff_snapshots(wanted, schema_snapshot(conn)) if wanted else []


def ctx_position(result: StepRun) -> int:
    return len(result.statements)


def _raise_on_errors(step: Step, findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise StepFailedError(
            step.id,
            f"verify failed for step {step.id}: {errors[0].message}",
            "the step was rolled back; fix the step or its verify.sql and run again",
        )


def _short(exc: BaseException) -> str:
    """The database's own message, first line, without SQLAlchemy's boilerplate."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    return text[:500]
