"""Database fixtures: a fresh, empty database per test on SQLite, PostgreSQL and MariaDB/MySQL.

Server URLs come from GITMIGRATE_TEST_POSTGRES_URL / GITMIGRATE_TEST_MYSQL_URL. Without them the
server tests skip, unless GITMIGRATE_REQUIRE_SERVERS=1 (CI), where a silent skip would hide a gap.
"""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
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
        if dialect == "postgresql":
            _DROPPER.drop(admin, name)
        else:
            with admin.connect() as conn:
                _kill_mysql_sessions(conn, name)
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            admin.dispose()


class _Dropper:
    """Drops finished PostgreSQL test databases on a background thread, in order.

    DROP DATABASE waits for a checkpoint (~0.2 s, more under load), ~1,000 times a run; the
    next test need not wait for the last one's cleanup. WITH (FORCE) ends the sessions a test
    left open. At most a few drops wait in the queue (put() blocks beyond), so databases do not
    pile up; the session's end (pytest_sessionfinish, else atexit) waits for all of them, and a
    drop that failed fails the run there, naming the database.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Engine, str]] = queue.Queue(maxsize=4)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.failures: list[str] = []

    def drop(self, admin: Engine, name: str) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="drop-test-dbs", daemon=True)
                self._thread.start()
        self._queue.put((admin, name))

    def _run(self) -> None:
        while True:
            admin, name = self._queue.get()
            try:
                with admin.connect() as conn:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            except Exception as exc:  # reported when the session ends
                self.failures.append(f"cannot drop test database {name}: {exc}")
            finally:
                admin.dispose()
                self._queue.task_done()

    def wait(self) -> list[str]:
        """Block until every queued database is dropped; the failures so far."""
        self._queue.join()
        return self.failures


_DROPPER = _Dropper()
atexit.register(_DROPPER.wait)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    failures = _DROPPER.wait()
    if failures:
        print("\n".join(failures), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
