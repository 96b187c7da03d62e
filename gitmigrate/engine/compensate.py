"""Undoing the completed statements of a failed step that runs without a transaction (DDL that
commits by itself on MariaDB/MySQL, or `transaction = false`). The kind's compensator gives each
statement's inverse (engine/capabilities.py); they run newest first. A statement with no inverse,
or an inverse that fails, stops the undo and leaves the step `needs_attention` at that
statement."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.engine.capabilities import Compensator


def _nothing(number: int, inverse: str = "") -> None:
    return None


def undo_statements(
    conn: Connection,
    step: Step,
    direction: str,
    done: int,
    dialect: str,
    compensator: Compensator | None,
    *,
    before: Callable[[int, str], None] = _nothing,
    after: Callable[[int], None] = _nothing,
) -> tuple[int, str | None]:
    """Run inverses of statements 1..done, newest first.

    `before(n, inverse)` runs before the inverse of statement n and `after(n)` once it is committed, so
    the caller can record the undo's progress as durably as the statements' own. Returns how
    many statements are still in effect afterwards (0 when all were undone) and None, or that
    count and what stopped the undo: a resume continues after those statements.
    """
    if not done:
        return 0, None
    if compensator is None:
        return done, (
            f"steps of kind {step.kind} cannot undo their statements; undo statements 1..{done}"
            " by hand, or fix what made the step fail, then resume"
        )
    statements = compensator.statements(step, direction, dialect)[:done]
    runner = conn.execution_options(no_parameters=True)
    for index in reversed(range(len(statements))):
        number, statement = index + 1, statements[index]
        inverse = compensator.inverse(statement, dialect)
        if inverse is None:
            return number, (
                f"statement {number} has no automatic inverse ({statement[:60]!r}); "
                "undo it by hand, or fix what made the step fail, then resume"
            )
        before(number, inverse)
        try:
            runner.exec_driver_sql(inverse)
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - reported to the user as the reason
            conn.rollback()
            detail = str(getattr(exc, "orig", exc)).splitlines()[0]
            return number, (f"the inverse of statement {number} ({inverse}) failed: {detail}")
        after(number)
    return 0, None
