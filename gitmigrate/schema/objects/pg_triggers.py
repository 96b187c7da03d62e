"""PostgreSQL triggers (and constraint triggers) as `DbObject`s of kind "trigger".

`create` is `pg_get_triggerdef`, followed by the ALTER TABLE that disables it (or makes it fire
on replicas) when it is not simply enabled. Named `<table>.<trigger>` and hung on the table,
so a dropped or rebuilt table takes its triggers along and gets them back. Internal triggers
(foreign keys) and the clones a partition gets from its parent are left out. A changed
trigger is dropped and created again, which is what the server offers for every kind of
trigger.
"""

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

_TRIGGERS = f"""
SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled,
       pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND n.nspname = {IN_SCHEMA}
  AND {not_in_extension("pg_class", "c.oid")}
ORDER BY 2, 3
"""
_STATES = {"D": "DISABLE TRIGGER", "R": "ENABLE REPLICA TRIGGER", "A": "ENABLE ALWAYS TRIGGER"}


def read_triggers(conn: Connection, schema: str | None) -> list[DbObject]:
    out = []
    for nsp, table, name, definition, enabled, function in rows(conn, _TRIGGERS, schema):
        create = [str(definition)]
        relation = qualified(nsp, table)
        if enabled in _STATES:
            create.append(f"ALTER TABLE {relation} {_STATES[enabled]} {qi(name)}")
        out.append(
            DbObject(
                kind="trigger",
                name=f"{table}.{name}",
                create=tuple(create),
                drop=(f"DROP TRIGGER {qi(name)} ON {relation}",),
                table=str(table),
                depends_on=(str(function),),
            )
        )
    return out
