"""One git-migrate run per target database at a time, across processes and machines.

Each dialect uses a lock the server (or kernel) drops by itself when the holder dies, so a
crashed run never leaves a stale lock behind that someone must clear by hand:
PostgreSQL session advisory locks, MySQL/MariaDB GET_LOCK, and flock(2) for SQLite files.

A session lock does not survive a pooler that hands each transaction to any server connection
(PgBouncer in transaction mode): there the lock is a row with a renewed lease (lockrow.py).
The pooler is detected, not configured: it answers the connection handshake itself, so the
backend id the driver was given differs from the one the server reports. GITMIGRATE_LOCK
(auto | session | table) overrides the choice and GITMIGRATE_LOCK_LEASE (seconds, default 30)
sets the lease. Server locks also claim the lock row's epoch, the fencing token every ledger
write of the run checks (lockrow.fence).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from gitmigrate.db.lockrow import LockHandle, LockLostError
from gitmigrate.db.server_lock import MysqlLock, PostgresLock, poll, server_lock
from gitmigrate.errors import ConfigError, TargetError

__all__ = ["LockHandle", "LockLostError", "target_lock"]

_MODES = ("auto", "session", "table")


@contextmanager
def target_lock(
    engine: Engine, *, timeout: float, name: str = "gitmigrate", kind: str | None = None
) -> Iterator[LockHandle | None]:
    """Hold the target's migration lock for the block; LockTimeoutError after `timeout` s.

    `kind`: "session" (advisory lock / GET_LOCK), "table" (the lease row) or "auto" (session
    unless a pooler sits in between); default from GITMIGRATE_LOCK, else "auto"."""
    dialect = engine.dialect.name
    mode = _mode(kind)
    if dialect == "sqlite":
        with _sqlite_lock(engine, timeout):
            yield None
    elif dialect == "postgresql":
        with server_lock(engine, timeout, PostgresLock(name), mode) as handle:
            yield handle
    elif dialect in ("mysql", "mariadb"):
        lock = MysqlLock(name, engine.url.database or "")
        with server_lock(engine, timeout, lock, mode) as handle:
            yield handle
    else:  # pragma: no cover - dialect_name() refuses other URLs earlier
        raise TargetError(f"no lock implementation for dialect {dialect!r}")


def _mode(kind: str | None) -> str:
    mode = (kind or os.environ.get("GITMIGRATE_LOCK") or "auto").strip().lower()
    if mode not in _MODES:
        raise ConfigError(
            f"unknown lock kind {mode!r} (GITMIGRATE_LOCK)", f"use one of {', '.join(_MODES)}"
        )
    return mode


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
        poll(try_acquire, timeout, str(lock_path), lambda: _sqlite_holder(lock_path))
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
