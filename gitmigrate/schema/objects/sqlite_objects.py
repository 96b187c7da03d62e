"""SQLite triggers, read from sqlite_master.sql (the statement as written, which SQLite keeps).

`server_text.sqlite_definition` removes comments and spacing differences, so equal triggers
compare equal. A trigger is named `<table>.<trigger>` and hangs on its table or view: a table
rebuilt by the plan (SQLite changes most columns by copying the table) loses its triggers, so
the diff drops them first and creates them again after (diff_server_objects.py).
"""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.server_text import sqlite_definition


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_triggers(conn: Connection, schema: str | None) -> list[DbObject]:
    rows = conn.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL "
        "ORDER BY tbl_name, name"
    ).all()
    out = []
    for name, table, sql in rows:
        out.append(
            DbObject(
                kind="trigger",
                name=f"{table}.{name}",
                create=(sqlite_definition(str(sql)),),
                drop=(f"DROP TRIGGER {q(str(name))}",),
                table=str(table),
                depends_on=(str(table),),
            )
        )
    return out
