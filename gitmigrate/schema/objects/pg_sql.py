"""What the security, grant, comment and extension readers add to pg_common.py (whose quoting,
literals and extension filter they use, re-exported here): the schema filter as a WHERE
fragment, model names of catalog rows, and grantees."""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.schema.names import qualify
from gitmigrate.schema.objects.pg_common import literal, not_in_extension, qi

# the namespace a reader looks at: the named schema, else the first on the search path
SCHEMA_MATCH = "n.nspname = coalesce(CAST(:schema AS name), current_schema())"


def model_name(schema: str, name: str, default: str | None) -> str:
    """The model's name of `schema.name`: bare in the default schema, qualified elsewhere."""
    return qualify(schema, name, default)


def current_schema(conn: Connection) -> str | None:
    found = conn.exec_driver_sql("SELECT current_schema()").scalar()
    return None if found is None else str(found)


def role(name: str | None) -> str:
    """A grantee as written in GRANT/REVOKE/CREATE POLICY: None (role oid 0) is PUBLIC."""
    return "PUBLIC" if name is None else qi(name)


__all__ = [
    "SCHEMA_MATCH",
    "current_schema",
    "literal",
    "model_name",
    "not_in_extension",
    "qi",
    "role",
]
