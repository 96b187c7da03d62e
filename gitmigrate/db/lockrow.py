"""The lock row: one row per lock name in `gitmigrate_lock`, carrying a fencing token (epoch).

Every run that takes a server lock claims the row, adding 1 to its epoch, and every ledger write
of that run checks in its own transaction that the epoch is still its own (`fence`). So a run
that lost its lock without noticing (its lock session was cut, it was paused past its lease)
has its ledger writes refused with LockLostError once another run took over.

The row is also the lock itself where a session lock cannot work: behind a transaction-pooling
PgBouncer a session advisory lock lands on whichever server connection runs that statement and
stays there. A "lease" holder keeps the row with a deadline in the server's clock (one clock for
every client), renewed by a heartbeat thread; once the deadline passes, a waiter may take it.
A "session" holder (advisory lock / GET_LOCK) keeps the row without a deadline: the row is free
as soon as that session lock is free, which lease waiters check on the server.
"""

from __future__ import annotations

import getpass
import os
import socket
import threading
import uuid
import weakref
from dataclasses import dataclass, field

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Double,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.exc import DBAPIError

from gitmigrate.db.home import has_table, qualified, qualified_name
from gitmigrate.errors import GitMigrateError

LOCK_TABLE = "gitmigrate_lock"
SESSION = "session"
LEASE = "lease"

lock_metadata = MetaData()
lock_table = Table(
    LOCK_TABLE,
    lock_metadata,
    Column("name", String(255), primary_key=True),
    Column("epoch", BigInteger, nullable=False),
    Column("holder", Text, nullable=True),
    Column("kind", String(16), nullable=True),
    Column("acquired_at", Double, nullable=True),  # server clock, seconds since 1970
    Column("expires_at", Double, nullable=True),  # lease holders only
)


class LockLostError(GitMigrateError):
    """This run's lock was taken over by another run: its ledger writes are refused."""


@dataclass
class LockHandle:
    """What a run knows about the lock it holds; `epoch` is None until the row is claimed."""

    name: str
    kind: str  # SESSION or LEASE
    dialect: str
    session_free_sql: str = "1 = 0"  # SQL true when the session lock is free (lease waiters)
    session_free_params: dict[str, object] = field(default_factory=dict)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    epoch: int | None = None
    lost: threading.Event = field(default_factory=threading.Event)

    @property
    def holder(self) -> str:
        return f"{_user()}@{socket.gethostname()} pid {os.getpid()} [{self.token[:8]}]"


# the locks this process holds, per engine: the ledger finds its fencing token here
_HELD: weakref.WeakKeyDictionary[Engine, list[LockHandle]] = weakref.WeakKeyDictionary()


def held_lock(engine: Engine) -> LockHandle | None:
    """The innermost lock this process holds on `engine`, if any."""
    handles = _HELD.get(engine)
    return handles[-1] if handles else None


def register(engine: Engine, handle: LockHandle) -> None:
    _HELD.setdefault(engine, []).append(handle)


def unregister(engine: Engine, handle: LockHandle) -> None:
    handles = _HELD.get(engine, [])
    if handle in handles:
        handles.remove(handle)


def server_now(dialect: str) -> str:
    """Seconds since 1970 by the database server's clock (never the client's)."""
    if dialect == "postgresql":
        return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)"
    if dialect in ("mysql", "mariadb"):
        return "UNIX_TIMESTAMP(NOW(6))"
    return "((julianday('now') - 2440587.5) * 86400.0)"


def ensure_lock_table(conn: Connection) -> None:
    """Create the table; two runs creating it at once is not an error (PostgreSQL may say so).
    Inside a PostgreSQL transaction the attempt is a savepoint, so the caller's work survives."""
    autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    nested = conn.dialect.name == "postgresql" and not autocommit and conn.in_transaction()
    savepoint = conn.begin_nested() if nested else None
    try:
        qualified(lock_table, conn).create(conn, checkfirst=True)
    except DBAPIError:
        if savepoint is not None:
            savepoint.rollback()
        else:
            conn.rollback()
        if not has_table(conn, LOCK_TABLE):
            raise
        return
    if savepoint is not None:
        savepoint.commit()


def lock_table_exists(conn: Connection) -> bool:
    return has_table(conn, LOCK_TABLE)


def claim(conn: Connection, handle: LockHandle, lease: float | None = None) -> bool:
    """Take the row for `handle`, adding 1 to the epoch; False when another run holds it.

    A session holder (it holds the session lock already) takes any row but a live lease; a
    lease holder takes a free row, an expired lease, or a session row whose session lock is
    free. Each statement commits by itself or with the caller's transaction."""
    now = server_now(handle.dialect)
    if handle.kind == SESSION:
        free = f"kind = '{SESSION}' OR expires_at IS NULL OR expires_at < {now}"
        expires = "NULL"
    else:
        free = (
            f"(kind = '{LEASE}' AND expires_at < {now})"
            f" OR (kind = '{SESSION}' AND {handle.session_free_sql})"
        )
        expires = f"{now} + :lease"
    params: dict[str, object] = {
        "name": handle.name,
        "holder": handle.holder,
        "kind": handle.kind,
        "lease": lease or 0.0,
        **handle.session_free_params,
    }
    updated = conn.execute(
        text(
            f"UPDATE {_name(conn)} SET epoch = epoch + 1, holder = :holder, kind = :kind,"
            f" acquired_at = {now}, expires_at = {expires}"
            f" WHERE name = :name AND (holder IS NULL OR {free})"
        ),
        params,
    )
    if updated.rowcount == 0:
        exists = conn.execute(
            text(f"SELECT 1 FROM {_name(conn)} WHERE name = :name"), {"name": handle.name}
        ).first()
        if exists is not None:
            return False
        insert = text(
            f"INSERT INTO {_name(conn)} (name, epoch, holder, kind, acquired_at,"
            f" expires_at) VALUES (:name, 1, :holder, :kind, {now}, {expires})"
        )
        autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        savepoint = None if autocommit else conn.begin_nested()
        try:
            conn.execute(insert, params)
        except DBAPIError:  # another run inserted it first
            if savepoint is not None:
                savepoint.rollback()
            return False
        if savepoint is not None:
            savepoint.commit()
    epoch = conn.execute(
        text(f"SELECT epoch FROM {_name(conn)} WHERE name = :name AND holder = :holder"),
        {"name": handle.name, "holder": handle.holder},
    ).scalar()
    if epoch is None:
        return False
    handle.epoch = int(epoch)
    return True


def renew(conn: Connection, handle: LockHandle, lease: float) -> bool:
    """Push a lease holder's deadline on; False when the row is no longer this run's."""
    now = server_now(handle.dialect)
    result = conn.execute(
        text(
            f"UPDATE {_name(conn)} SET expires_at = {now} + :lease"
            " WHERE name = :name AND epoch = :epoch AND holder = :holder"
        ),
        {"lease": lease, "name": handle.name, "epoch": handle.epoch, "holder": handle.holder},
    )
    return result.rowcount == 1


def release(conn: Connection, handle: LockHandle) -> None:
    """Free the row if it is still this run's (the epoch stays: it only ever grows)."""
    if handle.epoch is None:
        return
    conn.execute(
        text(
            f"UPDATE {_name(conn)} SET holder = NULL, expires_at = NULL"
            " WHERE name = :name AND epoch = :epoch AND holder = :holder"
        ),
        {"name": handle.name, "epoch": handle.epoch, "holder": handle.holder},
    )


def describe_holder(conn: Connection, handle: LockHandle) -> str:
    """Who holds the row and, for a lease, how long until it may be taken."""
    now = server_now(handle.dialect)
    row = conn.execute(
        text(
            f"SELECT holder, kind, expires_at - {now} FROM {_name(conn)}"
            " WHERE name = :name AND holder IS NOT NULL"
        ),
        {"name": handle.name},
    ).first()
    if row is None:
        return ""
    holder, kind, left = row
    if kind == LEASE and left is not None:
        return f"; held by {holder} (lease, free in {max(float(left), 0.0):.0f} s unless renewed)"
    return f"; held by {holder}"


def fence(conn: Connection, handle: LockHandle | None) -> None:
    """Refuse to go on unless `handle`'s epoch is the lock's current one, and keep it current
    until `conn`'s transaction ends (a shared row lock makes a takeover wait for our commit)."""
    if handle is None or handle.epoch is None:
        return
    lock = ""
    if handle.dialect == "postgresql":
        lock = " FOR SHARE"
    elif handle.dialect in ("mysql", "mariadb"):
        lock = " LOCK IN SHARE MODE"
    current = conn.execute(
        text(f"SELECT epoch FROM {_name(conn)} WHERE name = :name{lock}"), {"name": handle.name}
    ).scalar()
    if current is None or int(current) != handle.epoch:
        handle.lost.set()
        raise LockLostError(
            f"this run lost the migration lock {handle.name!r} (its epoch {handle.epoch} is no"
            f" longer current: {current}); another run took over, so this run's ledger write"
            " was refused and it stops",
            "run `git migrate status` to see what the other run did, then run the command again",
        )


def _name(conn: Connection) -> str:
    """The lock table named in the target's home schema (db/home.py), for SQL text: a step that
    changed the session's search path or default database cannot hide it."""
    return qualified_name(conn, LOCK_TABLE)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
