"""PostgreSQL schemas as objects (kind "schema"): `CREATE SCHEMA` / `DROP SCHEMA`.

The reader is called once per reflected schema (reflect_schemas.py); the connection's default
schema is where unqualified names go and is never created or dropped by a migration, so only
the others are objects. Owners and privileges are left to the grant kind.
"""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.reflect_schemas import default_schema
from gitmigrate.schema.render import quote


def schema_object(name: str) -> DbObject:
    quoted = quote(name, "postgresql")
    return DbObject("schema", name, (f"CREATE SCHEMA {quoted}",), (f"DROP SCHEMA {quoted}",))


def read_schemas(conn: Connection, schema: str | None) -> list[DbObject]:
    """The reflected schema itself, unless it is the default one."""
    if schema is None or schema == default_schema(conn):
        return []
    return [schema_object(schema)]
