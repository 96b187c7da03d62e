"""Small SQL text helpers shared by the PostgreSQL object readers: identifiers are always
quoted (a name is never spliced bare), strings are standard literals, and the schema a reader
looks at is the named one or the connection's current schema."""

from __future__ import annotations

# the namespace a reader looks at: the named schema, else the first on the search path
SCHEMA_MATCH = "n.nspname = coalesce(CAST(:schema AS name), current_schema())"


def ident(name: str) -> str:
    """ "name", with embedded double quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


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
