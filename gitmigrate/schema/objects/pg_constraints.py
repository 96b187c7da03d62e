"""PostgreSQL table constraints the table model does not hold: exclusion constraints (kind
"constraint"), as `ALTER TABLE ... ADD CONSTRAINT` with `pg_get_constraintdef`'s text, named
`<table>.<constraint>` and hung on their table. A partition's copies of its parent's
constraints are left out (the parent's bring them)."""

from __future__ import annotations

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject
from gitmigrate.schema.objects.pg_common import (
    IN_SCHEMA,
    not_in_extension,
    qi,
    qualified,
    rows,
)

_EXCLUSIONS = f"""
SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), n.nspname
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE c.contype = 'x' AND c.conparentid = 0 AND n.nspname = {IN_SCHEMA}
  AND {not_in_extension("pg_class", "t.oid")}
ORDER BY 1, 2
"""


def read_exclusions(conn: Connection, schema: str | None) -> list[DbObject]:
    return [
        DbObject(
            kind="constraint",
            name=f"{table}.{name}",
            create=(f"ALTER TABLE {qualified(nsp, table)} ADD CONSTRAINT {qi(name)} {definition}",),
            drop=(f"ALTER TABLE {qualified(nsp, table)} DROP CONSTRAINT {qi(name)}",),
            table=str(table),
        )
        for table, name, definition, nsp in rows(conn, _EXCLUSIONS, schema)
    ]
