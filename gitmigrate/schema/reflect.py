"""reflect_schema(conn) -> Schema: the default schema of a live database as the normalized model.

Every schema source (a live database, a DDL file loaded into a scratch database, SQLAlchemy
models created in one) goes through this function, so two sources describing the same schema
give `==` models. Columns keep their table order (CREATE TABLE needs it; compare ignores it);
every other collection is sorted by name, unnamed objects by content.

Reflection uses SQLAlchemy's inspector (one query per kind for all tables) and fills in what it
misses from the catalogs (reflect_extras.py). Tables of git-migrate (gitmigrate_*) and SQLite's
own (sqlite_*) are left out.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, cast

from sqlalchemy import Connection, inspect
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.postgresql import DOMAIN
from sqlalchemy.engine import Inspector
from sqlalchemy.exc import SAWarning

from gitmigrate.schema import normalize as norm
from gitmigrate.schema import reflect_extras as extras
from gitmigrate.schema import reflect_mysql
from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from gitmigrate.schema.mysql_partitions import reflect_partitions
from gitmigrate.schema.names import split_sql_name
from gitmigrate.schema.objects import reflect_objects
from gitmigrate.schema.reflect_indexes import table_indexes
from gitmigrate.schema.reflect_schemas import SchemaScope, reflect_all

_INTERNAL_PREFIXES = ("gitmigrate_", "sqlite_")
_KINDS = ("columns", "pk_constraint", "foreign_keys", "indexes", "unique_constraints")


def dialect_of(conn: Connection) -> str:
    name = conn.dialect.name
    return "mysql" if name in ("mysql", "mariadb") else name


def reflect_schema(
    conn: Connection, schema: str | None = None, *, scope: SchemaScope | None = None
) -> Schema:
    """Reflect the connection's default schema, or the named `schema` (a PostgreSQL schema, a
    MariaDB database on the same server; SQLite has only its main database). Foreign keys to
    another schema carry its name in `ref_schema` (see the module docstring).

    With a `scope` on PostgreSQL: every user schema it covers, names outside the default
    schema qualified (reflect_schemas.py); other dialects ignore it (one schema each)."""
    dialect = dialect_of(conn)
    if scope is not None and dialect == "postgresql" and schema is None:
        return reflect_all(conn, scope, reflect_schema)
    schema = None if dialect == "sqlite" else schema
    insp = inspect(conn)
    ctx = _Context(conn, insp, dialect, schema)
    names = sorted(n for n in insp.get_table_names(schema=schema) if _wanted(n))
    if names:
        ctx.load(names)
    tables = tuple(_table(ctx, name) for name in names)
    found = Schema(
        dialect=dialect,
        tables=tuple(sorted(tables, key=lambda t: t.name)),
        views=_views(ctx),
        objects=reflect_objects(conn, dialect, schema),
    )
    if dialect != "postgresql":
        return found
    enums = cast(Any, insp).get_enums(schema=schema)
    visible = schema is not None  # a named schema's enums need not be on the search path
    return Schema(
        dialect=dialect,
        tables=found.tables,
        views=found.views,
        enums=tuple(
            sorted(
                (
                    Enum(str(e["name"]), tuple(e["labels"]))
                    for e in enums
                    if visible or e.get("visible", True)
                ),
                key=lambda e: e.name,
            )  # fmt: skip
        ),
        sequences=_pg_sequences(ctx),
        extensions=extras.pg_extensions(conn),
        objects=found.objects,
    )


def _wanted(name: str) -> bool:
    return not name.lower().startswith(_INTERNAL_PREFIXES)


class _Context:
    """Everything reflected once per schema and looked up per table."""

    def __init__(
        self, conn: Connection, insp: Inspector, dialect: str, schema: str | None = None
    ) -> None:
        self.conn = conn
        self.insp = insp
        self.dialect = dialect
        self.schema = schema
        pg = dialect == "postgresql"
        self.inheritance = extras.pg_inheritance(conn, schema) if pg else None
        self.names: list[str] = []
        self.multi: dict[str, dict[Any, Any]] = {}
        self.checks: dict[str, list[dict[str, Any]]] = {}
        self.pg_seqs = extras.pg_sequences(conn, schema) if pg else []
        self.domain_columns = extras.pg_domain_columns(conn, schema) if pg else {}
        self.deferrable = extras.pg_deferrable(conn, schema) if pg else {}
        mysql = dialect == "mysql"
        self.database = (schema or extras.mysql_database(conn)) if mysql else None
        self.column_extras = reflect_mysql.column_extras(conn, schema) if mysql else {}
        self.mysql_partitioning = reflect_partitions(conn, schema) if mysql else {}
        self.sqlite_indexes: dict[str, list[extras.SqliteIndex]] = {}
        if dialect == "sqlite":
            for ix in extras.sqlite_indexes(conn):
                self.sqlite_indexes.setdefault(ix.table, []).append(ix)

    def load(self, names: list[str]) -> None:
        self.names = names
        with warnings.catch_warnings():
            # SQLite's unique-constraint reflection reads indexes and warns about expression
            # indexes, which reflect_extras handles
            warnings.filterwarnings("ignore", category=SAWarning)
            self._load(names)

    def _load(self, names: list[str]) -> None:
        for kind in _KINDS:
            if kind == "indexes" and self.dialect == "sqlite":
                continue  # reflect_extras parses them (the inspector skips expression indexes)
            self.multi[kind] = getattr(self.insp, f"get_multi_{kind}")(
                filter_names=names, schema=self.schema
            )
        if self.dialect == "mysql":
            self.checks = extras.mysql_checks(self.conn, self.schema)
        else:
            found = self.insp.get_multi_check_constraints(filter_names=names, schema=self.schema)
            self.checks = {key[1]: [dict(c) for c in value] for key, value in found.items()}
        try:
            comments = self.insp.get_multi_table_comment(filter_names=names, schema=self.schema)
            self.multi["comment"] = comments
        except NotImplementedError:
            self.multi["comment"] = {}

    def part(self, kind: str, table: str) -> Any:
        return self.multi.get(kind, {}).get((self.schema, table))


def _table(ctx: _Context, name: str) -> Table:
    raw_columns: list[dict[str, Any]] = ctx.part("columns", name) or []
    inh = ctx.inheritance
    cloned = inh.inherited_constraints.get(name, set()) if inh else set()
    if inh is not None and name in inh.inherits:
        only_inherited = inh.inherited_columns.get(name, set())
        raw_columns = [c for c in raw_columns if c["name"] not in only_inherited]
    sqlite = extras.sqlite_table(ctx.conn, name) if ctx.dialect == "sqlite" else None
    checks = [dict(c) for c in ctx.checks.get(name, []) if c.get("name") not in cloned]
    json_columns = _mariadb_json_columns(ctx, raw_columns, checks)
    columns = tuple(_column(ctx, name, c, sqlite, json_columns) for c in raw_columns)
    pk_raw = ctx.part("pk_constraint", name) or {}
    pk_cols = tuple(pk_raw.get("constrained_columns") or ())
    pk = None
    if pk_cols and pk_raw.get("name") not in cloned:
        pk_name = None if ctx.dialect == "mysql" else pk_raw.get("name")
        pk = PrimaryKey(columns=pk_cols, name=pk_name)
    found = [
        UniqueConstraint(
            u.get("name"), tuple(u["column_names"]), ctx.deferrable.get((name, str(u.get("name"))))
        )
        for u in ctx.part("unique_constraints", name) or []
        if u.get("name") not in cloned
    ]
    if sqlite is not None:  # the inspector misses column-level UNIQUE
        known = {u.columns for u in found}
        found += [UniqueConstraint(None, cols) for cols in sqlite.unique_sets if cols not in known]
    uniques = sorted(found, key=_named_key)
    fks = sorted(
        (
            _fk(ctx, name, fk, sqlite)
            for fk in ctx.part("foreign_keys", name) or []
            if fk.get("name") not in cloned
        ),
        key=_named_key,
    )
    comment = (ctx.part("comment", name) or {}).get("text")
    partition_by, partitions = ctx.mysql_partitioning.get(name, (None, ()))
    return Table(
        name=name,
        columns=columns,
        primary_key=pk,
        indexes=table_indexes(ctx, name, uniques, fks),
        unique_constraints=tuple(uniques),
        foreign_keys=tuple(fks),
        checks=tuple(
            sorted(
                (
                    CheckConstraint(c.get("name"), norm.expression(c["sqltext"]) or "")
                    for c in checks
                ),
                key=lambda c: (c.name or "", c.expression),
            )
        ),
        comment=comment or None,
        **(
            ctx.inheritance.table_fields(name)
            if ctx.inheritance
            else {"partition_by": partition_by, "partitions": partitions}
        ),
    )


def _named_key(item: Any) -> tuple[str, tuple[str, ...]]:
    return (item.name or "", tuple(item.columns))


def _mariadb_json_columns(
    ctx: _Context, columns: list[dict[str, Any]], checks: list[dict[str, Any]]
) -> set[str]:
    """MariaDB stores JSON as LONGTEXT plus a CHECK (json_valid(col)) named after the column:
    report the column as JSON and drop that check, as the user wrote it."""
    if ctx.dialect != "mysql":
        return set()
    longtext = {c["name"] for c in columns if type(c["type"]).__name__ == "LONGTEXT"}
    found = set()
    for check in list(checks):
        body = norm.expression(check["sqltext"]) or ""
        match = re.fullmatch(r"json_valid\(`?([^`]+)`?\)", body, re.IGNORECASE)
        if match and match.group(1) == check["name"] and check["name"] in longtext:
            found.add(check["name"])
            checks.remove(check)
    return found


def _column(
    ctx: _Context,
    table: str,
    raw: dict[str, Any],
    sqlite: extras.SqliteTable | None,
    json_columns: set[str],
) -> Column:
    name = str(raw["name"])
    column_type = "JSON" if name in json_columns else _type(ctx, raw["type"], table, name)
    default_text = norm.default(raw.get("default"), ctx.dialect, column_type)
    identity = False
    generation = None
    nullable = bool(raw["nullable"])
    if ctx.dialect == "postgresql":
        if raw.get("identity") or _serial(ctx, raw, table, name):
            identity, default_text = True, None
        if raw.get("identity"):
            generation = "ALWAYS" if raw["identity"].get("always") else "BY DEFAULT"
    if (table, name) in ctx.domain_columns:  # the inspector merges in the domain's own
        nullable, own_default = ctx.domain_columns[(table, name)]
        default_text = default_text if own_default else None
    if ctx.dialect == "mysql":
        identity = raw.get("autoincrement") is True
    elif sqlite is not None and sqlite.rowid_alias == name:
        identity, nullable = True, False
    extra = ctx.column_extras.get((table, name))
    on_update = None
    if extra is not None and extra.on_update is not None:
        on_update = extra.on_update
        default_text = reflect_mysql.without_on_update(default_text)
    computed = raw.get("computed")
    generated = None
    if computed:
        generated = norm.expression(
            sqlite.generated.get(name) if sqlite is not None else computed.get("sqltext")
        )
    return Column(
        name=name,
        type=column_type,
        nullable=nullable,
        default=default_text,
        identity=identity,
        identity_generation=generation,
        generated=generated,
        comment=raw.get("comment") or None,
        on_update=on_update,
        generated_storage=extra.generated_storage if extra and generated is not None else None,
    )


def _drawn_sequence(ctx: _Context, default: str | None) -> str | None:
    """The sequence a nextval() default draws from, without the reflected schema's name
    (the server qualifies it when that schema is not on the search_path)."""
    drawn = norm.nextval_sequence(default)
    if drawn is None or ctx.schema is None:
        return drawn
    parts = split_sql_name(norm.nextval_sequence(default, unquote=False) or "")
    return parts[1] if len(parts) == 2 and parts[0] == ctx.schema else drawn


def _type(ctx: _Context, type_: Any, table: str, column: str) -> str:
    if isinstance(type_, sqltypes.NullType):  # a type SQLAlchemy does not know: the raw text
        raw = extras.declared_type(ctx.conn, ctx.dialect, table, column, ctx.schema)
        if raw:
            return norm.type_string(raw, ctx.dialect)
        if ctx.dialect == "sqlite":
            return ""  # a column declared without a type (affinity BLOB)
    try:
        compiled = str(type_.compile(dialect=ctx.conn.dialect))
    except Exception:  # NullType and exotic types cannot always compile; repr is still stable
        compiled = repr(type_)
    keep_case = ctx.dialect == "postgresql" and isinstance(type_, (sqltypes.Enum, DOMAIN))
    return norm.type_string(compiled, ctx.dialect, keep_case=keep_case)


def _action(value: Any, dialect: str) -> str | None:
    """NO ACTION is the default everywhere; on MySQL RESTRICT is the same thing."""
    text = str(value).upper().strip() if value else ""
    if not text or text == "NO ACTION" or (dialect == "mysql" and text == "RESTRICT"):
        return None
    return text


def _fk(
    ctx: _Context, table: str, raw: dict[str, Any], sqlite: extras.SqliteTable | None
) -> ForeignKey:
    options = dict(raw.get("options") or {})
    columns = tuple(raw["constrained_columns"])
    if sqlite is not None:
        on_delete, on_update = sqlite.fk_actions.get((columns, raw["referred_table"]), ("", ""))
        options = {"ondelete": on_delete, "onupdate": on_update}
    return ForeignKey(
        name=raw.get("name"),
        columns=columns,
        ref_table=str(raw["referred_table"]),
        ref_columns=tuple(raw["referred_columns"]),
        on_delete=_action(options.get("ondelete"), ctx.dialect),
        on_update=_action(options.get("onupdate"), ctx.dialect),
        ref_schema=raw.get("referred_schema"),
        deferrable=ctx.deferrable.get((table, str(raw.get("name")))),
    )


def _views(ctx: _Context) -> tuple[View, ...]:
    qualifier = f"`{ctx.database}`." if ctx.database else None
    options = reflect_mysql.view_options(ctx.conn, ctx.schema) if ctx.dialect == "mysql" else {}
    views = []
    for n in ctx.insp.get_view_names(ctx.schema):
        if not _wanted(n):
            continue
        body = norm.view_body(ctx.insp.get_view_definition(n, ctx.schema), qualifier=qualifier)
        views.append(reflect_mysql.with_options(View(n, body), options.get(n)))
    if ctx.dialect == "postgresql":
        views += [
            View(n, norm.view_body(ctx.insp.get_view_definition(n, ctx.schema)), materialized=True)
            for n in ctx.insp.get_materialized_view_names(ctx.schema)
        ]
    return tuple(sorted(views, key=lambda v: v.name))


def _serial(ctx: _Context, raw: dict[str, Any], table: str, column: str) -> bool:
    return extras.is_serial(ctx.pg_seqs, _drawn_sequence(ctx, raw.get("default")), table, column)


def _pg_sequences(ctx: _Context) -> tuple[Sequence, ...]:
    serial_owned = set()
    for table in ctx.names:
        for raw in ctx.part("columns", table) or []:
            if _serial(ctx, raw, table, str(raw["name"])):
                drawn = _drawn_sequence(ctx, raw.get("default"))
                serial_owned.add((drawn, table, str(raw["name"])))
    out = []
    for seq in ctx.pg_seqs:
        if seq.identity:
            continue
        if seq.owner is not None and (seq.name, *seq.owner) in serial_owned:
            continue
        owned_by = f"{seq.owner[0]}.{seq.owner[1]}" if seq.owner else None
        out.append(Sequence(seq.name, seq.start, seq.increment, owned_by))
    return tuple(sorted(out, key=lambda s: s.name))
