"""The SQL executor: runs a step's up.sql / down.sql statement by statement and its verify.sql.

Statements run as written (split, never re-rendered). Each statement is one checkpoint, so on a
dialect without transactional DDL (MariaDB) the engine records progress per statement. DDL runs
with a bounded lock wait and retries (ddl_locks.py), so it never holds the application up for
long behind a transaction that holds its table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.db.connect import supports_transactional_ddl
from gitmigrate.engine.capabilities import Compensator
from gitmigrate.engine.description import Description
from gitmigrate.engine.kinds import Checkpoint, Finding, Impact, StepContext
from gitmigrate.errors import CorruptMetadataError
from gitmigrate.kinds.sql.compensation import SqlCompensator
from gitmigrate.kinds.sql.ddl_locks import lock_policy, run_ddl
from gitmigrate.kinds.sql.describe import describe_sql
from gitmigrate.sql.classify import classify, classify_script
from gitmigrate.sql.parse import split_statements


class SqlKind:
    kind = "sql"
    compensator: Compensator | None = SqlCompensator()

    def analyze(self, step: Step, dialect: str) -> Impact:
        return _outside_transaction(step, analyze_script(step.text("up.sql") or "", dialect))

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        return _outside_transaction(step, analyze_script(step.text("down.sql") or "", dialect))

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        return describe_sql(step, dialect, note)

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        yield from _run(step, _script(step, "up.sql"), ctx)

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        yield from _run(step, _script(step, "down.sql"), ctx)

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        text = step.text("verify.sql")
        if not text:
            return []
        statements = split_statements(text, ctx.dialect)
        result = None
        for statement in statements:
            result = ctx.execute(statement.text)
        row = result.first() if result is not None and result.returns_rows else None
        if row is None:
            return [Finding("error", "verify", f"verify.sql of {step.id} returned no row")]
        if not row[0] or str(row[0]).lower() in ("0", "false", "f"):
            return [Finding("error", "verify", f"verify.sql of {step.id} returned {row[0]!r}")]
        return []


def analyze_script(sql: str, dialect: str) -> Impact:
    classified = classify_script(sql, dialect)
    reasons = tuple(info.reason for _, info in classified if info.destructive and info.reason)
    return Impact(
        objects=tuple(sorted({o for _, info in classified for o in info.objects})),
        destructive=any(info.destructive for _, info in classified),
        reasons=reasons,
        statements=len(classified),
        previewable=supports_transactional_ddl(dialect)
        or all(info.category in ("dml", "query") for _, info in classified),
        details={"operations": [info.operation for _, info in classified]},
    )


def _outside_transaction(step: Step, impact: Impact) -> Impact:
    """A `transaction = false` step cannot be previewed inside a rolled-back transaction."""
    if step.options.get("transaction", True) is False:
        return replace(impact, previewable=False)
    return impact


def _script(step: Step, name: str) -> str:
    text = step.text(name)
    if text is None:
        raise CorruptMetadataError(
            f"step {step.id} has no {name}", f"restore {step.path}/{name} from the step's commit"
        )
    return text


def _run(step: Step, sql: str, ctx: StepContext) -> Iterator[Checkpoint]:
    statements = split_statements(sql, ctx.dialect)
    total = len(statements)
    policy = lock_policy(step, ctx.config)
    for statement in statements[ctx.start_position :]:
        if _waits_for_table_locks(statement.text, ctx.dialect):
            number = statement.index + 1
            run_ddl(
                ctx.connection,
                ctx.dialect,
                policy,
                lambda: ctx.execute(statement.text),  # noqa: B023 - called right here
                step,
                number,
            )
        else:
            ctx.execute(statement.text)
        yield Checkpoint(position=statement.index + 1, total=total)


def _waits_for_table_locks(sql: str, dialect: str) -> bool:
    """DDL that queues application queries behind it while it waits. PostgreSQL's CONCURRENTLY
    forms take a lock that reads and writes pass, and a lock_timeout would abort them midway,
    leaving an invalid index behind."""
    if dialect == "sqlite" or classify(sql, dialect).category != "ddl":
        return False
    return not (dialect == "postgresql" and "CONCURRENTLY" in sql.upper())
