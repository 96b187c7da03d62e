"""What the PostgreSQL readers share: identifier quoting, the schema filter, and the test for
objects that belong to an extension (those come and go with `CREATE EXTENSION`, never alone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

# `coalesce(:schema, current_schema())`: the reflected schema, a named one or the default
IN_SCHEMA = "coalesce(:schema, current_schema())"


def not_in_extension(catalog: str, oid: str) -> str:
    """SQL condition: the object `oid` of system catalog `catalog` is no extension's member."""
    return (
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = "
        f"'{catalog}'::regclass AND e.objid = {oid} AND e.deptype = 'e')"
    )


def qi(name: str) -> str:
    """A quoted identifier, whatever the name holds."""
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{qi(schema)}.{qi(name)}"


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def rows(conn: Connection, sql: str, schema: str | None) -> list[Any]:
    return list(conn.execute(text(sql), {"schema": schema}).all())
