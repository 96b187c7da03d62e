"""PostgreSQL extensions with their versions and schemas (kind "extension").

`Schema.extensions` keeps the names (compare, drift and describe read it); the objects add the
version, so `CREATE EXTENSION ... VERSION '1.5'` builds the same extension the desired schema
has, and a version change is `ALTER EXTENSION ... UPDATE TO`. Extensions ship upgrade scripts,
seldom downgrade ones: going back to an older version drops and creates the extension again
(which the server refuses while other objects use it, rather than losing them).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_sql import SCHEMA_MATCH, literal, qi

_VERSION = re.compile(r" VERSION '((?:[^']|'')*)'\Z")


def read_extensions(conn: Connection, schema: str | None) -> list[DbObject]:
    """The extensions installed in the reflected schema but plpgsql (always there): a
    reflection of every schema meets each once, one of a single schema its own."""
    rows = conn.execute(
        text(
            "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' "
            f"AND {SCHEMA_MATCH} ORDER BY e.extname"
        ),
        {"schema": schema},
    )
    return [extension_object(str(name), str(version), str(nsp)) for name, version, nsp in rows]


def extension_object(name: str, version: str, schema: str) -> DbObject:
    return DbObject(
        kind="extension",
        name=name,
        create=(
            f"CREATE EXTENSION {qi(name)} WITH SCHEMA {qi(schema)} VERSION {literal(version)}",
        ),
        drop=(f"DROP EXTENSION {qi(name)}",),
    )


def alter_extension(old: DbObject, new: DbObject) -> tuple[str, ...]:
    """UPDATE TO a newer version in place; anything else (older version, another schema) by
    dropping and creating it."""
    was, now = _split(old), _split(new)
    if was is not None and now is not None and was[0] == now[0] and _newer(now[1], was[1]):
        return (f"ALTER EXTENSION {qi(new.name)} UPDATE TO {literal(now[1])}",)
    return old.drop + new.create


def _split(obj: DbObject) -> tuple[str, str] | None:
    """(the statement before VERSION, the version)."""
    found = _VERSION.search(obj.create[0])
    if found is None:
        return None
    return obj.create[0][: found.start()], found.group(1).replace("''", "'")


def _newer(a: str, b: str) -> bool:
    """a > b compared as dotted numbers; False when either is not one (e.g. '1.0beta')."""
    if not re.fullmatch(r"\d+(\.\d+)*", a) or not re.fullmatch(r"\d+(\.\d+)*", b):
        return False
    return tuple(int(p) for p in a.split(".")) > tuple(int(p) for p in b.split("."))
