"""The normalized schema model every schema source becomes (a live database, a DDL file loaded
into a scratch database, a SQLAlchemy MetaData) and every diff compares.

Frozen and hashable, sorted by name, so two schemas compare with `==` and a diff can be
computed object by object. Names are stored as the database reports them; comparisons of
names fold case where the dialect does (`Schema.key`).

Types are normalized strings per dialect (e.g. "INTEGER", "VARCHAR(200)", "NUMERIC(10, 2)",
"TIMESTAMP WITH TIME ZONE"); defaults are the database's own text of the default expression,
whitespace-normalized, or None.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: bool = False  # autoincrement / SERIAL / GENERATED ... AS IDENTITY / AUTO_INCREMENT
    generated: str | None = None  # expression of a generated (computed) column
    comment: str | None = None
    # PostgreSQL identity columns: "ALWAYS" or "BY DEFAULT"; None for serial/autoincrement
    identity_generation: str | None = None
    # MySQL/MariaDB `ON UPDATE current_timestamp()` as the server reports it
    on_update: str | None = None
    # MySQL/MariaDB generated columns: "VIRTUAL" or "STORED"; None: the renderer's default
    generated_storage: str | None = None


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]  # column names, or expression text for expression indexes
    unique: bool = False
    where: str | None = None  # partial index predicate (PostgreSQL, SQLite)
    expressions: bool = False  # True when `columns` holds expressions rather than names
    method: str | None = None  # e.g. "gin", "gist" on PostgreSQL; None means the default


@dataclass(frozen=True)
class UniqueConstraint:
    name: str | None
    columns: tuple[str, ...]
    deferrable: str | None = None  # as ForeignKey.deferrable (PostgreSQL)


@dataclass(frozen=True)
class ForeignKey:
    name: str | None
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str | None = None  # normalized upper-case, None for NO ACTION
    on_update: str | None = None
    ref_schema: str | None = None
    deferrable: str | None = None  # "DEFERRABLE" or "DEFERRABLE INITIALLY DEFERRED"; None: not


@dataclass(frozen=True)
class CheckConstraint:
    name: str | None
    expression: str  # whitespace-normalized


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    indexes: tuple[Index, ...] = ()
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[CheckConstraint, ...] = ()
    comment: str | None = None
    # PostgreSQL declarative partitioning: a parent has `partition_by` (e.g. "RANGE (logdate)");
    # a partition names its parent and its bound (e.g. "FOR VALUES FROM ('2022-01-01') TO (…)")
    partition_by: str | None = None
    partition_of: str | None = None
    partition_bound: str | None = None
    # PostgreSQL INHERITS parents, in order; `columns` then holds only the child's own columns
    inherits: tuple[str, ...] = ()
    # MySQL/MariaDB RANGE/LIST partitions in order: (name, bound), e.g. ("p2022",
    # "VALUES LESS THAN (2023)"); `partition_by` then holds e.g. "RANGE (`year_num`)"
    partitions: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class View:
    name: str
    definition: str  # the SELECT, whitespace-normalized
    materialized: bool = False
    # MySQL/MariaDB view options, None for the server's default (UNDEFINED, DEFINER, none)
    algorithm: str | None = None  # MERGE / TEMPTABLE
    security: str | None = None  # INVOKER
    check_option: str | None = None  # CASCADED / LOCAL


@dataclass(frozen=True)
class Enum:
    """PostgreSQL CREATE TYPE ... AS ENUM."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Sequence:
    """PostgreSQL stand-alone sequences (not those owned by identity/serial columns)."""

    name: str
    start: int | None = None
    increment: int | None = None
    owned_by: str | None = None  # "table.column" when OWNED BY


@dataclass(frozen=True)
class DbObject:
    """A schema object kept as the server's own definition rather than modelled field by field:
    functions, procedures, aggregates, triggers, domains, types, policies, grants, comments,
    events, schemas, collations, exclusion constraints (see `gitmigrate.schema.objects`).

    Two objects are the same when `kind` and `name` match and different when their `create`
    differs; `create` is the text the server normalises to (pg_get_functiondef,
    pg_get_triggerdef, SHOW CREATE TRIGGER, sqlite_master.sql), so formatting alone never
    diffs. Up and down are exact: creating runs `create`, dropping runs `drop`.
    """

    kind: str  # one of gitmigrate.schema.objects.KINDS
    name: str  # unique within its kind, e.g. "public.add(integer, integer)", "orders.audit"
    create: tuple[str, ...]  # statements that create it as it is
    drop: tuple[str, ...]  # statements that remove it
    table: str | None = None  # the table or view it hangs on (trigger, policy, grant, comment)
    depends_on: tuple[str, ...] = ()  # names of tables, views, types and functions it needs
    # statements that turn any other version of this object into this one in place
    # (CREATE OR REPLACE FUNCTION, ALTER DOMAIN ...); empty: change by drop and create
    replace: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    dialect: str  # "sqlite" | "postgresql" | "mysql"
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    enums: tuple[Enum, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    extensions: tuple[str, ...] = field(default=())
    objects: tuple[DbObject, ...] = ()  # sorted by (kind, name)

    def key(self, name: str) -> str:
        """How this dialect compares identifiers (case-insensitive on SQLite and MySQL)."""
        return name.lower() if self.dialect in ("sqlite", "mysql") else name

    def table(self, name: str) -> Table | None:
        wanted = self.key(name)
        return next((t for t in self.tables if self.key(t.name) == wanted), None)

    def view(self, name: str) -> View | None:
        wanted = self.key(name)
        return next((v for v in self.views if self.key(v.name) == wanted), None)
