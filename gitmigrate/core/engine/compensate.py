"""Undoing the completed statements of a failed step on a dialect without transactional DDL
(MariaDB/MySQL commit every DDL statement). Each completed statement's inverse is derived from
the statement itself and run newest first; a statement with no derivable inverse, or an inverse
that fails, stops the undo and leaves the step `needs_attention` at that statement."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.sql.inverse import inverse_of
from gitmigrate.sql.parse import split_statements


def undo_statements(
    conn: Connection, step: Step, direction: str, done: int, dialect: str
) -> tuple[int, str | None]:
    """Run inverses of statements 1..done, newest first.

    Returns how many statements are still in effect afterwards (0 when all were undone) and
    None, or that count and what stopped the undo: a resume continues after those statements.
    """
    script = step.text("up.sql" if direction == "up" else "down.sql") or ""
    statements = split_statements(script, dialect)[:done]
    runner = conn.execution_options(no_parameters=True)
    for statement in reversed(statements):
        inverse = inverse_of(statement.text, dialect)
        if inverse is None:
            return statement.index + 1, (
                f"statement {statement.index + 1} has no automatic inverse "
                f"({statement.text[:60]!r})"
            )
        try:
            runner.exec_driver_sql(inverse)
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - reported to the user as the reason
            conn.rollback()
            detail = str(getattr(exc, "orig", exc)).splitlines()[0]
            return statement.index + 1, (
                f"the inverse of statement {statement.index + 1} failed: {detail}"
            )
    return 0, None
