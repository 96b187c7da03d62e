"""The run ledger inside the target database: the authoritative record of what is applied there.

It lives in the target so that it commits or rolls back in the same transaction as the step's own
SQL, wherever the dialect allows; every method therefore takes the caller's Connection.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Dialect,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator, TypeEngine

from gitmigrate.db import lockrow
from gitmigrate.db.home import LEDGER_TABLE as HOME_LEDGER_TABLE
from gitmigrate.db.home import has_table, qualified
from gitmigrate.db.ledger_version import (
    LEDGER_VERSION,
    STATUSES,
    LedgerUpgrade,
    require_status_allowed,
    table_version,
    upgrade_table,
)
from gitmigrate.db.lockrow import LockLostError
from gitmigrate.errors import CorruptMetadataError

__all__ = [
    "LEDGER_TABLE",
    "LEDGER_VERSION",
    "STATUSES",
    "Ledger",
    "LedgerRow",
    "LedgerUpgrade",
    "LockLostError",
]

LEDGER_TABLE = HOME_LEDGER_TABLE
_HINT = (
    f"the ledger table {LEDGER_TABLE} was edited by hand; "
    "restore the row or run `git migrate verify`"
)


@dataclass(frozen=True)
class LedgerRow:
    step_id: str
    migration: str
    seq: int
    commit: str
    checksum: str
    checksum_algo: str
    status: str
    statements_done: int
    checkpoint: dict[str, Any] | None
    started_at: datetime | None
    finished_at: datetime | None
    applied_by: str
    host: str
    run_id: str
    error: str | None
    duration_ms: int | None


_FIELDS = tuple(f.name for f in dataclasses.fields(LedgerRow))
_REQUIRED = (
    "migration",
    "seq",
    "commit",
    "checksum",
    "checksum_algo",
    "applied_by",
    "host",
    "run_id",
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python on every dialect, although only PostgreSQL stores a zone:
    MySQL and SQLite keep naive UTC (MySQL with microseconds, its default drops them)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# MySQL's TEXT stops at 64 KiB: checkpoints and error messages may be longer
_LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

metadata = MetaData()
ledger_table = Table(
    LEDGER_TABLE,
    metadata,
    Column("step_id", String(255), primary_key=True),
    Column("migration", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("commit", Text, nullable=False),
    Column("checksum", Text, nullable=False),
    Column("checksum_algo", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("statements_done", Integer, nullable=False),
    Column("checkpoint", _LongText, nullable=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("applied_by", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("run_id", Text, nullable=False),
    Column("error", _LongText, nullable=True),
    Column("duration_ms", BigInteger, nullable=True),
)


class Ledger:
    """Reads and writes ledger rows; the caller owns the transaction (and the target lock).

    Fencing: while this process holds the target lock on the same engine (db/locks.py), every
    write first checks, in the caller's transaction, that the lock's epoch is still the one
    this run claimed, and raises LockLostError if another run took the lock over since.

    Versioned (db/ledger_version.py): reading a ledger newer than this tool raises
    LedgerVersionError; `ensure` upgrades an older one and calls `on_upgrade` once, so the
    caller records the event in the run notes."""

    table = ledger_table  # unqualified: each statement names it in the target's home schema

    def __init__(
        self, engine: Engine, on_upgrade: Callable[[LedgerUpgrade], None] | None = None
    ) -> None:
        self.engine = engine
        self.on_upgrade = on_upgrade
        self._version: int | None = None  # known once ensure() or rows() has read it

    def ensure(self, conn: Connection) -> LedgerUpgrade | None:
        """Create the ledger, or upgrade an older one in place; returns the upgrade done."""
        if self._version == LEDGER_VERSION:  # read or written already by this object
            _table(conn).create(conn, checkfirst=True)
            self._claim_epoch(conn)
            return None
        had = self.exists(conn)
        table = _table(conn)
        had_rows = had and conn.execute(select(table.c.step_id).limit(1)).first() is not None
        _table(conn).create(conn, checkfirst=True)
        self._claim_epoch(conn)
        if had:
            self.fence(conn)
        upgrade = upgrade_table(conn, had_rows)
        self._version = LEDGER_VERSION
        if upgrade is not None and self.on_upgrade is not None:
            self.on_upgrade(upgrade)
        return upgrade

    def version(self, conn: Connection) -> int:
        """The ledger's version (refusing a newer one); a missing ledger is current."""
        if self._version is None:
            self._version = table_version(conn, self.exists(conn))
        return self._version

    def _claim_epoch(self, conn: Connection) -> None:
        handle = self.lock
        if handle is not None and handle.epoch is None and handle.dialect != "sqlite":
            # the lock was taken on a database without git-migrate tables: claim the epoch now
            lockrow.ensure_lock_table(conn)
            if not lockrow.claim(conn, handle):
                raise LockLostError(
                    f"another run holds the lock row {handle.name!r} in {lockrow.LOCK_TABLE}"
                    " (through a connection pooler) although this run holds the session lock",
                    "let that run finish, then run the command again",
                )

    @property
    def lock(self) -> lockrow.LockHandle | None:
        """The lock this process holds on the ledger's engine, if any (its fencing token)."""
        return lockrow.held_lock(self.engine)

    def fence(self, conn: Connection) -> None:
        """Raise LockLostError unless this run still holds the lock it claimed."""
        lockrow.fence(conn, self.lock)

    def exists(self, conn: Connection) -> bool:
        return has_table(conn, LEDGER_TABLE)

    def rows(self, conn: Connection | None = None) -> dict[str, LedgerRow]:
        if conn is None:
            with self.engine.connect() as own:
                return self.rows(own)
        if not self.exists(conn):
            return {}
        self._version = table_version(conn, True)
        table = _table(conn)
        result = conn.execute(select(table).order_by(table.c.step_id))
        # fetch everything before judging a row: a corrupt-row error raised mid-iteration would
        # keep the cursor (and on SQLite its read lock) alive as long as the exception lives
        mappings = result.mappings().all()
        return {r.step_id: r for r in (_from_db(dict(m)) for m in mappings)}

    def get(self, conn: Connection, step_id: str) -> LedgerRow | None:
        if not self.exists(conn):
            return None
        table = _table(conn)
        found = conn.execute(select(table).where(table.c.step_id == step_id))
        mapping = found.mappings().first()
        return None if mapping is None else _from_db(dict(mapping))

    def upsert(self, conn: Connection, row: LedgerRow) -> None:
        values = _to_db(dataclasses.asdict(row))
        require_status_allowed(row.status, self.version(conn))
        self.fence(conn)
        table = _table(conn)
        present = conn.execute(
            select(table.c.step_id).where(table.c.step_id == row.step_id)
        ).first()
        if present is None:
            conn.execute(insert(table).values(values))
        else:
            del values["step_id"]
            conn.execute(update(table).where(table.c.step_id == row.step_id).values(values))

    def update(self, conn: Connection, step_id: str, **fields: Any) -> None:
        unknown = sorted(name for name in fields if name not in _FIELDS or name == "step_id")
        if unknown:
            raise ValueError(f"cannot update ledger column(s) {', '.join(unknown)}")
        if not fields:
            return
        if "status" in fields:
            require_status_allowed(str(fields["status"]), self.version(conn))
        self.fence(conn)
        table = _table(conn)
        result = conn.execute(
            update(table).where(table.c.step_id == step_id).values(_to_db(fields))
        )
        if result.rowcount == 0:
            raise CorruptMetadataError(
                f"the ledger has no row for step {step_id!r} although this run recorded it",
                _HINT,
            )

    def delete(self, conn: Connection, step_id: str) -> None:
        self.fence(conn)
        table = _table(conn)
        conn.execute(delete(table).where(table.c.step_id == step_id))


def _table(conn: Connection) -> Table:
    """The ledger table named in the target's home schema (db/home.py): a step that changed
    the session's search path or default database cannot hide it."""
    return qualified(ledger_table, conn)


def _to_db(values: dict[str, Any]) -> dict[str, Any]:
    """Python values -> column values; refuses what the reader would call corrupt."""
    out = dict(values)
    if "status" in out and out["status"] not in STATUSES:
        raise ValueError(f"ledger status must be one of {STATUSES}, not {out['status']!r}")
    if "checkpoint" in out and out["checkpoint"] is not None:
        out["checkpoint"] = json.dumps(out["checkpoint"], sort_keys=True, separators=(",", ":"))
    return out


def _from_db(values: dict[str, Any]) -> LedgerRow:
    """Column values -> LedgerRow, refusing rows that no git-migrate run could have written."""
    step_id = str(values.get("step_id"))

    def corrupt(column: str, detail: str) -> CorruptMetadataError:
        return CorruptMetadataError(
            f"ledger row for step {step_id!r} is corrupt: column {column} {detail}", _HINT
        )

    for column in _REQUIRED:
        if values.get(column) is None:
            raise corrupt(column, "is NULL")
    if values.get("status") not in STATUSES:
        raise corrupt("status", f"has unknown value {values.get('status')!r}")
    done = values.get("statements_done")
    if not isinstance(done, int) or done < 0:
        raise corrupt("statements_done", f"must be a count >= 0, not {done!r}")
    raw = values.get("checkpoint")
    if raw is not None:
        try:
            checkpoint = json.loads(raw)
        except (TypeError, ValueError):
            raise corrupt("checkpoint", f"is not valid JSON: {str(raw)[:60]!r}") from None
        if not isinstance(checkpoint, dict):
            raise corrupt("checkpoint", "is JSON but not an object")
        values["checkpoint"] = checkpoint
    duration = values.get("duration_ms")
    if duration is not None and duration < 0:
        raise corrupt("duration_ms", f"is negative ({duration})")
    fields: dict[str, Any] = {name: values.get(name) for name in _FIELDS}
    return LedgerRow(**fields)
