"""Undoing the completed statements of a failed step on a dialect without transactional DDL
(MariaDB/MySQL commit every DDL statement). Each completed statement's inverse is derived from
the statement itself and run newest first; a statement with no derivable inverse, or an inverse
that fails, stops the undo and leaves the step `needs_attention` at that statement."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.sql.inverse import inverse_of
from gitmigrate.sql.parse import split_statements


def _nothing(number: int, inverse: str = "") -> None:
    return None


def undo_statements(
    conn: Connection,
    step: Step,
    direction: str,
    done: int,
    dialect: str,
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
    script = step.text("up.sql" if direction == "up" else "down.sql") or ""
    statements = split_statements(script, dialect)[:done]
    runner = conn.execution_options(no_parameters=True)
    for statement in reversed(statements):
        number = statement.index + 1
        inverse = inverse_of(statement.text, dialect)
        if inverse is None:
            return number, (
                f"statement {number} has no automatic inverse ({statement.text[:60]!r}); "
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
