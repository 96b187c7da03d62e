"""The sql kind's compensation capability (gitmigrate/engine/capabilities.py `Compensator`):
what a statement touches, a digest of the schema of those objects before it runs (see
fingerprint.py), and each statement's inverse. The engine uses it for steps whose DDL commits by
itself, to tell a statement that ran unrecorded from one that never started, and to undo the
completed statements of a failed step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.kinds.sql.fingerprint import schema_digest, statement_objects
from gitmigrate.sql.classify import classify
from gitmigrate.sql.inverse import inverse_of
from gitmigrate.sql.parse import split_statements


class SqlCompensator:
    def statements(self, step: Step, direction: str, dialect: str) -> list[str]:
        script = step.text("up.sql" if direction == "up" else "down.sql") or ""
        return [statement.text for statement in split_statements(script, dialect)]

    def commits_by_itself(self, statement: str, dialect: str) -> bool:
        # DML and queries stay in the transaction; everything else is DDL-like here
        return classify(statement, dialect).category not in ("dml", "query")

    def fingerprint(self, conn: Connection, statement: str, dialect: str) -> dict[str, Any]:
        objects = statement_objects(statement, dialect)
        return {"objects": objects, "before": schema_digest(conn, objects)}

    def ran(self, conn: Connection, fingerprint: Mapping[str, Any]) -> bool:
        objects = fingerprint.get("objects") or ()
        return schema_digest(conn, objects) != fingerprint.get("before")

    def inverse(self, statement: str, dialect: str) -> str | None:
        return inverse_of(statement, dialect)
