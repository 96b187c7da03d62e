"""The target's DDL for a copy: each source table translated to the target dialect (types,
defaults, identity, keys, checks, indexes, foreign keys), split into what must exist before
loading (columns, NOT NULL, primary and unique keys) and what is cheaper after (secondary
indexes, foreign keys, identity/sequence resets), as pgloader does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from gitmigrate.data import typemap
from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from gitmigrate.schema.render import (
    create_index,
    create_table,
    foreign_key_clause,
    index_elements,
    is_literal,
    literal,
    quote,
    quote_list,
)
from gitmigrate.sql.dialects import sqlglot_dialect

_NOW = re.compile(
    r"^(?:CURRENT_TIMESTAMP(?:\(\d*\))?|NOW\(\)|LOCALTIMESTAMP|datetime\('now'\))$", re.I
)
_CHARSET = re.compile(r"\s+(?:CHARACTER SET|CHARSET)\s+\w+", re.I)
_TODAY = re.compile(r"^(?:CURRENT_DATE(?:\(\))?|CURDATE\(\)|date\('now'\))$", re.I)
_ON_UPDATE = re.compile(r"\s+ON UPDATE\s+(?P<what>.+)$", re.I)
_TODAY_ON = {"postgresql": "CURRENT_DATE", "sqlite": "CURRENT_DATE", "mysql": "curdate()"}
_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}
_BOOLS = {"1": "true", "0": "false", "b'1'": "true", "b'0'": "false"}
_ORDERED = re.compile(r"^(?P<name>[\w$]+)(?:\(\d+\))?(?P<order>\s+(?:ASC|DESC))?$", re.I)


def translate(expression: str, source: str, target: str, what: str) -> str:
    """An SQL expression of `source` spelled for `target` (sqlglot), or a clear error."""
    if source == target:
        return expression
    if source == "mysql":  # MariaDB spells a text cast with its character set
        expression = _CHARSET.sub("", expression)
    try:
        tree = sqlglot.parse_one(expression, read=sqlglot_dialect(source))
        return tree.transform(_any_to_in).sql(
            dialect=sqlglot_dialect(target), unsupported_level=sqlglot.ErrorLevel.RAISE
        )
    except SqlglotError as exc:
        raise typemap.UnmappableTypeError(
            f"{what} ({expression}) cannot be written for {target}: {exc}",
            "create the table on the target yourself, then run the copy again (it fills"
            " existing tables), or leave the table out of the copy",
        ) from exc


def _bare(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return node


def _any_to_in(node: exp.Expression) -> exp.Expression:
    """PostgreSQL keeps `x IN ('a', 'b')` as `x = ANY (ARRAY['a', 'b'])`: back to IN, which
    every dialect reads."""
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        array = _bare(node.expression.this)
        if isinstance(array, exp.Array):
            values = [_bare(v).copy() for v in array.expressions]
            return exp.In(this=node.this.copy(), expressions=values)
    return node


def _default(text: str | None, source: str, target: str, family: str | None = None) -> str | None:
    """Constants, the current timestamp and the current date carry over (a MySQL boolean's
    1/0 as true/false); other expressions are dropped (the caller says so)."""
    if text is None or source == target:
        return text
    text = _ON_UPDATE.sub("", text.strip())
    if _NOW.match(text):
        return "CURRENT_TIMESTAMP"
    if _TODAY.match(text):
        return _TODAY_ON[target]
    if family == "bool" and target == "postgresql" and text.lower() in _BOOLS:
        return _BOOLS[text.lower()]
    if family in ("timestamp", "timestamptz") and target != "postgresql":
        return _utc_literal(text)
    return text if is_literal(text) else None


def _utc_literal(text: str) -> str | None:
    """A timestamp constant with an offset as UTC without one (as the copy writes values)."""
    if not (text.startswith("'") and text.endswith("'")):
        return text if is_literal(text) else None
    raw = text[1:-1]
    try:
        value = dt.datetime.fromisoformat(raw + (":00" if re.search(r"[+-]\d\d$", raw) else ""))
    except ValueError:
        return text
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return literal(value.isoformat(" "))


def _said_default(col: Column, kept: str | None, table: str, target: str, notes: list[str]) -> None:
    """Say a default or ON UPDATE the target does not get."""
    where = f"column {table}.{col.name}"
    on_update = col.on_update or (
        m["what"] if (m := _ON_UPDATE.search(col.default or "")) else None
    )
    if on_update and target != "mysql":
        notes.append(
            f"not kept: ON UPDATE {on_update} of {where}: {_NAMES[target]} has no ON UPDATE"
            " (set the column in the application, or add a trigger)"
        )
    if col.default is not None and kept is None and not col.identity:
        notes.append(
            f"not kept: default {col.default} of {where}: not a constant, current date or"
            f" timestamp, which is what a copy carries to {_NAMES[target]}"
        )


def _indexed(table: Table) -> set[str]:
    cols: set[str] = set(table.primary_key.columns if table.primary_key else ())
    for unique in table.unique_constraints:
        cols.update(unique.columns)
    for index in table.indexes:
        cols.update(index.columns)
    for fk in table.foreign_keys:
        cols.update(fk.columns)
    return cols


def target_table(
    table: Table,
    name: str,
    source: str,
    target: str,
    ref_name: Callable[[str], str],
    fixed: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> Table:
    """`table` as it will be created on `target` under `name`; `ref_name` maps the name of a
    referenced table to its name on the target; `fixed` holds target types decided already
    (copy_adapt); what is not kept or changes type is added to `notes`."""
    indexed = _indexed(table)
    pk = table.primary_key.columns if table.primary_key else ()
    said = notes if notes is not None else []
    columns = []
    for col in table.columns:
        typ = (fixed or {}).get(col.name) or typemap.target_type(
            table.name, col.name, col.type, source, target, indexed=col.name in indexed
        )
        numbered = col.identity or (
            source == "postgresql"
            and target != source
            and pk == (col.name,)
            and (col.default or "").lower().startswith("nextval(")
        )
        if numbered and not col.identity:
            said.append(
                f"column {table.name}.{col.name}: default {col.default} (a sequence of its own"
                " key) -> auto-numbered on the target"
            )
        identity = numbered and (target != "mysql" or pk[:1] == (col.name,))
        if numbered and not identity:
            said.append(
                f"not kept: auto-numbering of column {table.name}.{col.name}: MySQL/MariaDB"
                " allows AUTO_INCREMENT only on the first column of a key"
            )
        generated = col.generated if source == target else None
        if col.generated is not None and generated is None:
            said.append(
                f"column {table.name}.{col.name}: generated ({col.generated}) on the source,"
                " copied as a plain column holding its values"
            )
        fam = typemap.family(col.type, source)
        default = (
            None
            if (identity or numbered) and target != source
            else _default(col.default, source, target, fam.name if fam else None)
        )
        if source != target:
            _said_default(col, default, table.name, target, said)
        columns.append(
            Column(
                name=col.name,
                type=typ,
                nullable=col.nullable,
                default=default,
                identity=identity,
                generated=generated,
                comment=col.comment if target != "sqlite" else None,
                # kept within one dialect (ON UPDATE exists only on MySQL/MariaDB)
                identity_generation=col.identity_generation if source == target else None,
                on_update=col.on_update if source == target else None,
            )
        )
    checks = tuple(
        CheckConstraint(
            c.name, translate(c.expression, source, target, f"check of table {table.name}")
        )
        for c in table.checks
    )
    fks = tuple(
        ForeignKey(
            fk.name,
            fk.columns,
            ref_name(fk.ref_table),
            fk.ref_columns,
            fk.on_delete,
            fk.on_update,
        )  # fmt: skip
        for fk in table.foreign_keys
    )
    return Table(
        name=name,
        columns=tuple(columns),
        primary_key=PrimaryKey(pk) if pk else None,
        indexes=tuple(target_index(i, table.name, source, target) for i in table.indexes),
        unique_constraints=tuple(
            UniqueConstraint(u.name, u.columns) for u in table.unique_constraints
        ),
        foreign_keys=fks,
        checks=checks,
        comment=table.comment if target != "sqlite" else None,
    )


def target_index(index: Index, table: str, source: str, target: str) -> Index:
    what = f"index {index.name} of table {table}"
    where = None
    if index.where is not None:
        if target == "mysql":
            raise typemap.UnmappableTypeError(
                f"{what} is a partial index (WHERE {index.where}); MySQL/MariaDB has none",
                "create the table on the target yourself, then run the copy again, or leave"
                " the table out of the copy",
            )
        where = translate(index.where, source, target, what)
    columns = index.columns
    expressions = index.expressions
    if expressions and source != target:
        parts = []
        for element in index.columns:
            match = _ORDERED.match(element.strip())
            if match:  # a prefix length (MySQL only) is dropped; the order stays
                parts.append(match.group("name") + (match.group("order") or "").upper())
            else:
                parts.append(translate(element, source, target, what))
        columns = tuple(parts)
    method = index.method if source == target else None
    return Index(index.name, columns, index.unique, where, expressions, method)


def before_statements(table: Table, target: str) -> list[str]:
    """CREATE TABLE with columns, NOT NULL, primary and unique keys and checks (SQLite: also
    its foreign keys, which it cannot add later; they are deferred per chunk while loading)."""
    keep_fks = table.foreign_keys if target == "sqlite" else ()
    bare = Table(
        table.name, table.columns, table.primary_key, (), table.unique_constraints, keep_fks,
        table.checks, table.comment,
    )  # fmt: skip
    return create_table(bare, target)


def after_statements(table: Table, target: str) -> tuple[list[str], list[str]]:
    """(secondary indexes, foreign keys) of a created table, each validated when added."""
    q = quote(table.name, target)
    if target == "sqlite":
        return [create_index(table.name, i, target) for i in table.indexes], []
    if target == "mysql":
        parts = [
            f"ADD {_mysql_index_word(i)} {quote(i.name, target)} ({index_elements(i, target)})"
            for i in table.indexes
        ]
        fks = [f"ADD {foreign_key_clause(fk, target)}" for fk in table.foreign_keys]
        indexes = [f"ALTER TABLE {q} {', '.join(parts)}"] if parts else []
        return indexes, ([f"ALTER TABLE {q} {', '.join(fks)}"] if fks else [])
    indexes = [create_index(table.name, i, target) for i in table.indexes]
    fks = [f"ADD {foreign_key_clause(fk, target)}" for fk in table.foreign_keys]
    return indexes, ([f"ALTER TABLE {q} {', '.join(fks)}"] if fks else [])


def _mysql_index_word(index: Index) -> str:
    if index.method and index.method.upper() in ("FULLTEXT", "SPATIAL"):
        return f"{index.method.upper()} INDEX"
    return "UNIQUE INDEX" if index.unique else "INDEX"


def identity_reset(table: str, column: str, target: str) -> str | None:
    """Move the table's sequence / AUTO_INCREMENT past the largest key copied."""
    q = quote(table, target)
    if target == "postgresql":
        c = quote(column, target)
        return (
            f"SELECT setval(pg_get_serial_sequence({literal(q)}, {literal(column)}),"
            f" COALESCE((SELECT MAX({c}) FROM {q}), 0) + 1, false)"
        )
    if target == "mysql":  # below the maximum, MariaDB/MySQL set it to maximum + 1
        return f"ALTER TABLE {q} AUTO_INCREMENT = 1"
    return None


def record_table_ddl(name: str, target: str) -> str:
    """The keys a copy inserted into tables that existed before it (read back by undo)."""
    cols = quote_list(("table_name", "seq"), target)
    return (
        f"CREATE TABLE IF NOT EXISTS {quote(name, target)} ("
        f"{quote('table_name', target)} VARCHAR(255) NOT NULL, {quote('seq', target)} BIGINT NOT NULL,"
        f" {quote('key_json', target)} TEXT NOT NULL, PRIMARY KEY ({cols}))"
    )
