"""A harness for executor authors: the three properties every executor must show
(as LibCST's CodemodTest does for codemods).

    from gitmigrate.testing import check_executor_properties
    check_executor_properties(MyExecutor(), step, "sqlite:///tmp/x.db")

1. planning (analyze) and a dry run change nothing;
2. apply, then verify, is clean;
3. apply, then rollback, returns the target to its starting schema.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.db.connect import create_target_engine, supports_transactional_ddl
from gitmigrate.db.snapshot import diff_snapshots, schema_snapshot
from gitmigrate.db.url import dialect_name
from gitmigrate.engine.kinds import Kind, StepContext
from gitmigrate.engine.target import DatabaseTarget


class ExecutorPropertyError(AssertionError):
    """One of the three properties does not hold; the message says which and how."""


def _context(conn: Connection, dialect: str, dry_run: bool) -> StepContext:
    runner = conn.execution_options(no_parameters=True)

    def execute(sql: str) -> Any:
        return runner.exec_driver_sql(sql)

    target = DatabaseTarget("(harness)", dialect, conn.engine)
    return StepContext(target, dialect, execute, dry_run=dry_run, session=conn)


def check_executor_properties(executor: Kind, step: Step, url: str) -> None:
    dialect = dialect_name(url)
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            before = schema_snapshot(conn)
            conn.rollback()
            executor.analyze(step, dialect)
            if supports_transactional_ddl(dialect):
                tx = conn.begin()
                for _ in executor.apply(step, _context(conn, dialect, dry_run=True)):
                    pass
                tx.rollback()
            _same(before, schema_snapshot(conn), "planning and a dry run must change nothing")
            conn.rollback()
            with conn.begin():
                for _ in executor.apply(step, _context(conn, dialect, dry_run=False)):
                    pass
            with conn.begin():
                errors = [
                    f
                    for f in executor.verify(step, _context(conn, dialect, False))
                    if f.severity == "error"
                ]
            if errors:
                raise ExecutorPropertyError(f"apply then verify must be clean: {errors[0].message}")
            with conn.begin():
                for _ in executor.rollback(step, _context(conn, dialect, dry_run=False)):
                    pass
            _same(before, schema_snapshot(conn), "apply then rollback must restore the schema")
            conn.rollback()
    finally:
        engine.dispose()


def _same(before: dict[str, Any], after: dict[str, Any], what: str) -> None:
    differences = diff_snapshots(before, after)
    if differences:
        raise ExecutorPropertyError(f"{what}: " + "; ".join(differences[:5]))
