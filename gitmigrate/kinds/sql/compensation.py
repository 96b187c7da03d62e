"""The sql kind's compensation capability (gitmigrate/engine/capabilities.py `Compensator`):
what a statement touches, a digest of the schema of those objects before it runs (see
fingerprint.py), and each statement's inverse. The engine uses it for steps whose DDL commits by
itself, to tell a statement that ran unrecorded from one that never started, and to undo the
completed statements of a failed step.

SqlKind declares an instance of it, so this module is loaded by every command that reads steps:
the SQL and database libraries load only when the engine calls a method (a run).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gitmigrate.core.model import Step

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class SqlCompensator:
    def statements(self, step: Step, direction: str, dialect: str) -> list[str]:
        from gitmigrate.sql.parse import split_statements

        script = step.text("up.sql" if direction == "up" else "down.sql") or ""
        return [statement.text for statement in split_statements(script, dialect)]

    def commits_by_itself(self, statement: str, dialect: str) -> bool:
        from gitmigrate.sql.classify import classify

        # DML and queries stay in the transaction; everything else is DDL-like here
        return classify(statement, dialect).category not in ("dml", "query")

    def fingerprint(self, conn: Connection, statement: str, dialect: str) -> dict[str, Any]:
        from gitmigrate.kinds.sql.fingerprint import schema_digest, statement_objects

        objects = statement_objects(statement, dialect)
        return {"objects": objects, "before": schema_digest(conn, objects)}

    def ran(self, conn: Connection, fingerprint: Mapping[str, Any]) -> bool:
        from gitmigrate.kinds.sql.fingerprint import schema_digest

        objects = fingerprint.get("objects") or ()
        return schema_digest(conn, objects) != fingerprint.get("before")

    def inverse(self, statement: str, dialect: str) -> str | None:
        from gitmigrate.sql.inverse import inverse_of

        return inverse_of(statement, dialect)
