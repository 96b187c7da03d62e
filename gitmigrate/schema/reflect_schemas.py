"""Reflection of every user schema of a PostgreSQL database as one model.

`reflect_schema(conn, scope=SchemaScope(...))` lands here on PostgreSQL: each schema the scope
covers is reflected on its own (reflect.py's one-schema path), then merged; names in the
connection's default schema (`current_schema()`) stay bare, the others become
`names.QualifiedName`s (see names.py). User schemas are all but the server's own (pg_catalog,
information_schema, pg_toast, pg_temp_*: every `pg_*`) and those an extension created.

A foreign key's target is read from the catalog: SQLAlchemy reports `referred_schema` only
when the target is not on the search_path, which says nothing about which schema it is in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, text

from gitmigrate.errors import UsageError
from gitmigrate.schema.model import DbObject, Enum, ForeignKey, Schema, Sequence, View
from gitmigrate.schema.names import QualifiedName, qualify


@dataclass(frozen=True)
class SchemaScope:
    """Which PostgreSQL schemas a reflection covers: every user schema, or `only` that one,
    less those in `exclude` (migra's --schema and --exclude-schema)."""

    only: str | None = None
    exclude: tuple[str, ...] = ()

    def covers(self, schema: str) -> bool:
        return (self.only is None or schema == self.only) and schema not in self.exclude


ALL_SCHEMAS = SchemaScope()


def check_scope(scope: SchemaScope, dialect: str) -> None:
    """--schema and --exclude-schema name PostgreSQL schemas; elsewhere they are a mistake."""
    if (scope.only is not None or scope.exclude) and dialect != "postgresql":
        raise UsageError(
            f"--schema/--exclude-schema select PostgreSQL schemas; this target is {dialect}",
            "drop the option (a MariaDB/MySQL target is one database, SQLite has one schema)",
        )


OneSchema = Callable[[Connection, str], Schema]

_USER_SCHEMAS = text(
    "SELECT n.nspname FROM pg_namespace n "
    "WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass "
    "  AND d.objid = n.oid AND d.deptype = 'e') "
    "ORDER BY n.nspname"
)
_FK_TARGETS = text(
    "SELECT cl.relname, con.conname, rn.nspname FROM pg_constraint con "
    "JOIN pg_class cl ON cl.oid = con.conrelid "
    "JOIN pg_namespace n ON n.oid = cl.relnamespace "
    "JOIN pg_class rc ON rc.oid = con.confrelid "
    "JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
    "WHERE con.contype = 'f' AND n.nspname = :schema"
)


def default_schema(conn: Connection) -> str | None:
    """The schema unqualified names resolve to (None when the search_path has none)."""
    found = conn.execute(text("SELECT current_schema()")).scalar()
    return None if found is None else str(found)


def user_schemas(conn: Connection, scope: SchemaScope = ALL_SCHEMAS) -> list[str]:
    """The user schemas of the database the scope covers, sorted."""
    return [str(n) for n in conn.execute(_USER_SCHEMAS).scalars() if scope.covers(str(n))]


def reflect_all(conn: Connection, scope: SchemaScope, reflect_one: OneSchema) -> Schema:
    """Every covered schema reflected with `reflect_one` and merged (module docstring)."""
    default = default_schema(conn)
    parts = [_qualified(conn, reflect_one(conn, s), s, default) for s in user_schemas(conn, scope)]
    extensions = _extensions(conn, scope)
    return Schema(
        dialect="postgresql",
        tables=tuple(sorted((t for p in parts for t in p.tables), key=lambda t: t.name)),
        views=tuple(sorted((v for p in parts for v in p.views), key=lambda v: v.name)),
        enums=tuple(sorted((e for p in parts for e in p.enums), key=lambda e: e.name)),
        sequences=tuple(sorted((s for p in parts for s in p.sequences), key=lambda s: s.name)),
        extensions=extensions,
        objects=_objects(parts),
    )


def _extensions(conn: Connection, scope: SchemaScope) -> tuple[str, ...]:
    """The extensions installed in a covered schema (with `only`, as migra: that schema's)."""
    rows = conn.execute(
        text(
            "SELECT e.extname, n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname <> 'plpgsql' ORDER BY e.extname"
        )
    )
    return tuple(str(name) for name, schema in rows if scope.covers(str(schema)))


def _objects(parts: list[Schema]) -> tuple[DbObject, ...]:
    from gitmigrate.schema.objects import sort_key

    merged = {(o.kind, o.name): o for p in parts for o in p.objects}
    return tuple(sorted(merged.values(), key=sort_key))


def _qualified(conn: Connection, found: Schema, schema: str, default: str | None) -> Schema:
    """`found` (one schema, bare names) with the names a multi-schema model gives it."""
    targets = {
        (str(table), str(name)): str(ref)
        for table, name, ref in conn.execute(_FK_TARGETS, {"schema": schema})
    }

    def name(bare: str) -> str:
        return qualify(schema, bare, default)

    def fk(table: str, key: ForeignKey) -> ForeignKey:
        ref = targets.get((table, key.name or "")) or key.ref_schema or schema
        return replace(key, ref_table=qualify(ref, key.ref_table, default), ref_schema=None)

    tables = [
        replace(t, name=name(t.name), foreign_keys=tuple(fk(t.name, k) for k in t.foreign_keys))
        for t in found.tables
    ]
    relations = {t.name for t in found.tables} | {v.name for v in found.views}
    return Schema(
        dialect=found.dialect,
        tables=tuple(tables),
        views=tuple(View(name(v.name), v.definition, v.materialized) for v in found.views),
        enums=tuple(Enum(name(e.name), e.values) for e in found.enums),
        sequences=tuple(
            Sequence(name(s.name), s.start, s.increment, s.owned_by) for s in found.sequences
        ),
        objects=tuple(_on_relation(o, schema, default, relations) for o in found.objects),
    )


def _on_relation(obj: DbObject, schema: str, default: str | None, relations: set[str]) -> DbObject:
    """An object hanging on a table or view of `schema` names it as the model does (readers
    may give the bare relation name, or `schema.relation` as plain text)."""
    table = obj.table
    if table is None or schema == default or isinstance(table, QualifiedName):
        return obj
    relation = table[len(schema) + 1 :] if table.startswith(f"{schema}.") else table
    if relation not in relations:
        return obj
    model = QualifiedName(schema, relation)
    renamed = obj.name
    if renamed.startswith(f"{table}."):
        renamed = f"{model}{renamed[len(table) :]}"
    return replace(obj, table=model, name=renamed)
