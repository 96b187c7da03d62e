"""Schema objects kept as the server's own definition (`model.DbObject`): which kinds exist,
where each goes in a migration, and the per-dialect readers that find them.

A kind's place in `KINDS` is its creation order. Kinds in `BEFORE_TABLES` are created before
table changes (a column may use a domain, a default may call a function) and dropped after
them; the others are created after tables and views (a trigger needs its table and function)
and dropped before them. A change is made in place when the kind knows how (`alter`), else by
drop and create.

Readers live one module per family (pg_routines.py, pg_security.py, mysql_objects.py, ...);
each is listed in `_READERS` by dialect and returns the objects of the reflected schema.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import cast

from sqlalchemy import Connection

from gitmigrate.schema.model import DbObject

KINDS: tuple[str, ...] = (
    "schema",
    "extension",
    "collation",
    "type",  # composite and range types (enums are `model.Enum`)
    "domain",
    "function",  # functions, procedures, aggregates
    # --- tables, then views, are created here
    "constraint",  # constraints the table model does not hold (EXCLUDE ...)
    "view_index",  # indexes on materialized views (tables' indexes are in the table model)
    "trigger",
    "rls",  # ALTER TABLE ... ENABLE/FORCE ROW LEVEL SECURITY
    "policy",
    "event",  # MariaDB events
    "comment",  # comments on objects other than tables and columns
    "grant",
)
BEFORE_TABLES: frozenset[str] = frozenset(
    {"schema", "extension", "collation", "type", "domain", "function"}
)

Reader = Callable[[Connection, "str | None"], "list[DbObject]"]
Alter = Callable[[DbObject, DbObject], "tuple[str, ...] | None"]

# dialect -> "module:function" readers, each (conn, schema) -> objects; imported on first use
_READERS: dict[str, tuple[str, ...]] = {
    "postgresql": (
        "pg_schemas:read_schemas",
        "pg_collations:read_collations",
        "pg_types:read_types",
        "pg_types:read_domains",
        "pg_routines:read_routines",
        "pg_constraints:read_exclusions",
        "pg_triggers:read_triggers",
        "pg_extensions:read_extensions",
        "pg_security:read_rls",
        "pg_security:read_policies",
        "pg_comments:read_comments",
        "pg_grants:read_grants",
        "pg_view_indexes:read_view_indexes",
    ),
    "mysql": (
        "mysql_objects:mysql_routines",
        "mysql_objects:mysql_triggers",
        "mysql_objects:mysql_events",
    ),
    "sqlite": ("sqlite_objects:sqlite_triggers",),
}
# kind -> "module:function" (old, new) -> statements changing old into new in place, or None
_ALTERS: dict[str, str] = {
    "domain": "pg_types:alter_domain",
    "type": "pg_types:alter_type",
    "function": "pg_routines:alter_function",
    "extension": "pg_extensions:alter_extension",
    "rls": "pg_security:alter_rls",
    "policy": "pg_security:alter_policy",
    "comment": "pg_comments:alter_comment",
}


def _load(spec: str) -> Callable[..., object]:
    module, _, name = spec.partition(":")
    return cast(Callable[..., object], getattr(import_module(f"{__name__}.{module}"), name))


def reflect_objects(conn: Connection, dialect: str, schema: str | None) -> tuple[DbObject, ...]:
    """Every object the dialect's readers find, sorted by (kind, name)."""
    found: list[DbObject] = []
    for spec in _READERS.get(dialect, ()):
        found += cast(Reader, _load(spec))(conn, schema)
    return tuple(sorted(found, key=sort_key))


def sort_key(obj: DbObject) -> tuple[int, str]:
    return (KINDS.index(obj.kind), obj.name)


def alter_statements(old: DbObject, new: DbObject) -> tuple[str, ...] | None:
    """Statements that change `old` into `new` in place, or None when it must be dropped and
    created again."""
    if new.replace and old.replace:
        return new.replace
    spec = _ALTERS.get(new.kind)
    if spec is None:
        return None
    return cast(Alter, _load(spec))(old, new)
