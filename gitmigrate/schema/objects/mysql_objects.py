"""MariaDB/MySQL triggers, stored functions and procedures, and events, read with SHOW CREATE.

The server keeps each definition as its author wrote it; `server_text.mysql_definition` puts it
in normal form (no DEFINER, no comments, one space between tokens), so equal objects compare
equal whoever created them and however they were spaced. Each runs as one statement through
the driver: no DELIMITER is needed.

Names: a trigger is `<table>.<trigger>`; a function is its name; a procedure is
`<name> (procedure)` (a database may hold a function and a procedure of the same name).
On MariaDB a changed function, procedure or event is replaced in place with CREATE OR REPLACE;
a changed trigger is dropped and created again.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.server_text import mysql_definition

_CREATE = re.compile(r"^CREATE\s+", re.IGNORECASE)
# the server writes STARTS '<creation time>' for an EVERY schedule given no STARTS
_STARTS = re.compile(r"\s+STARTS\s+'[^']*'", re.IGNORECASE)
_IMPLICIT_START_SECONDS = 2


def q(name: str) -> str:
    """A MySQL identifier in backticks (a backtick in it doubled)."""
    return "`" + name.replace("`", "``") + "`"


def _database(conn: Connection, schema: str | None) -> str:
    if schema is not None:
        return schema
    return str(conn.exec_driver_sql("SELECT DATABASE()").scalar() or "")


def _prefix(schema: str | None) -> str:
    return f"{q(schema)}." if schema is not None else ""


def _show(conn: Connection, what: str, schema: str | None, name: str, column: str) -> str:
    row = conn.exec_driver_sql(f"SHOW CREATE {what} {_prefix(schema)}{q(name)}").mappings().first()
    value = None if row is None else row.get(column)
    return "" if value is None else str(value)


def _or_replace(conn: Connection, create: str) -> tuple[str, ...]:
    """MariaDB's CREATE OR REPLACE for an in-place change; MySQL has none: drop and create."""
    if not bool(getattr(conn.dialect, "is_mariadb", False)):
        return ()
    return (_CREATE.sub("CREATE OR REPLACE ", create, count=1),)


def mysql_triggers(conn: Connection, schema: str | None) -> list[DbObject]:
    rows = conn.execute(
        text(
            "SELECT trigger_name AS name, event_object_table AS tbl FROM information_schema.TRIGGERS "
            "WHERE trigger_schema = :db ORDER BY event_object_table, action_order"
        ),
        {"db": _database(conn, schema)},
    ).mappings()
    out = []
    for row in list(rows):
        name, table = str(row["name"]), str(row["tbl"])
        create = mysql_definition(_show(conn, "TRIGGER", schema, name, "SQL Original Statement"))
        out.append(
            DbObject(
                kind="trigger",
                name=f"{table}.{name}",
                create=(create,),
                drop=(f"DROP TRIGGER {q(name)}",),
                table=table,
                depends_on=(table,),
            )
        )
    return out


def mysql_routines(conn: Connection, schema: str | None) -> list[DbObject]:
    rows = conn.execute(
        text(
            "SELECT routine_name AS name, routine_type AS kind FROM information_schema.ROUTINES "
            "WHERE routine_schema = :db ORDER BY routine_type, routine_name"
        ),
        {"db": _database(conn, schema)},
    ).mappings()
    out = []
    for row in list(rows):
        name, what = str(row["name"]), str(row["kind"]).upper()
        column = "Create Function" if what == "FUNCTION" else "Create Procedure"
        create = mysql_definition(_show(conn, what, schema, name, column))
        out.append(
            DbObject(
                kind="function",
                name=name if what == "FUNCTION" else f"{name} (procedure)",
                create=(create,),
                drop=(f"DROP {what} {q(name)}",),
                replace=_or_replace(conn, create),
            )
        )
    return out


def mysql_events(conn: Connection, schema: str | None) -> list[DbObject]:
    rows = conn.execute(
        text(
            "SELECT event_name AS name, starts, created FROM information_schema.EVENTS "
            "WHERE event_schema = :db ORDER BY event_name"
        ),
        {"db": _database(conn, schema)},
    ).mappings()
    out = []
    for row in list(rows):
        name = str(row["name"])
        create = mysql_definition(_show(conn, "EVENT", schema, name, "Create Event"))
        if _implicit_start(row["starts"], row["created"]):
            create = _STARTS.sub("", create, count=1)
        out.append(
            DbObject(
                kind="event",
                name=name,
                create=(create,),
                drop=(f"DROP EVENT {q(name)}",),
                replace=_or_replace(conn, create),
            )
        )
    return out


def _implicit_start(starts: Any, created: Any) -> bool:
    """STARTS equal to the creation time is the server's default, not the author's choice:
    leaving it out keeps two copies of one event created at different times equal."""
    if not isinstance(starts, datetime) or not isinstance(created, datetime):
        return False
    return abs((starts - created).total_seconds()) <= _IMPLICIT_START_SECONDS
