"""A table's UPDATE triggers, which a data step's rollback must not fire again.

Writing the before-images back is an UPDATE, so a `last_update = now()` trigger would stamp
every restored row: the rollback would not be exact. Where the dialect allows it inside the
restoring transaction, the triggers are switched off for it: PostgreSQL `ALTER TABLE … DISABLE
TRIGGER name` (the table's owner needs no superuser), SQLite drops them and creates them again
from their SQL in sqlite_master. Other sessions never see them missing, since the change commits
with the restored chunk. MariaDB has neither without risk (DROP TRIGGER commits by itself), so
there the step's note and `plan` say which columns the rollback cannot restore exactly.

The columns a trigger sets are read from its body (`NEW.col = …`, `SET NEW.col = …`, or an
`UPDATE … SET col = …` inside a SQLite trigger): good enough to name them, not to rely on. The
before-images keep them, so the restore writes them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from gitmigrate.data.keyset import escape_colons
from gitmigrate.data.table import DataTable

_ASSIGN = re.compile(
    r"(?:^|[;(]|\bTHEN\b|\bELSE\b|\bBEGIN\b|\bLOOP\b|\bSET\b|,)\s*NEW\s*\.\s*[\"`]?(\w+)[\"`]?\s*:?=(?!=)",
    re.IGNORECASE,
)
_SQLITE_SET = re.compile(r"\bUPDATE\s+[\"`\[]?(\w+)[\"`\]]?\s+SET\s+(.*?)(?:\bWHERE\b|;|\bEND\b)",
                         re.IGNORECASE | re.DOTALL)  # fmt: skip
_SQLITE_EVENT = re.compile(r"\bUPDATE\b(?:\s+OF\s+.*?)?\s+ON\s", re.IGNORECASE | re.DOTALL)
_BEGIN = re.compile(r"\bBEGIN\b", re.IGNORECASE)


def quote(name: str, dialect: str) -> str:
    return DataTable(name, dialect, (), ()).q(name)


@dataclass(frozen=True)
class UpdateTrigger:
    name: str
    columns: tuple[str, ...]  # what its body sets, as far as it can be read
    sql: str = ""  # SQLite: its CREATE TRIGGER, to create it again
    enabled: bool = True


def update_triggers(conn: Any, dialect: str, table: str) -> list[UpdateTrigger]:
    """The UPDATE triggers of `table` (its real name), by name."""
    if dialect == "sqlite":
        return _sqlite(conn, table)
    if dialect == "postgresql":
        return _postgresql(conn, table)
    if dialect == "mysql":
        return _mysql(conn, table)
    return []


def trigger_columns(triggers: list[UpdateTrigger], columns: tuple[str, ...]) -> tuple[str, ...]:
    """The table's columns the triggers set, in the table's order."""
    named = {c.lower() for t in triggers for c in t.columns}
    return tuple(c for c in columns if c.lower() in named)


def as_record(triggers: list[UpdateTrigger]) -> dict[str, list[str]]:
    """For step.toml, the ledger checkpoint and notes: trigger name -> the columns it sets."""
    return {t.name: list(t.columns) for t in triggers}


def _sqlite(conn: Any, table: str) -> list[UpdateTrigger]:
    rows = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND lower(tbl_name) = lower(:t) ORDER BY name"
        ),
        {"t": table},
    ).all()
    found = []
    for name, sql in rows:
        head, body = (_BEGIN.split(str(sql or ""), maxsplit=1) + [""])[:2]
        if not _SQLITE_EVENT.search(head):
            continue
        columns: list[str] = []
        for target, sets in _SQLITE_SET.findall(body):
            if target.lower() == table.lower():
                columns += [p.split("=")[0].strip().strip('"`[]') for p in _top_level(sets)]
        found.append(UpdateTrigger(str(name), _unique(columns), str(sql)))
    return found


def _postgresql(conn: Any, table: str) -> list[UpdateTrigger]:
    rows = conn.execute(
        text(
            "SELECT t.tgname, p.prosrc, t.tgenabled <> 'D' FROM pg_trigger t"
            " JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE t.tgrelid = to_regclass(:t) AND NOT t.tgisinternal"
            " AND (t.tgtype::int & 16) <> 0 ORDER BY t.tgname"
        ),
        {"t": quote(table, "postgresql")},
    ).all()
    return [
        UpdateTrigger(str(n), _unique(_ASSIGN.findall(str(src or ""))), enabled=bool(on))
        for n, src, on in rows
    ]


def _mysql(conn: Any, table: str) -> list[UpdateTrigger]:
    rows = conn.execute(
        text(
            "SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS"
            " WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = :t"
            " AND EVENT_MANIPULATION = 'UPDATE' ORDER BY TRIGGER_NAME"
        ),
        {"t": table},
    ).all()
    return [UpdateTrigger(str(n), _unique(_ASSIGN.findall(str(body or "")))) for n, body in rows]


def owns_table(conn: Any, table: str) -> bool:
    """PostgreSQL: whether this role may ALTER the table (its owner, a member of the owning
    role, or a superuser), which switching its triggers off needs."""
    owned = conn.execute(
        text(
            "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c"
            " WHERE c.oid = to_regclass(:t)"
        ),
        {"t": quote(table, "postgresql")},
    ).scalar()
    return bool(owned)


def silencing(conn: Any, dialect: str, table: str) -> tuple[list[str], list[str], list[str]]:
    """(statements before a restoring UPDATE, statements after it, triggers left firing):
    run inside the restoring transaction, so the change is never seen outside it."""
    triggers = [t for t in update_triggers(conn, dialect, table) if t.enabled]
    if not triggers:
        return [], [], []
    quoted = quote(table, dialect)
    if dialect == "sqlite":
        off = [f"DROP TRIGGER {quote(t.name, dialect)}" for t in triggers]
        return off, [escape_colons(t.sql) for t in triggers], []
    if dialect == "postgresql" and owns_table(conn, table):
        names = [quote(t.name, dialect) for t in triggers]
        return (
            [f"ALTER TABLE {quoted} DISABLE TRIGGER {n}" for n in names],
            [f"ALTER TABLE {quoted} ENABLE TRIGGER {n}" for n in names],
            [],
        )
    return [], [], [t.name for t in triggers]


def restore_silences(conn: Any, dialect: str, table: str) -> bool:
    """Whether a restore on this connection can keep the table's UPDATE triggers from firing
    (SQLite always; PostgreSQL for the table's owner; MariaDB/MySQL never)."""
    if dialect == "postgresql":
        return owns_table(conn, table)
    return dialect == "sqlite"


def _top_level(sets: str) -> list[str]:
    """`a = f(x, y), b = 1` split at the commas outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in sets:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in (*parts, current) if "=" in p]


def _unique(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return tuple(seen.values())
