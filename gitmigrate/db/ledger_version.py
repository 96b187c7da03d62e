"""The ledger's schema version, shared by the ledger table and the ledger file of tree targets.

A ledger written by a newer git-migrate may hold statuses or columns this one does not know; it
is refused with the version to install instead of being misread. An older ledger is upgraded in
place by `apply` (each step below, in order) and the caller records a `ledger_upgraded` event.
New statuses and columns come in only through a new version here, never as silent shape changes.

Version 1: the ledger table as first shipped, without a version record (none is read as 1).
Version 2: the version is recorded (table `gitmigrate_meta`, or `"version"` in a ledger file);
           the statuses `skipped` (an irreversible step rolled back with --force: its effects
           stay, apply does not run it again unasked) and `abandoned` (`repair --abandon`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Connection, MetaData, String, Table, Text, insert, select, update

from gitmigrate import __version__
from gitmigrate.db.home import has_table, qualified
from gitmigrate.errors import CorruptMetadataError, LedgerVersionError

LEDGER_VERSION = 2
META_TABLE = "gitmigrate_meta"
_V1_STATUSES = ("running", "applied", "failed", "rolled_back", "needs_attention")
STATUSES_BY_VERSION: dict[int, tuple[str, ...]] = {
    1: _V1_STATUSES,
    2: (*_V1_STATUSES, "skipped", "abandoned"),
}
STATUSES = STATUSES_BY_VERSION[LEDGER_VERSION]
_VERSION_KEY = "ledger_version"
_WRITER_KEY = "ledger_written_by"

meta_metadata = MetaData()
meta_table = Table(
    META_TABLE,
    meta_metadata,
    Column("name", String(255), primary_key=True),
    Column("value", Text, nullable=False),
)


@dataclass(frozen=True)
class LedgerUpgrade:
    """An older ledger brought to the current version (recorded as a run event)."""

    from_version: int
    to_version: int


def check_readable(version: int, writer: str | None, where: str) -> None:
    """Refuse a ledger newer than this tool, naming the git-migrate version that wrote it."""
    if version <= LEDGER_VERSION:
        return
    wanted = f"git-migrate {writer} or later" if writer else "a newer git-migrate"
    raise LedgerVersionError(
        f"the ledger in {where} has version {version}, written by"
        f" {f'git-migrate {writer}' if writer else 'a newer git-migrate'}; this git-migrate"
        f" ({__version__}) reads ledger versions up to {LEDGER_VERSION}",
        f"install {wanted} (pip install 'git-migrate>={writer}')"
        if writer
        else f"install {wanted}",
        version=version,
        required=writer,
    )


def require_status_allowed(status: str, version: int) -> None:
    """A status the ledger's version does not know would be garbage to an older reader."""
    if status not in STATUSES_BY_VERSION.get(version, STATUSES):
        raise ValueError(
            f"ledger status {status!r} needs ledger version {LEDGER_VERSION}"
            f" (this ledger is version {version}); run `git migrate apply` to upgrade it first"
        )


# --- the ledger table's version record ------------------------------------------------------


def read_table_version(conn: Connection) -> tuple[int | None, str | None]:
    """(version, the git-migrate that wrote it); version None when nothing is recorded
    (a version-1 table, or no ledger at all)."""
    if not has_table(conn, META_TABLE):
        return (None, None)
    table = qualified(meta_table, conn)
    found = dict(
        conn.execute(
            select(table.c.name, table.c.value).where(table.c.name.in_([_VERSION_KEY, _WRITER_KEY]))
        ).all()
    )
    raw = found.get(_VERSION_KEY)
    if raw is None:
        return (None, None)
    try:
        return (int(raw), found.get(_WRITER_KEY))
    except ValueError:
        raise CorruptMetadataError(
            f"{META_TABLE} holds a ledger version that is not a number: {raw!r}",
            f"the table was edited by hand; set {_VERSION_KEY} back to {LEDGER_VERSION}",
        ) from None


def table_version(conn: Connection, has_ledger: bool) -> int:
    """The ledger table's version, refusing a newer one."""
    version, writer = read_table_version(conn)
    if version is None:
        return 1 if has_ledger else LEDGER_VERSION
    check_readable(version, writer, f"table {META_TABLE}")
    return version


def upgrade_table(conn: Connection, had_rows: bool) -> LedgerUpgrade | None:
    """Bring the ledger table to LEDGER_VERSION; the caller created the tables and holds the
    lock. Returns the upgrade done, None when the ledger was current or new."""
    qualified(meta_table, conn).create(conn, checkfirst=True)
    version, writer = read_table_version(conn)
    if version is not None:
        check_readable(version, writer, f"table {META_TABLE}")
    if version == LEDGER_VERSION:
        return None
    start = version if version is not None else (1 if had_rows else LEDGER_VERSION)
    current = start
    while current < LEDGER_VERSION:
        _TABLE_STEPS[current](conn)
        current += 1
    _write(conn, _VERSION_KEY, str(LEDGER_VERSION), exists=version is not None)
    _write(conn, _WRITER_KEY, __version__, exists=writer is not None)
    return LedgerUpgrade(start, LEDGER_VERSION) if start < LEDGER_VERSION else None


def _write(conn: Connection, name: str, value: str, *, exists: bool) -> None:
    table = qualified(meta_table, conn)
    if exists:
        conn.execute(update(table).where(table.c.name == name).values(value=value))
    else:
        conn.execute(insert(table).values(name=name, value=value))


def _table_1_to_2(conn: Connection) -> None:
    """Version 2 changes no column: it records the version and allows two more statuses
    (checked in Python; the status column is free text)."""


_TABLE_STEPS = {1: _table_1_to_2}


# --- a ledger file's version (tree targets) ---------------------------------------------------


def upgrade_document(document: dict[str, object]) -> LedgerUpgrade | None:
    """Bring a ledger file's parsed document to LEDGER_VERSION in place."""
    raw = document.get("version", 1)
    start = raw if isinstance(raw, int) else 1
    if start >= LEDGER_VERSION:
        return None
    document["version"] = LEDGER_VERSION
    document["written_by"] = __version__
    return LedgerUpgrade(start, LEDGER_VERSION)
