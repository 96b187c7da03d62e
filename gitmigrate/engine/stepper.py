"""Running one step in one direction against a database target, with its ledger record: the
Stepper chooses the path and gives every statement one logged way to run.

- chunked steps (data): each chunk commits with its checkpoint (chunked.py); a dry run runs
  the first chunks and rolls them back (chunk_preview.py);
- on transactional dialects (SQLite, PostgreSQL) a step is one transaction (transactional.py);
- where DDL commits by itself (MariaDB/MySQL, or `transaction = false`) statement by statement,
  each recorded (stepwise.py).

A dry run takes the same path with every statement logged; on transactional dialects it
executes and rolls back, elsewhere it only executes what can be previewed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.db.ledger import LedgerRow
from gitmigrate.engine.attempt import DOWN, UP, Attempt, Runner, StepRun
from gitmigrate.engine.chunked import run_chunked
from gitmigrate.engine.kinds import Kind
from gitmigrate.engine.stepwise import run_stepwise
from gitmigrate.engine.transactional import run_transactional
from gitmigrate.errors import GitMigrateError
from gitmigrate.sql.dialects import DIALECTS
from gitmigrate.sql.parse import check_sql

__all__ = ["DOWN", "UP", "StepRun", "Stepper"]

NOT_UNDOABLE = (
    "it cannot run inside a rolled-back transaction on this target (DDL that commits"
    " implicitly, or a `transaction = false` step)"
)


class Stepper(Runner):
    def run(
        self,
        step: Step,
        kind: Kind,
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
                if self.dry_run:
                    # what cannot be undone is not executed, and neither is anything after it
                    # in this dry run, which could only fail for want of its effects
                    if not transactional and not previewable:
                        self.blind = self.blind or NOT_UNDOABLE
                    if self.blind:
                        result.previewed = False
                        result.not_previewed = self.blind
                        if unreadable(sql, self.target.dialect):
                            result.unchecked.append(sql)
                        return None
                if params is None:
                    return logged.exec_driver_sql(sql)
                return conn.execute(text(sql), params)

            attempt = Attempt(step, kind, direction, row, conn, execute, result)
            if kind.chunked:
                run_chunked(self, attempt)
            elif transactional:
                run_transactional(self, attempt)
            else:
                run_stepwise(self, attempt)
        result.seconds = time.monotonic() - started
        return result

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A dry run shares one connection whose outer transaction is rolled back at the end
        (see `preview`), so later steps see the effects of earlier ones."""
        if self.shared is not None:
            yield self.shared
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
            self.shared = conn
            try:
                yield
            finally:
                self.shared = None
                outer.rollback()


def unreadable(sql: str, dialect: str) -> bool:
    """Whether sqlglot cannot read `sql` (issue 20: such a statement is not linted, so a dry run
    that does not execute it leaves it checked by nobody)."""
    if dialect not in DIALECTS:
        return False
    try:
        return bool(check_sql(sql, dialect).unparsed)
    except GitMigrateError:
        return True
