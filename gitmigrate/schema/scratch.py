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
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.url import dialect_name, redact_url
from gitmigrate.errors import TargetError, UsageError
from gitmigrate.schema.load_order import Pending, run_in_rounds
from gitmigrate.sql.dialects import normalize_dialect
from gitmigrate.sql.parse import split_statements

SCRATCH_PREFIX = "gm_scratch_"
# a scratch database has no readers to protect: build indexes inside the script's transaction
_PG_CONCURRENTLY = re.compile(
    r"^(\s*(?:CREATE\s+(?:UNIQUE\s+)?|DROP\s+)INDEX)\s+CONCURRENTLY\b", re.I
)
# pg_dump (since 17.6/16.10/15.14/14.19/13.22) fences its output with these psql meta-commands;
# they guard psql against a malicious dump and mean nothing to the schema
_PSQL_RESTRICT = re.compile(r"^\\(?:un)?restrict[ \t]+\S+[ \t]*$", re.M)


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


def load_sql(url: str, sql: str, *, origin: str = "<sql>", reorder: bool = True) -> None:
    """Run a DDL script statement by statement; PostgreSQL and SQLite in one transaction.

    With `reorder`, a statement refused because an object it needs is created further down is
    retried after the others, round after round (see load_order.py); without it (replaying
    migration steps, which run as written) the first refusal is the error."""
    dialect = dialect_name(url)
    if dialect == "postgresql":
        sql = _PSQL_RESTRICT.sub("", sql)
    statements = [Pending(s.text, s.line, i) for i, s in enumerate(split_statements(sql, dialect))]
    if dialect == "postgresql":
        statements = [replace(s, text=_PG_CONCURRENTLY.sub(r"\1", s.text)) for s in statements]
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            refusal = run_in_rounds(conn, dialect, statements, reorder=reorder)
    except DBAPIError as exc:  # a session statement replayed before a retry failed
        raise SchemaLoadError(origin, None, _first_line(exc)) from exc
    finally:
        engine.dispose()
    if refusal is not None:
        raise SchemaLoadError(origin, refusal.line, refusal.detail)
