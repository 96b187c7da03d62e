"""A source table made fit for another dialect before its DDL is translated, each change said:
domains become their base type plus their CHECK, enums a MySQL ENUM or text plus a CHECK of
their values, arrays JSON, MySQL SET text, geometry its bytes, unsigned integers a wider type
plus CHECK (>= 0); FULLTEXT/SPATIAL indexes stay only on MySQL/MariaDB; a partitioned table
becomes one table carrying its partitions' own foreign keys.

Within one dialect nothing changes (the target takes the source's own DDL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from gitmigrate.data import typemap
from gitmigrate.data.copy_source import ColumnFacts, SourceFacts
from gitmigrate.schema.model import CheckConstraint, Column, ForeignKey, Table
from gitmigrate.schema.render import literal, quote

_VALUE = re.compile(r"\bVALUE\b", re.I)
_MYSQL_LIST = re.compile(r"^(?P<word>ENUM|SET)\s*\((?P<body>.*)\)", re.I | re.S)
_GEOMETRY = {
    "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
    "MULTIPOLYGON", "GEOMETRYCOLLECTION",
}  # fmt: skip
_PG_AS_TEXT = {"TSVECTOR", "TSQUERY", "XML"}  # psycopg reads them as their text
_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}


@dataclass
class Adapted:
    """The table to translate, the target types already decided, and what was said."""

    table: Table
    fixed: dict[str, str] = field(default_factory=dict)  # column -> target type text
    families: dict[str, str] = field(default_factory=dict)  # column -> value family override
    notes: list[str] = field(default_factory=list)


def adapt(table: Table, facts: SourceFacts, src: str, dst: str) -> Adapted:
    out = Adapted(table)
    if src == dst:
        for col in table.columns:
            known = facts.columns.get((table.name, col.name))
            if known is not None and known.kind != "array":
                out.notes.append(
                    f"column {table.name}.{col.name}: {known.kind} {known.type_name} is taken as"
                    " declared: the target must have that type (create it first)"
                )
        kept = tuple(
            replace(i, method=facts.index_types.get((table.name, i.name), i.method))
            for i in table.indexes
        )  # MySQL FULLTEXT/SPATIAL are kept as such
        out.table = replace(table, indexes=kept, foreign_keys=_partitioned(out, table, facts))
        return out
    columns: list[Column] = []
    checks = list(table.checks)
    for col in table.columns:
        known = facts.columns.get((table.name, col.name))
        if known is not None:
            col = _pg_special(out, table.name, col, known, dst, checks)
        elif src == "postgresql" and col.type.upper() in _PG_AS_TEXT:
            out.fixed[col.name] = "TEXT"
            out.families[col.name] = "text"
            out.notes.append(
                f"column {table.name}.{col.name}: {col.type} -> TEXT (its text form;"
                f" {_NAMES[dst]} has no {col.type})"
            )
        elif src == "mysql":
            col = _mysql_special(out, table.name, col, dst, checks)
        columns.append(col)
    indexes = []
    for index in table.indexes:
        kind = facts.index_types.get((table.name, index.name))
        method = (index.method or "").lower()
        if src == "postgresql" and method not in ("", "btree") and dst != "postgresql":
            out.notes.append(
                f"not kept: {method} index {table.name}.{index.name} ({', '.join(index.columns)}):"
                f" {_NAMES[dst]} has no {method} indexes"
            )
            continue
        if kind and dst != "mysql":
            out.notes.append(
                f"not kept: {kind} index {table.name}.{index.name} ({', '.join(index.columns)}):"
                f" {_NAMES[dst]} has no {kind} index; create its own kind yourself"
                + (
                    " (e.g. GIN on to_tsvector)"
                    if dst == "postgresql" and kind == "FULLTEXT"
                    else ""
                )
            )
            continue
        if kind:
            index = replace(index, method=kind)
        indexes.append(index)
    out.table = replace(
        table, columns=tuple(columns), checks=tuple(checks), indexes=tuple(indexes),
        foreign_keys=_partitioned(out, table, facts),
    )  # fmt: skip
    return out


def _partitioned(out: Adapted, table: Table, facts: SourceFacts) -> tuple[ForeignKey, ...]:
    """Say a partitioned table is copied as one; its partitions' own foreign keys join it."""
    fks = list(table.foreign_keys)
    partitioned = facts.partitions.get(table.name)
    if partitioned is None:
        return tuple(fks)
    by, parts = partitioned
    out.notes.append(
        f"table {table.name} is partitioned on the source (PARTITION BY {by};"
        f" {parts or 'no partitions'}): copied as one plain table, its rows all together"
    )
    for fk in facts.partition_fks.get(table.name, ()):
        if all(f.columns != fk.columns or f.ref_table != fk.ref_table for f in fks):
            fks.append(fk)
            out.notes.append(
                f"foreign key {fk.name} of a partition of {table.name} is added to the"
                f" whole table {table.name}"
            )
    return tuple(fks)


def _check_name(table: str, column: str, n: int) -> str:
    return f"{table}_{column}_check{n or ''}"[:63]


def _in_list(column: str, labels: tuple[str, ...], dialect: str) -> str:
    return f"{quote(column, dialect)} IN ({', '.join(literal(v) for v in labels)})"


def _pg_special(
    out: Adapted, table: str, col: Column, facts: ColumnFacts, dst: str,
    checks: list[CheckConstraint],
) -> Column:  # fmt: skip
    """A PostgreSQL domain, enum or array column, as the target can hold it."""
    where = f"column {table}.{col.name}"
    if facts.array:
        out.fixed[col.name] = "JSON"
        out.families[col.name] = "json_array"
        default = col.default
        if default is not None:
            default = "'[]'" if default.strip() in ("'{}'", "'{}'::text[]") else None
            if default is None:
                out.notes.append(f"not kept: default {col.default} of {where} (an array)")
        out.notes.append(
            f"{where}: {facts.type_name} (an array) -> JSON: {_NAMES[dst]} has no arrays;"
            " the values are written as JSON arrays"
        )
        return replace(col, default=default)
    if facts.labels:
        word = "domain over enum" if facts.kind == "domain" else "enum"
        if dst == "mysql":
            out.fixed[col.name] = f"ENUM({', '.join(literal(v) for v in facts.labels)})"
            out.notes.append(f"{where}: {word} {facts.type_name} -> MySQL ENUM of its values")
        else:
            width = max(len(v) for v in facts.labels)
            out.fixed[col.name] = f"VARCHAR({width})" if dst != "sqlite" else "TEXT"
            checks.append(
                CheckConstraint(_check_name(table, col.name, 0), _in_list(col.name, facts.labels, "postgresql"))
            )  # fmt: skip
            out.notes.append(
                f"{where}: {word} {facts.type_name} -> {out.fixed[col.name]} with CHECK"
                f" ({col.name} IN its {len(facts.labels)} values)"
            )
        out.families[col.name] = "varchar"
        return col
    if facts.kind == "domain":
        for n, body in enumerate(facts.checks, start=1):
            expression = _VALUE.sub(quote(col.name, "postgresql"), body)
            checks.append(CheckConstraint(_check_name(table, col.name, n), expression))
        fam = typemap.family(facts.base, "postgresql")
        out.families[col.name] = fam.name if fam else ""
        said = f" and its CHECK ({'; '.join(facts.checks)})" if facts.checks else ""
        out.notes.append(f"{where}: domain {facts.type_name} -> its base type {facts.base}{said}")
        return replace(col, type=facts.base)
    return col


def _mysql_special(
    out: Adapted, table: str, col: Column, dst: str, checks: list[CheckConstraint]
) -> Column:
    """A MySQL ENUM/SET, geometry or unsigned column, as the target can hold it."""
    where = f"column {table}.{col.name}"
    found = _MYSQL_LIST.match(col.type.strip())
    upper = col.type.upper()
    if found:
        labels = tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", found["body"]))
        word = found["word"].upper()
        if word == "ENUM":
            width = max((len(v) for v in labels), default=1)
            out.fixed[col.name] = f"VARCHAR({width})" if dst != "sqlite" else "TEXT"
            checks.append(
                CheckConstraint(
                    _check_name(table, col.name, 0), _in_list(col.name, labels, "mysql")
                )
            )
            out.notes.append(
                f"{where}: ENUM -> {out.fixed[col.name]} with CHECK ({col.name} IN its"
                f" {len(labels)} values)"
            )
        else:
            out.fixed[col.name] = "TEXT"
            out.notes.append(
                f"{where}: SET -> TEXT (comma-separated values as MySQL writes them; which"
                f" values may appear is not checked on {_NAMES[dst]})"
            )
        out.families[col.name] = "varchar"
        return col
    if upper.split("(")[0].strip() in _GEOMETRY:
        out.fixed[col.name] = "BYTEA" if dst == "postgresql" else "BLOB"
        out.families[col.name] = "bytes"
        out.notes.append(
            f"{where}: {col.type} -> {out.fixed[col.name]}: {_NAMES[dst]} has no geometry"
            " type here; the value's MySQL bytes (SRID + WKB) are kept"
        )
        return col
    if "UNSIGNED" in upper:
        fam = typemap.family(col.type, "mysql")
        if fam is not None:
            checks.append(
                CheckConstraint(_check_name(table, col.name, 0), f"{quote(col.name, 'mysql')} >= 0")
            )
            target = typemap.render(fam, dst)
            out.notes.append(f"{where}: {col.type} -> {target} with CHECK ({col.name} >= 0)")
    return col
