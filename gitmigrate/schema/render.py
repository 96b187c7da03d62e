"""DDL text for schema operations, per dialect (sqlite, postgresql, mysql).

Every identifier goes through the dialect's SQLAlchemy identifier preparer and is always
quoted, so no name from a schema is ever spliced into SQL as written. Types, defaults and
expressions are the database's own text from the model. The parts the dialects share live
here; `render_postgresql.py`, `render_mysql.py` and `sqlite_rebuild.py` hold the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from sqlalchemy.engine.interfaces import Dialect

from gitmigrate.errors import UsageError
from gitmigrate.schema import ops
from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from gitmigrate.schema.mysql_partitions import partition_clause
from gitmigrate.schema.names import QualifiedName, bare
from gitmigrate.schema.normalize import segments
from gitmigrate.schema.types import check_type

DIALECTS = ("sqlite", "postgresql", "mysql")


@cache
def _sa_dialect(dialect: str) -> Dialect:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    factories: dict[str, Callable[[], Dialect]] = {
        "sqlite": sqlite.dialect,
        "postgresql": postgresql.dialect,
        "mysql": mysql.dialect,
    }
    if dialect not in factories:
        raise UsageError(f"cannot render DDL for dialect {dialect!r}", f"use one of {DIALECTS}")
    return factories[dialect]()


def quote(name: str, dialect: str) -> str:
    """The identifier, always quoted for `dialect` ("name" or `name`); a name outside the
    default schema part by part ("other"."t", see names.py)."""
    preparer = _sa_dialect(dialect).identifier_preparer
    if isinstance(name, QualifiedName):
        return f"{preparer.quote_identifier(name.schema)}.{preparer.quote_identifier(name.name)}"
    return str(preparer.quote_identifier(name))


def quote_list(names: tuple[str, ...], dialect: str) -> str:
    return ", ".join(quote(n, dialect) for n in names)


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def is_simple_name(text: str) -> bool:
    return text.replace("_", "a").replace("$", "a").isalnum()


_ORDERED = re.compile(
    r"^(?P<name>[\w$]+)(?P<length>\(\d+\))?"
    r"(?P<order>(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?)$",
    re.I,
)
_LITERAL = re.compile(
    r"^(?:[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|'(?:[^']|'')*'|NULL|TRUE|FALSE|X'[0-9A-Fa-f]*')$",
    re.I,
)
_SQLITE_BARE_DEFAULTS = ("CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP")


def is_literal(text: str) -> bool:
    """A constant: number, string, NULL, TRUE/FALSE or a blob literal."""
    return _LITERAL.match(text.strip()) is not None


def index_elements(index: Index, dialect: str) -> str:
    """Column names quoted (with a MySQL prefix length or ASC/DESC kept); expressions as
    written, each in parentheses."""
    parts = []
    for element in index.columns:
        match = _ORDERED.match(element.strip())
        if not index.expressions:
            parts.append(quote(element, dialect))
        elif match:
            length, order = match.group("length") or "", match.group("order") or ""
            parts.append(f"{quote(match.group('name'), dialect)}{length}{order.upper()}")
        elif dialect == "sqlite":  # any expression goes as is (and reflects back unchanged)
            parts.append(element)
        else:
            parts.append(element if element.startswith("(") else f"({element})")
    return ", ".join(parts)


def default_clause(default: str, dialect: str) -> str:
    """SQLite wants parentheses around a default that is not a constant; PostgreSQL around
    one with an operator its DEFAULT clause does not take bare (`now() AT TIME ZONE 'utc'`)."""
    if dialect == "sqlite" and not (
        is_literal(default) or default.upper() in _SQLITE_BARE_DEFAULTS
    ):
        return f"DEFAULT ({default})"
    if dialect == "postgresql" and _PG_NOT_BARE.search(_top_level(default)):
        return f"DEFAULT ({default})"
    return f"DEFAULT {default}"


# words of a_expr that b_expr (what CREATE TABLE's DEFAULT takes) lacks
_PG_NOT_BARE = re.compile(
    r"\b(?:AT|COLLATE|IS|AND|OR|NOT|LIKE|ILIKE|SIMILAR|IN|BETWEEN|OVERLAPS)\b", re.I
)


def _top_level(text: str) -> str:
    """`text` without its quoted parts and anything inside parentheses or brackets."""
    out, depth = [], 0
    for piece, quoted in segments(text):
        if quoted:
            continue
        for ch in piece:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif depth == 0:
                out.append(ch)
    return "".join(out)


def column_definition(column: Column, dialect: str) -> str:
    """`"name" TYPE [identity] [NOT NULL] [DEFAULT ...] [GENERATED ...]` for `dialect`."""
    parts = [quote(column.name, dialect)]
    if dialect == "postgresql":
        from gitmigrate.schema.render_postgresql import column_type_and_identity

        parts.append(column_type_and_identity(column))
    elif column.type:  # SQLite allows a column without a type
        parts.append(column.type)
    if column.generated is not None:
        stored = "STORED" if dialect != "sqlite" else "VIRTUAL"
        if dialect == "mysql" and column.generated_storage:
            stored = column.generated_storage
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) {stored}")
    if not column.nullable:
        parts.append("NOT NULL")
    elif dialect == "mysql" and column.generated is None:
        parts.append("NULL")  # MySQL makes the first TIMESTAMP column NOT NULL otherwise
    if column.default is not None and not _serial_default(column, dialect):
        parts.append(default_clause(column.default, dialect))
    if dialect == "mysql" and column.on_update is not None:
        parts.append(f"ON UPDATE {column.on_update}")
    if dialect == "mysql" and column.identity:
        parts.append("AUTO_INCREMENT")
    if column.comment is not None and dialect == "mysql":
        parts.append(f"COMMENT {literal(column.comment)}")
    return " ".join(parts)


def _serial_default(column: Column, dialect: str) -> bool:
    """A PostgreSQL SERIAL's nextval() default is implied by the SERIAL type we render."""
    return (
        dialect == "postgresql"
        and column.identity
        and (column.default or "").lower().startswith("nextval(")
    )


def constraint_prefix(name: str | None, dialect: str) -> str:
    return f"CONSTRAINT {quote(name, dialect)} " if name else ""


def primary_key_clause(pk: PrimaryKey, dialect: str) -> str:
    named = pk.name if dialect == "postgresql" or dialect == "sqlite" else None
    return f"{constraint_prefix(named, dialect)}PRIMARY KEY ({quote_list(pk.columns, dialect)})"


def unique_clause(unique: UniqueConstraint, dialect: str) -> str:
    text = (
        f"{constraint_prefix(unique.name, dialect)}UNIQUE ({quote_list(unique.columns, dialect)})"
    )
    return f"{text} {unique.deferrable}" if unique.deferrable else text


def check_clause(check: CheckConstraint, dialect: str) -> str:
    return f"{constraint_prefix(check.name, dialect)}CHECK ({check.expression})"


def foreign_key_clause(fk: ForeignKey, dialect: str) -> str:
    text = (
        f"{constraint_prefix(fk.name, dialect)}FOREIGN KEY ({quote_list(fk.columns, dialect)}) "
        f"REFERENCES {quote(fk.ref_table, dialect)} ({quote_list(fk.ref_columns, dialect)})"
    )
    if fk.on_delete:
        text += f" ON DELETE {fk.on_delete}"
    if fk.on_update:
        text += f" ON UPDATE {fk.on_update}"
    if fk.deferrable:
        text += f" {fk.deferrable}"
    return text


def create_table(table: Table, dialect: str) -> list[str]:
    """CREATE TABLE with its constraints inline, then its indexes (inline on MySQL, where a
    foreign key would otherwise create an index of its own under the constraint's name)."""
    lines = [column_definition(c, dialect) for c in table.columns]
    if table.primary_key is not None:
        lines.append(primary_key_clause(table.primary_key, dialect))
    lines += [unique_clause(u, dialect) for u in table.unique_constraints]
    lines += [check_clause(c, dialect) for c in table.checks]
    if dialect == "mysql":
        lines += [_mysql_inline_index(i) for i in table.indexes]
    lines += [foreign_key_clause(fk, dialect) for fk in table.foreign_keys]
    body = ",\n    ".join(lines)
    options = ""
    if dialect == "mysql" and table.comment is not None:
        options = f" COMMENT={literal(table.comment)}"
    if dialect == "mysql":
        options += partition_clause(table)
    statements = [f"CREATE TABLE {quote(table.name, dialect)} (\n    {body}\n){options}"]
    if dialect != "mysql":
        statements += [create_index(table.name, i, dialect) for i in table.indexes]
    return statements


def mysql_index_kind(index: Index) -> str:
    """`INDEX`, `UNIQUE INDEX`, `FULLTEXT INDEX` or `SPATIAL INDEX` (MySQL's index kinds)."""
    if index.method in ("FULLTEXT", "SPATIAL"):
        return f"{index.method} INDEX"
    return "UNIQUE INDEX" if index.unique else "INDEX"


def _mysql_inline_index(index: Index) -> str:
    kind = mysql_index_kind(index)
    return f"{kind} {quote(index.name, 'mysql')} ({index_elements(index, 'mysql')})"


def create_index(table: str, index: Index, dialect: str, *, concurrently: bool = False) -> str:
    unique = "UNIQUE " if index.unique else ""
    conc = "CONCURRENTLY " if concurrently else ""
    using = f" USING {index.method}" if index.method and dialect == "postgresql" else ""
    text = (
        f"CREATE {unique}INDEX {conc}{quote(index.name, dialect)} ON {quote(table, dialect)}"
        f"{using} ({index_elements(index, dialect)})"
    )
    if index.where:
        text += f" WHERE {index.where}"
    return text


def render_operation(op: ops.Operation, dialect: str, *, online: bool = False) -> list[str]:
    """The statements of one operation on `dialect` (online: the low-lock variants)."""
    if isinstance(op, ops.Composite):
        return [s for part in op.parts for s in render_operation(part, dialect, online=online)]
    if isinstance(op, ops.Statement):
        return [op.sql]
    if isinstance(op, ops.CreateObject):
        return list(op.obj.create)
    if isinstance(op, ops.DropObject):
        return list(op.obj.drop)
    if isinstance(op, ops.AlterObject):
        return list(op.statements)
    if dialect == "postgresql":
        from gitmigrate.schema.render_postgresql import render_postgresql

        return render_postgresql(op, online=online)
    if dialect == "mysql":
        from gitmigrate.schema.render_mysql import render_mysql

        return render_mysql(op, online=online)
    if dialect == "sqlite":
        from gitmigrate.schema.sqlite_rebuild import render_sqlite

        return render_sqlite(op)
    raise UsageError(f"cannot render DDL for dialect {dialect!r}", f"use one of {DIALECTS}")


def render_common(op: ops.Operation, dialect: str) -> list[str] | None:
    """Operations spelled the same way on every dialect; None for the others."""

    def q(name: str) -> str:
        return quote(name, dialect)

    match op:
        case ops.CreateTable(table=table):
            return create_table(table, dialect)
        case ops.DropTable(table=table):
            return [f"DROP TABLE {q(table.name)}"]
        case ops.AddColumn(table=table, column=column):
            return [f"ALTER TABLE {q(table)} ADD COLUMN {column_definition(column, dialect)}"]
        case ops.DropColumn(table=table, column=column):
            return [f"ALTER TABLE {q(table)} DROP COLUMN {q(column.name)}"]
        case ops.RenameColumn(table=table, old=old, new=new):
            return [f"ALTER TABLE {q(table)} RENAME COLUMN {q(old)} TO {q(new)}"]
        case ops.RenameTable(old=old, new=new):
            return [f"ALTER TABLE {q(old)} RENAME TO {q(bare(new))}"]
        case ops.CreateIndex(table=table, index=index):
            return [create_index(table, index, dialect)]
        case ops.CreateView(view=view):
            return [f"CREATE VIEW {q(view.name)} AS {view.definition}"]
        case ops.DropView(view=view):
            return [f"DROP VIEW {q(view.name)}"]
    return None


# objects that exist only on PostgreSQL; the other dialects refuse them with `unsupported`
POSTGRES_ONLY: tuple[type[ops.Operation], ...] = (
    ops.CreateExtension,
    ops.DropExtension,
    ops.CreateEnum,
    ops.DropEnum,
    ops.AddEnumValue,
    ops.ReplaceEnum,
    ops.CreateSequence,
    ops.DropSequence,
    ops.AlterSequence,
    ops.AttachPartition,
    ops.DetachPartition,
)


def unsupported(op: ops.Operation, dialect: str) -> UsageError:
    return UsageError(
        f"{type(op).__name__} is not supported on {dialect}",
        "this object type exists only on PostgreSQL; target PostgreSQL or remove it from the schema",
    )


def validate_types(
    operations: tuple[ops.Operation, ...], dialect: str, user_types: frozenset[str]
) -> None:
    """Refuse a column type `dialect` lacks before rendering anything (UsageError, with the
    nearest known type)."""
    for op in operations:
        if isinstance(op, ops.Composite):
            validate_types(op.parts, dialect, user_types)
            continue
        match op:
            case ops.CreateTable(table=table) | ops.RebuildTable(new=table):
                columns: tuple[Column, ...] = table.columns
            case ops.AddColumn(column=column) | ops.AlterColumn(new=column):
                columns = (column,)
            case _:
                continue
        for column in columns:
            check_type(column.type, dialect, user_types=user_types)
