"""What the PostgreSQL readers share: identifier quoting, the schema filter, and the test for
objects that belong to an extension (those come and go with `CREATE EXTENSION`, never alone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from gitmigrate.schema.names import QualifiedName

# `coalesce(:schema, current_schema())`: the reflected schema, a named one or the default
IN_SCHEMA = "coalesce(:schema, current_schema())"


def relation_sql(namespace: str, relation: str) -> str:
    """SQL for a relation's name as statements must write it: quoted, and qualified when it
    is outside the default schema (a table of another schema, reflect_schemas.py)."""
    name, schema = _quoted_sql(f"{relation}.relname"), _quoted_sql(f"{namespace}.nspname")
    return (
        f"CASE WHEN {namespace}.nspname = current_schema() THEN {name} "
        f"ELSE {schema} || '.' || {name} END"
    )


def _quoted_sql(column: str) -> str:
    """SQL quoting a name column always, as `qi` does (quote_ident only quotes when needed)."""
    return f"'\"' || replace({column}, '\"', '\"\"') || '\"'"


def not_in_extension(catalog: str, oid: str) -> str:
    """SQL condition: the object `oid` of system catalog `catalog` is no extension's member."""
    return (
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = "
        f"'{catalog}'::regclass AND e.objid = {oid} AND e.deptype = 'e')"
    )


def qi(name: str) -> str:
    """A quoted identifier, whatever the name holds (part by part when qualified)."""
    if isinstance(name, QualifiedName):
        return f"{qi(name.schema)}.{qi(name.name)}"
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{qi(schema)}.{qi(name)}"


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def rows(conn: Connection, sql: str, schema: str | None) -> list[Any]:
    return list(conn.execute(text(sql), {"schema": schema}).all())
