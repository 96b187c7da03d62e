"""Run a script's statements in rounds, so a file out of dependency order still loads.

Round one runs every statement in file order. A statement the database refuses because an
object it needs does not exist yet (missing_object.py) is set aside; each later round retries
the set-aside statements in file order, until none is left or a round creates nothing new: then
the earliest statement still refused is the script's error, with its line. Any other error
stops at once.

How a refused statement leaves no trace: PostgreSQL runs each statement inside a SAVEPOINT of
the script's one transaction and rolls back to it; MariaDB/MySQL commit DDL anyway, so every
statement is its own transaction; SQLite undoes a failed statement by itself.

A retried statement runs in the session it was written for: the session statements that came
before it (`SET search_path`, pg_dump's `set_config`, `USE db`) are replayed first, after
PostgreSQL's `RESET ALL` or MySQL's return to the connection's database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from gitmigrate.schema.missing_object import is_missing_object

_SESSION = re.compile(
    r"^\s*(?:SET\s+(?!CONSTRAINTS\b)|RESET\s|USE\s|SELECT\s+(?:pg_catalog\s*\.\s*)?set_config\s*\()",
    re.I,
)


@dataclass(frozen=True)
class Pending:
    """A statement to run: its text, its line in the file and its index (file order)."""

    text: str
    line: int
    index: int


@dataclass(frozen=True)
class Refusal:
    """The statement the database would not run, and its first error line."""

    line: int
    detail: str


def run_in_rounds(
    conn: Connection, dialect: str, statements: list[Pending], *, reorder: bool
) -> Refusal | None:
    """Run `statements`, retrying missing-object refusals in rounds when `reorder`; commit
    when all ran, else roll back (what can be) and return the refusal to report."""
    sessions: dict[int, tuple[Pending, ...]] = {}
    session: list[Pending] = []
    for statement in statements:
        sessions[statement.index] = tuple(session)
        if _SESSION.match(statement.text):
            session.append(statement)
    home = _current_database(conn, dialect)
    pending, retrying = statements, False
    while True:
        left: list[tuple[Pending, Refusal]] = []
        for statement in pending:
            if retrying:
                _restore_session(conn, dialect, sessions[statement.index], home)
            refusal, missing = _attempt(conn, dialect, statement)
            if refusal is None:
                continue
            if not (reorder and missing):
                conn.rollback()
                return refusal
            left.append((statement, refusal))
        if not left:
            conn.commit()
            return None
        if len(left) == len(pending):  # nothing new was created: the earliest refusal stands
            conn.rollback()
            return left[0][1]
        pending, retrying = [statement for statement, _ in left], True


def _attempt(conn: Connection, dialect: str, statement: Pending) -> tuple[Refusal | None, bool]:
    """Run one statement: (None, False) when it ran, else (its refusal, is it a missing object)."""
    try:
        _run_one(conn, dialect, statement.text)
    except DBAPIError as exc:
        if dialect == "mysql":
            conn.rollback()
        return Refusal(statement.line, _first_line(exc)), is_missing_object(exc, dialect)
    return None, False


def _run_one(conn: Connection, dialect: str, sql: str) -> None:
    # no_parameters: a '%' in the DDL (LIKE 'a%') must not go through the driver's formatting
    runner = conn.execution_options(no_parameters=True)
    if dialect == "postgresql":
        with conn.begin_nested():
            runner.exec_driver_sql(sql)
        return
    runner.exec_driver_sql(sql)
    if dialect == "mysql":  # DDL commits anyway: one statement per transaction
        conn.commit()


def _restore_session(
    conn: Connection, dialect: str, replay: tuple[Pending, ...], home: str | None
) -> None:
    if dialect == "postgresql":
        _run_one(conn, dialect, "RESET ALL")
    elif dialect == "mysql" and home is not None:
        quoted = conn.dialect.identifier_preparer.quote(home)
        _run_one(conn, dialect, f"USE {quoted}")
    for statement in replay:
        _run_one(conn, dialect, statement.text)


def _current_database(conn: Connection, dialect: str) -> str | None:
    if dialect != "mysql":
        return None
    found = conn.exec_driver_sql("SELECT DATABASE()").scalar()
    return str(found) if found is not None else None


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__
