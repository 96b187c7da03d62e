"""Server locks for one git-migrate run: the session lock (PostgreSQL advisory lock, MariaDB
GET_LOCK) on a direct connection, or the lease row of gitmigrate_lock behind a pooler; both claim
the lock row's epoch, the fencing token the ledger checks (lockrow.py). See locks.py."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError

from gitmigrate.db import lockrow
from gitmigrate.db.home import LEDGER_TABLE, has_table
from gitmigrate.db.lockrow import LEASE, SESSION, LockHandle
from gitmigrate.db.url import redact_url
from gitmigrate.errors import ConfigError, LockTimeoutError, TargetError

POLL_INTERVAL_S = 0.2
DEFAULT_LEASE_S = 30.0
_MYSQL_LOCK_NAME_MAX = 64


def lease_seconds() -> float:
    raw = os.environ.get("GITMIGRATE_LOCK_LEASE", "")
    try:
        lease = float(raw) if raw else DEFAULT_LEASE_S
    except ValueError:
        lease = -1.0
    if not lease > 0:
        raise ConfigError(
            f"GITMIGRATE_LOCK_LEASE must be a number of seconds > 0, not {raw!r}",
            f"unset it for the default ({DEFAULT_LEASE_S:g} s)",
        )
    return lease


def poll(
    try_acquire: Callable[[], bool], timeout: float, where: str, holder: Callable[[], str]
) -> None:
    """Try now, then every POLL_INTERVAL_S until `timeout`; raise with the holder description.

    Between tries the waiter holds no transaction (its connection autocommits), so it never
    keeps a snapshot that CREATE INDEX CONCURRENTLY in the holder would wait for."""
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


# --- server locks: held by a dedicated AUTOCOMMIT session for the duration --------------------


class PostgresLock:
    """pg_try_advisory_lock on a 64-bit key hashed from the name (scoped to the database)."""

    def __init__(self, name: str) -> None:
        digest = hashlib.sha256(name.encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)
        self.name_for_row = name

    def acquire(self, conn: Connection) -> bool:
        return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())

    def release(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})

    @property
    def free_params(self) -> dict[str, object]:
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        return {"lock_hi": unsigned >> 32, "lock_lo": unsigned & 0xFFFFFFFF}

    free_sql = (
        "NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database"
        " WHERE datname = current_database())"
        " AND l.classid::bigint = :lock_hi AND l.objid::bigint = :lock_lo)"
    )

    def behind_pooler(self, conn: Connection) -> bool:
        """A pooler answers the handshake itself: the backend pid it gave is not the server's."""
        given = getattr(getattr(_dbapi(conn), "info", None), "backend_pid", None)
        actual = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        return given is not None and given != actual

    def holder(self, conn: Connection) -> str:
        row = conn.execute(
            text(
                "SELECT a.pid, a.application_name, a.client_addr, a.usename"
                " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                " AND l.database = (SELECT oid FROM pg_database"
                "                   WHERE datname = current_database())"
                " AND l.classid::bigint = :lock_hi AND l.objid::bigint = :lock_lo"
            ),
            self.free_params,
        ).first()
        if row is None:
            return ""
        pid, app, addr, user = row
        return (
            f"; held by pid {pid} (application_name={app or '?'},"
            f" client_addr={addr or 'local socket'}, user={user})"
        )


class MysqlLock:
    """GET_LOCK is server-wide, so the name carries the database name."""

    def __init__(self, name: str, database: str) -> None:
        full = f"{name}.{database}"
        if len(full) > _MYSQL_LOCK_NAME_MAX:  # MySQL 5.7+ refuses longer names
            full = f"{name[:20]}.{hashlib.sha256(full.encode()).hexdigest()[:40]}"
        self.name = full
        self.name_for_row = name

    def acquire(self, conn: Connection) -> bool:
        got = conn.execute(text("SELECT GET_LOCK(:n, 0)"), {"n": self.name}).scalar()
        return got == 1

    def release(self, conn: Connection) -> None:
        conn.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": self.name})

    @property
    def free_params(self) -> dict[str, object]:
        return {"lock_name": self.name}

    free_sql = "IS_USED_LOCK(:lock_name) IS NULL"

    def behind_pooler(self, conn: Connection) -> bool:
        """A multiplexing proxy answers the handshake itself, with its own connection id."""
        given: Any = getattr(_dbapi(conn), "server_thread_id", None)
        actual = conn.execute(text("SELECT CONNECTION_ID()")).scalar()
        return bool(given) and given[0] != actual

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


ServerLock = PostgresLock | MysqlLock


def _dbapi(conn: Connection) -> Any:
    return conn.connection.dbapi_connection


@contextmanager
def server_lock(
    engine: Engine, timeout: float, lock: ServerLock, mode: str
) -> Iterator[LockHandle]:
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
            pooled = mode == "table" or (mode == "auto" and lock.behind_pooler(conn))
        except DBAPIError as exc:
            raise _lock_error(shown, exc) from exc
        locker = _lease_lock if pooled else _session_lock
        with locker(engine, conn, timeout, lock, shown) as handle:
            lockrow.register(engine, handle)
            try:
                yield handle
            finally:
                lockrow.unregister(engine, handle)
    finally:
        conn.close()


@contextmanager
def _session_lock(
    engine: Engine, conn: Connection, timeout: float, lock: ServerLock, shown: str
) -> Iterator[LockHandle]:
    """The server's session lock; the lock row only carries the epoch (claimed right away where
    git-migrate already left its tables, else by Ledger.ensure, so a dry run on a fresh
    database creates nothing)."""
    handle = LockHandle(lock.name_for_row, SESSION, engine.dialect.name)

    def acquire() -> bool:
        if not lock.acquire(conn):
            return False
        if has_table(conn, lockrow.LOCK_TABLE) or has_table(conn, LEDGER_TABLE):
            lockrow.ensure_lock_table(conn)
            if not lockrow.claim(conn, handle):  # a lease holder (through a pooler) has it
                lock.release(conn)
                return False
        return True

    def holder() -> str:
        return _safe(lambda: lock.holder(conn)) or _safe(
            lambda: lockrow.describe_holder(conn, handle)
        )

    try:
        poll(acquire, timeout, shown, holder)
    except DBAPIError as exc:
        raise _lock_error(shown, exc) from exc
    try:
        yield handle
    finally:
        try:
            lockrow.release(conn, handle)
            lock.release(conn)
        except DBAPIError:
            conn.invalidate()  # closing the session releases the lock on the server


@contextmanager
def _lease_lock(
    engine: Engine, conn: Connection, timeout: float, lock: ServerLock, shown: str
) -> Iterator[LockHandle]:
    """The lock row with a lease, renewed by a heartbeat thread until the block ends."""
    _no_server_side_prepares(engine, conn)
    lease = lease_seconds()
    handle = LockHandle(
        lock.name_for_row, LEASE, engine.dialect.name, lock.free_sql, lock.free_params
    )
    try:
        lockrow.ensure_lock_table(conn)
        poll(
            lambda: lockrow.claim(conn, handle, lease),
            timeout,
            f"{shown} (lock row in {lockrow.LOCK_TABLE}: a connection pooler is in between)",
            lambda: _safe(lambda: lockrow.describe_holder(conn, handle)),
        )
    except DBAPIError as exc:
        raise _lock_error(shown, exc) from exc
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(engine, handle, lease, stop), name="gitmigrate-lock-lease"
    )
    beat.daemon = True
    beat.start()
    try:
        yield handle
    finally:
        stop.set()
        beat.join(timeout=5)
        try:
            lockrow.release(conn, handle)
        except DBAPIError:
            pass  # the lease runs out by itself


def _heartbeat(engine: Engine, handle: LockHandle, lease: float, stop: threading.Event) -> None:
    """Renew the lease every third of it; a refused renewal means another run took over."""
    while not stop.wait(lease / 3):
        try:
            with engine.begin() as conn:
                if not lockrow.renew(conn, handle, lease):
                    handle.lost.set()
                    return
        except DBAPIError:
            continue  # the server or the pooler is away for now; try again next beat


def _no_server_side_prepares(engine: Engine, conn: Connection) -> None:
    """psycopg prepares a statement run 5 times on a connection; behind a transaction pooler
    the next run of it may reach a server connection that never saw the PREPARE."""
    if engine.dialect.name != "postgresql":
        return
    _dbapi(conn).prepare_threshold = None
    if not event.contains(engine, "connect", _unprepared):
        event.listen(engine, "connect", _unprepared)


def _unprepared(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.prepare_threshold = None


def _lock_error(shown: str, exc: DBAPIError) -> TargetError:
    return TargetError(
        f"the migration lock on {shown} could not be taken: {type(exc.orig).__name__}",
        "check the server's logs and the user's privileges, then run again",
    )


def _safe(describe: Callable[[], str]) -> str:
    """Who holds the lock, if the server will tell us (permissions may hide it)."""
    try:
        return describe()
    except DBAPIError:
        return ""
