"""One git-migrate run per target database at a time, across processes and machines.

Each dialect uses a lock the server (or kernel) drops by itself when the holder dies, so a
crashed run never leaves a stale lock behind that someone must clear by hand:
PostgreSQL session advisory locks, MySQL/MariaDB GET_LOCK, and flock(2) for SQLite files.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from gitmigrate.core.errors import LockTimeoutError, TargetError
from gitmigrate.db.url import redact_url

POLL_INTERVAL_S = 0.2
_MYSQL_LOCK_NAME_MAX = 64


@contextmanager
def target_lock(engine: Engine, *, timeout: float, name: str = "gitmigrate") -> Iterator[None]:
    """Hold the target's migration lock for the block; LockTimeoutError after `timeout` s."""
    dialect = engine.dialect.name
    if dialect == "sqlite":
        with _sqlite_lock(engine, timeout):
            yield
    elif dialect == "postgresql":
        with _server_lock(engine, timeout, _PostgresLock(name)):
            yield
    elif dialect in ("mysql", "mariadb"):
        with _server_lock(engine, timeout, _MysqlLock(name, engine.url.database or "")):
            yield
    else:  # pragma: no cover - dialect_name() refuses other URLs earlier
        raise TargetError(f"no lock implementation for dialect {dialect!r}")


def _poll(
    try_acquire: Callable[[], bool], timeout: float, where: str, holder: Callable[[], str]
) -> None:
    """Try now, then every POLL_INTERVAL_S until `timeout`; raise with the holder description."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while not try_acquire():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockTimeoutError(
                f"target is locked by another git-migrate run (waited {timeout:g} s"
                f" for the lock on {where}){holder()}",
                "wait for it, or raise --lock-timeout",
            )
        time.sleep(min(POLL_INTERVAL_S, remaining))


# --- SQLite: flock on a side file, so readers of the database itself are never blocked ---------


@contextmanager
def _sqlite_lock(engine: Engine, timeout: float) -> Iterator[None]:
    database = engine.url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        yield  # a private in-memory database cannot be shared, so nothing to exclude
        return
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    lock_path = Path(f"{database}.gitmigrate-lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise TargetError(
            f"cannot create lock file {lock_path}: {exc.strerror}",
            "check that the database's directory is writable",
        ) from exc

    def try_acquire() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        _poll(try_acquire, timeout, str(lock_path), lambda: _sqlite_holder(lock_path))
        _record_holder(fd)
        yield
    finally:
        os.close(fd)  # closing the descriptor drops the flock


def _sqlite_holder(lock_path: Path) -> str:
    try:
        pid = lock_path.read_text().strip()
    except OSError:
        return ""
    return f"; held by pid {pid}" if pid.isdigit() else ""


def _record_holder(fd: int) -> None:
    """Write our pid into the lock file: a hint for people, never trusted by the code."""
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())


# --- server locks: held by a dedicated AUTOCOMMIT session for the duration --------------------


class _PostgresLock:
    """pg_try_advisory_lock on a 64-bit key hashed from the name (scoped to the database)."""

    def __init__(self, name: str) -> None:
        digest = hashlib.sha256(name.encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)

    def acquire(self, conn: Connection) -> bool:
        return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())

    def release(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})

    def holder(self, conn: Connection) -> str:
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        row = conn.execute(
            text(
                "SELECT a.pid, a.application_name, a.client_addr, a.usename"
                " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                " AND l.database = (SELECT oid FROM pg_database"
                "                   WHERE datname = current_database())"
                " AND l.classid::bigint = :hi AND l.objid::bigint = :lo"
            ),
            {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
        ).first()
        if row is None:
            return ""
        pid, app, addr, user = row
        return (
            f"; held by pid {pid} (application_name={app or '?'},"
            f" client_addr={addr or 'local socket'}, user={user})"
        )


class _MysqlLock:
    """GET_LOCK is server-wide, so the name carries the database name."""

    def __init__(self, name: str, database: str) -> None:
        full = f"{name}.{database}"
        if len(full) > _MYSQL_LOCK_NAME_MAX:  # MySQL 5.7+ refuses longer names
            full = f"{name[:20]}.{hashlib.sha256(full.encode()).hexdigest()[:40]}"
        self.name = full

    def acquire(self, conn: Connection) -> bool:
        got = conn.execute(text("SELECT GET_LOCK(:n, 0)"), {"n": self.name}).scalar()
        return got == 1

    def release(self, conn: Connection) -> None:
        conn.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": self.name})

    def holder(self, conn: Connection) -> str:
        conn_id = conn.execute(text("SELECT IS_USED_LOCK(:n)"), {"n": self.name}).scalar()
        if conn_id is None:
            return ""
        row = conn.execute(
            text("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = :i"),
            {"i": conn_id},
        ).first()
        who = f", user={row[0]}, host={row[1]}" if row is not None else ""
        return f"; held by connection {conn_id}{who} (lock {self.name!r})"


_ServerLock = _PostgresLock | _MysqlLock


@contextmanager
def _server_lock(engine: Engine, timeout: float, lock: _ServerLock) -> Iterator[None]:
    shown = redact_url(engine.url.render_as_string(hide_password=False))
    try:
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    except DBAPIError as exc:
        raise TargetError(
            f"cannot connect to {shown} to take the migration lock",
            "check that the server is running and the URL is right",
        ) from exc
    try:
        try:
            _poll(lambda: lock.acquire(conn), timeout, shown, lambda: _safe_holder(lock, conn))
        except DBAPIError as exc:
            raise TargetError(
                f"the migration lock on {shown} could not be taken: {type(exc.orig).__name__}",
                "check the server's logs and the user's privileges, then run again",
            ) from exc
        try:
            yield
        finally:
            try:
                lock.release(conn)
            except DBAPIError:
                conn.invalidate()  # closing the session releases the lock on the server
    finally:
        conn.close()


def _safe_holder(lock: _ServerLock, conn: Connection) -> str:
    """Who holds the lock, if the server will tell us (permissions may hide it)."""
    try:
        return lock.holder(conn)
    except DBAPIError:
        return ""
