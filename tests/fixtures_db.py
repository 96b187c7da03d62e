"""Database fixtures: a fresh, empty database per test on SQLite, PostgreSQL and MariaDB/MySQL.

Server URLs come from GITMIGRATE_TEST_POSTGRES_URL / GITMIGRATE_TEST_MYSQL_URL. Without them the
server tests skip, unless GITMIGRATE_REQUIRE_SERVERS=1 (CI), where a silent skip would hide a gap.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

SERVER_ENV = {
    "postgresql": "GITMIGRATE_TEST_POSTGRES_URL",
    "mysql": "GITMIGRATE_TEST_MYSQL_URL",
}
DIALECTS = ("sqlite", "postgresql", "mysql")


def server_url(dialect: str) -> str:
    """The server URL for `dialect`, or skip/fail the test saying which variable to set."""
    variable = SERVER_ENV[dialect]
    url = os.environ.get(variable)
    if url:
        return url
    message = f"{dialect} tests need a server: set {variable} (e.g. {_EXAMPLES[dialect]})"
    if os.environ.get("GITMIGRATE_REQUIRE_SERVERS") == "1":
        pytest.fail(f"GITMIGRATE_REQUIRE_SERVERS=1 but {variable} is unset; {message}")
    pytest.skip(message)


_EXAMPLES = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/test",
}


@contextmanager
def fresh_database_url(dialect: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new empty database, dropped afterwards (SQLite: a file in tmp_path)."""
    name = f"gm_test_{uuid.uuid4().hex[:12]}"
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / (name + '.db')}"
        return
    if dialect not in SERVER_ENV:
        raise ValueError(f"unknown dialect {dialect!r}; use one of {DIALECTS}")
    url = make_url(server_url(dialect))
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:  # a configured but unreachable server is a failure, not a skip
        admin.dispose()
        pytest.fail(f"cannot create a test database on {SERVER_ENV[dialect]}: {exc}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if dialect == "postgresql":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                _kill_mysql_sessions(conn, name)
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def _kill_mysql_sessions(conn: Connection, name: str) -> None:
    """Sessions left open by a test (e.g. a killed lock holder) would block DROP DATABASE."""
    ids = conn.execute(
        text(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = :db AND ID <> CONNECTION_ID()"
        ),
        {"db": name},
    ).scalars()
    for session_id in list(ids):
        try:
            conn.execute(text(f"KILL {int(session_id)}"))
        except Exception:  # already gone
            pass


_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]


@pytest.fixture(params=_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database on each dialect in turn."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url("postgresql", tmp_path) as url:
        yield url


@pytest.fixture
def mysql_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url("mysql", tmp_path) as url:
        yield url
