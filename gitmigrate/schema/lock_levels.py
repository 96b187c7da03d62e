"""The lock a statement takes, per dialect: what a reviewer needs to judge whether traffic
queues behind the step. Coarse on purpose (the operation, not every ALTER sub-form)."""

from __future__ import annotations

_PG = {
    "ALTER TABLE": "ACCESS EXCLUSIVE (blocks reads and writes)",
    "DROP TABLE": "ACCESS EXCLUSIVE (blocks reads and writes)",
    "TRUNCATE": "ACCESS EXCLUSIVE (blocks reads and writes)",
    "DROP INDEX": "ACCESS EXCLUSIVE on the table (blocks reads and writes)",
    "CREATE INDEX": "SHARE (blocks writes)",
    "CREATE UNIQUE INDEX": "SHARE (blocks writes)",
    "INSERT": "ROW EXCLUSIVE (row locks)",
    "UPDATE": "ROW EXCLUSIVE (row locks)",
    "DELETE": "ROW EXCLUSIVE (row locks)",
    "MERGE": "ROW EXCLUSIVE (row locks)",
    "SELECT": "ACCESS SHARE",
    "CREATE TABLE": "none on existing tables",
    "CREATE VIEW": "none on existing tables",
}
_MYSQL = {
    "ALTER TABLE": "exclusive metadata lock at start and end (online DDL where the change allows)",
    "DROP TABLE": "exclusive metadata lock",
    "TRUNCATE": "exclusive metadata lock",
    "DROP INDEX": "metadata lock (online)",
    "CREATE INDEX": "metadata lock (online, allows reads and writes)",
    "CREATE UNIQUE INDEX": "metadata lock (online, allows reads and writes)",
    "INSERT": "row locks",
    "UPDATE": "row locks",
    "DELETE": "row locks",
    "SELECT": "none (consistent read)",
    "CREATE TABLE": "none on existing tables",
}


def lock_level(operation: str, dialect: str, *, concurrently: bool = False) -> str:
    """The lock `operation` (as `sql.classify` names it) takes on `dialect`."""
    op = operation.upper()
    if op.startswith("DATA"):
        op = "UPDATE"
    if dialect == "sqlite":
        if op == "SELECT":
            return "shared lock on the database file"
        return "write lock on the whole database file"
    if dialect == "postgresql" and concurrently and op.endswith("INDEX"):
        return "SHARE UPDATE EXCLUSIVE (CONCURRENTLY: reads and writes continue)"
    table = _PG if dialect == "postgresql" else _MYSQL
    if op in table:
        return table[op]
    if op.startswith(("CREATE", "DROP", "ALTER")):
        return "ACCESS EXCLUSIVE on the object" if dialect == "postgresql" else "metadata lock"
    return "none"


def blocking(level: str) -> bool:
    """Whether reads or writes of other sessions wait behind this lock."""
    upper = level.upper()
    return (
        upper.startswith(("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE ("))
        or upper == "SHARE"
        or upper.startswith(("WRITE LOCK", "EXCLUSIVE METADATA"))
    )
