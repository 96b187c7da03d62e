"""Throwaway databases, and loading DDL scripts into them.

A `.sql` desired schema, SQLAlchemy models and the replayed migration steps all become a
schema the same way: executed in a brand-new empty database of the target dialect, then
reflected. SQLite needs nothing (a temp file); PostgreSQL and MariaDB/MySQL need a server, on
which `scratch_database` creates `gm_scratch_<random>` and always drops it afterwards.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.url import dialect_name, redact_url
from gitmigrate.errors import TargetError, UsageError
from gitmigrate.sql.dialects import normalize_dialect
from gitmigrate.sql.parse import split_statements

SCRATCH_PREFIX = "gm_scratch_"
# a scratch database has no readers to protect: build indexes inside the script's transaction
_PG_CONCURRENTLY = re.compile(
    r"^(\s*(?:CREATE\s+(?:UNIQUE\s+)?|DROP\s+)INDEX)\s+CONCURRENTLY\b", re.I
)


class SchemaLoadError(UsageError):
    """A DDL script failed in the scratch database; carries where and the database's words."""

    def __init__(self, origin: str, line: int | None, detail: str) -> None:
        where = f"{origin}:{line}" if line is not None else origin
        super().__init__(
            f"{where}: the database refused the schema: {detail}",
            "fix that statement (a desired schema must be complete: every table it "
            "references must be created in it, in dependency order)",
        )
        self.origin = origin
        self.line = line
        self.detail = detail


@contextmanager
def scratch_database(
    dialect: str, server_url: str | None = None, *, tmp_dir: Path | None = None
) -> Iterator[str]:
    """Yield the URL of a new empty database of `dialect`, dropped on exit (even on error)."""
    dialect = normalize_dialect(dialect)
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="gm-scratch-", dir=tmp_dir) as tmp:
            yield f"sqlite:///{Path(tmp) / 'scratch.db'}"
        return
    if server_url is None:
        raise UsageError(
            f"a scratch {dialect} database needs a server",
            "pass --target NAME or --from/--to a database URL of that server, e.g. "
            "postgresql+psycopg://user@host/db; its account must be allowed to CREATE DATABASE",
        )
    if dialect_name(server_url) != dialect:
        raise UsageError(
            f"server {redact_url(server_url)} is not a {dialect} server",
            f"give the URL of a {dialect} server for the scratch database",
        )
    name = SCRATCH_PREFIX + secrets.token_hex(6)
    admin = create_target_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        quoted = admin.dialect.identifier_preparer.quote(name)
        _admin_exec(admin, f"CREATE DATABASE {quoted}", server_url)
        try:
            yield _with_database(server_url, name)
        finally:
            if dialect == "postgresql":
                _admin_exec(admin, f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", server_url)
            else:
                _admin_exec(admin, f"DROP DATABASE IF EXISTS {quoted}", server_url)
    finally:
        admin.dispose()


def _with_database(server_url: str, name: str) -> str:
    try:
        url = make_url(server_url)
    except ArgumentError as exc:
        raise UsageError(f"cannot parse database URL {redact_url(server_url)}") from exc
    return url.set(database=name).render_as_string(hide_password=False)


def _admin_exec(admin: Engine, sql: str, server_url: str) -> None:
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(sql)
    except DBAPIError as exc:
        raise TargetError(
            f"cannot run `{sql}` on {redact_url(server_url)}: {_first_line(exc)}",
            "the scratch database needs an account allowed to create and drop databases",
        ) from exc


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__


def load_sql(url: str, sql: str, *, origin: str = "<sql>") -> None:
    """Run a DDL script statement by statement; PostgreSQL and SQLite in one transaction."""
    dialect = dialect_name(url)
    statements = split_statements(sql, dialect)
    engine = create_target_engine(url)
    try:
        if dialect == "mysql":  # DDL commits anyway: one statement per transaction
            with engine.connect() as conn:
                for statement in statements:
                    _run(conn, statement.text, statement.line, origin)
                    conn.commit()
        else:
            with engine.begin() as conn:
                for statement in statements:
                    sql_text = statement.text
                    if dialect == "postgresql":
                        sql_text = _PG_CONCURRENTLY.sub(r"\1", sql_text)
                    _run(conn, sql_text, statement.line, origin)
    finally:
        engine.dispose()


def _run(conn: Connection, sql: str, line: int, origin: str) -> None:
    try:
        # no_parameters: a '%' in the DDL (LIKE 'a%') must not go through the driver's formatting
        conn.execution_options(no_parameters=True).exec_driver_sql(sql)
    except DBAPIError as exc:
        raise SchemaLoadError(origin, line, _first_line(exc)) from exc
