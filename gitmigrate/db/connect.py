"""Engines for target databases, configured for migrations rather than for an application.

Migrations want transactional DDL wherever the database has it (SQLite does, but pysqlite hides
it), few connections, and error messages that name the target without leaking its password.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from gitmigrate.db.url import dialect_name, redact_url
from gitmigrate.db.url import supports_transactional_ddl as supports_transactional_ddl
from gitmigrate.errors import TargetError, UsageError

# What a command may do to a SQLite file: "read" opens an existing file read-only, "write" opens an
# existing file read-write, "create" (apply) creates it and its directory, "preview" (a dry run)
# opens an existing file read-write (its transactions are rolled back). Only "create" makes a
# file: where apply would create one, i.e. for any path in a dry run and for the project's own
# database under `.gitmigrate/` in every command, an empty in-memory database stands in for a
# missing file (status on a fresh project: all pending). Servers ignore it.
Access = Literal["read", "write", "create", "preview"]

APPLICATION_NAME = "git-migrate"
PROJECT_DIR = (
    ".gitmigrate"  # the tool's own files in a project, the default dev database among them
)
SQLITE_BUSY_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 10

# a bare scheme means the driver our extras install (SQLAlchemy's own default is psycopg2/mysqlclient)
_DEFAULT_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
_EXTRAS = {
    "postgresql": ("postgres", "postgresql+psycopg://"),
    "mysql": ("mysql", "mysql+pymysql://"),
}


def create_target_engine(
    url: str, *, base_dir: Path | None = None, access: Access = "create"
) -> Engine:
    """Build an engine for `url`; relative SQLite paths resolve against `base_dir` (the repo).

    Only `access="create"` may create a SQLite file: a mistyped path given to a reading command
    must fail ("no such database"), not leave an empty database behind."""
    dialect = dialect_name(url)
    try:
        sa_url = make_url(url)
    except ArgumentError as exc:
        raise UsageError(
            f"cannot parse database URL {redact_url(url)}",
            "write it as dialect+driver://user:password@host:port/database",
        ) from exc
    sa_url = sa_url.set(drivername=_DEFAULT_DRIVERS.get(sa_url.drivername, sa_url.drivername))
    kwargs: dict[str, Any] = {}
    connect_args: dict[str, Any] = {}
    if dialect == "sqlite":
        sa_url = _resolve_sqlite_path(sa_url, base_dir, access)
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_S
        if not _is_sqlite_memory(sa_url):
            kwargs["poolclass"] = NullPool  # file: a fresh connection is cheap, no stale state
    else:
        kwargs["poolclass"] = NullPool  # a run uses one work connection plus one lock connection
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        if dialect == "postgresql" and "application_name" not in sa_url.query:
            connect_args["application_name"] = APPLICATION_NAME
    try:
        engine = create_engine(sa_url, connect_args=connect_args, **kwargs)
    except ModuleNotFoundError as exc:
        raise _missing_driver(url, dialect, exc) from exc
    except NoSuchModuleError as exc:
        raise UsageError(
            f"unknown database driver in {redact_url(url)}",
            "use sqlite:///..., postgresql+psycopg://... or mysql+pymysql://...",
        ) from exc
    if dialect == "sqlite":
        _enable_sqlite_transactions(engine)
    return engine


def check_connection(engine: Engine, target_name: str) -> None:
    """Connect once so a bad URL fails before any work, with a message saying what to check."""
    shown = redact_url(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except ModuleNotFoundError as exc:
        raise _missing_driver(shown, engine.dialect.name, exc) from exc
    except DBAPIError as exc:
        reason, hint = _classify(exc, engine.url)
        raise TargetError(
            f"cannot connect to target {target_name!r} at {shown}: {reason}", hint
        ) from exc


def _resolve_sqlite_path(sa_url: URL, base_dir: Path | None, access: Access) -> URL:
    """Make a relative file path absolute (against the repo); create its directory only when
    the command may create the database, else require the file and (to read) open it read-only."""
    if _is_sqlite_memory(sa_url) or sa_url.query.get("uri") == "true":
        return sa_url
    path = Path(sa_url.database or "")
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    if access != "create" and not path.exists() and _stands_empty(path, base_dir, access):
        return sa_url.set(database=":memory:")
    if access in ("read", "write"):
        if not path.is_file():
            raise TargetError(
                f"no such database: the SQLite file {path} does not exist",
                "check the path in the URL; only `git migrate apply` creates a SQLite database",
            )
        if access == "write":  # the lock file is named after the plain path: keep it plain
            return sa_url.set(database=str(path))
        # SQLite's URI form with mode=ro never creates the file, even if it vanished meanwhile
        uri = f"file:{quote(str(path), safe='/:')}"
        return sa_url.set(database=uri).update_query_dict({"mode": "ro", "uri": "true"})
    if access == "preview":
        return sa_url.set(database=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TargetError(
            f"cannot create the directory of SQLite database {path}: {exc.strerror}",
            "check the path in the URL and the directory's permissions",
        ) from exc
    return sa_url.set(database=str(path))


def _stands_empty(path: Path, base_dir: Path | None, access: Access) -> bool:
    """Whether a missing SQLite file reads as the empty database `apply` would create."""
    if access == "preview":
        return True
    return base_dir is not None and path.is_relative_to(base_dir / PROJECT_DIR)


def _is_sqlite_memory(sa_url: URL) -> bool:
    return sa_url.database in (None, "", ":memory:")


def _enable_sqlite_transactions(engine: Engine) -> None:
    """SQLAlchemy's documented recipe: let SQLAlchemy, not pysqlite, emit BEGIN, so DDL is
    transactional; and make foreign keys mean something."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # stop pysqlite's own implicit BEGIN/COMMIT
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def _missing_driver(url: str, dialect: str, exc: ModuleNotFoundError) -> TargetError:
    extra, scheme = _EXTRAS.get(dialect, (dialect, f"{dialect}://"))
    return TargetError(
        f"the database driver for {redact_url(url)} is not installed (module {exc.name!r})",
        f"pip install 'git-migrate[{extra}]' and write the URL as {scheme}...",
    )


def _classify(exc: DBAPIError, sa_url: URL) -> tuple[str, str]:
    """Turn a driver error into our own words; the driver's text is scrubbed of the password."""
    detail = _scrub(str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "", sa_url)
    low = detail.lower()
    where = f"{sa_url.host or 'localhost'}:{sa_url.port or 'default port'}"
    if "password" in low or "access denied" in low or "authentication" in low:
        return (
            f"authentication failed ({detail})",
            "check the user name and the password (taken from the environment, never from git)",
        )
    if "does not exist" in low or "unknown database" in low:
        return (
            f"database {sa_url.database!r} does not exist ({detail})",
            "check the database name in the URL, or create the database first",
        )
    if "unable to open database" in low:
        return (f"cannot open the database file ({detail})", "check the path and its permissions")
    return (
        f"server unreachable ({detail})",
        f"check that the server is running and accepts connections at {where}",
    )


def _scrub(message: str, sa_url: URL) -> str:
    if sa_url.password:
        message = message.replace(str(sa_url.password), "***")
    return message
