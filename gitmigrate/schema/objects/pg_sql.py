"""Small SQL text helpers shared by the PostgreSQL object readers: identifiers are always
quoted (a name is never spliced bare), strings are standard literals, and the schema a reader
looks at is the named one or the connection's current schema."""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.schema.names import QualifiedName, qualify

# the namespace a reader looks at: the named schema, else the first on the search path
SCHEMA_MATCH = "n.nspname = coalesce(CAST(:schema AS name), current_schema())"


def ident(name: str) -> str:
    """ "name", with embedded double quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def ref(name: str) -> str:
    """A model name as SQL: "t" in the default schema, "other"."t" (a `QualifiedName`)
    elsewhere."""
    if isinstance(name, QualifiedName):
        return f"{ident(name.schema)}.{ident(name.name)}"
    return ident(name)


def model_name(schema: str, name: str, default: str | None) -> str:
    """The model's name of `schema.name`: bare in the default schema, qualified elsewhere."""
    return qualify(schema, name, default)


def current_schema(conn: Connection) -> str | None:
    found = conn.exec_driver_sql("SELECT current_schema()").scalar()
    return None if found is None else str(found)


def literal(value: str) -> str:
    """'value', with embedded single quotes doubled (standard_conforming_strings)."""
    return "'" + value.replace("'", "''") + "'"


def role(name: str | None) -> str:
    """A grantee as written in GRANT/REVOKE/CREATE POLICY: None (role oid 0) is PUBLIC."""
    return "PUBLIC" if name is None else ident(name)


def not_in_extension(classid: str, objid: str) -> str:
    """A WHERE fragment leaving out objects an extension created (they come with it)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{classid}'::regclass "
        f"AND d.objid = {objid} AND d.deptype = 'e')"
    )
