"""The ledger rows run.sh writes, as SQL text: the same table (`gitmigrate_ledger`, created
with the engine's own DDL) and the same values the engine writes for an applied or rolled-back
step, so `git migrate apply`, `status` and `rollback` accept what run.sh did.

`@GM_USER@`, `@GM_HOST@` and `@GM_RUN@` are filled in by run.sh with sanitised values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateTable

from gitmigrate.artifacts.model import StepFacts
from gitmigrate.core.checksum import ALGORITHM
from gitmigrate.db.ledger import LEDGER_TABLE, ledger_table
from gitmigrate.schema.render import quote

_SAFE = re.compile(r"^[A-Za-z0-9._/:@+-]*$")
_NOW = {"sqlite": "CURRENT_TIMESTAMP", "postgresql": "now()", "mysql": "UTC_TIMESTAMP(6)"}
_COLUMNS = ("step_id", "migration", "seq", "commit", "checksum", "checksum_algo", "status",
            "statements_done", "checkpoint", "started_at", "finished_at", "applied_by", "host",
            "run_id", "error", "duration_ms")  # fmt: skip


def literal(value: str) -> str:
    """A string literal for run.sh's SQL: only the safe characters step ids, commits and
    checksums consist of, so no quoting rule of any dialect or of the shell is involved."""
    if not _SAFE.match(value):
        raise ValueError(f"unexpected characters in a ledger value: {value!r}")
    return f"'{value}'"


def ledger_ddl(dialect: str) -> str:
    ddl = CreateTable(ledger_table, if_not_exists=True).compile(dialect=_sa_dialect(dialect))
    return "\n".join(line.rstrip() for line in str(ddl).strip().splitlines()) + ";\n"


def state_query(step_id: str) -> str:
    """Status and checksum of a step's row: plain names (none is reserved anywhere) and a safe
    literal, so the query sits in a double-quoted shell string without any escaping."""
    return f"SELECT status, checksum FROM {LEDGER_TABLE} WHERE step_id = {literal(step_id)}"


def record_applied(facts: StepFacts, statements: int, dialect: str) -> str:
    step = facts.step
    q = _q(dialect)
    now = _NOW[dialect]
    values = [literal(step.id), literal(step.migration), str(step.seq), literal(step.commit or ""),
              literal(step.checksum), literal(ALGORITHM), "'applied'", str(statements), "NULL",
              now, now, "'@GM_USER@'", "'@GM_HOST@'", "'@GM_RUN@'", "NULL", "NULL"]  # fmt: skip
    return (
        f"DELETE FROM {q(LEDGER_TABLE)} WHERE {q('step_id')} = {literal(step.id)};\n"
        f"INSERT INTO {q(LEDGER_TABLE)} ({', '.join(q(c) for c in _COLUMNS)})\n"
        f"VALUES ({', '.join(values)});\n"
    )


def record_rolled_back(facts: StepFacts, dialect: str) -> str:
    q = _q(dialect)
    return (
        f"UPDATE {q(LEDGER_TABLE)} SET {q('status')} = 'rolled_back',"
        f" {q('finished_at')} = {_NOW[dialect]}, {q('error')} = NULL, {q('run_id')} = '@GM_RUN@'"
        f" WHERE {q('step_id')} = {literal(facts.step.id)};\n"
    )


def _q(dialect: str) -> Callable[[str], str]:
    return lambda name: quote(name, dialect)


def _sa_dialect(dialect: str) -> Dialect:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    factories: dict[str, Callable[[], Dialect]] = {
        "sqlite": sqlite.dialect,
        "postgresql": postgresql.dialect,
        "mysql": mysql.dialect,
    }
    return factories[dialect]()
