"""What a copy needs to know about its source beyond the table model, read from the server's
own catalogs: PostgreSQL domains (base type and CHECKs), enums (labels), arrays, partitioned
tables (their partitions and the foreign keys declared on a partition only); MariaDB/MySQL
FULLTEXT/SPATIAL indexes and the server's flavour.

Without these a domain named `year` passed for MySQL's YEAR, an enum column had no type on the
target, and a partitioned table was copied as a plain one without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from gitmigrate.schema.model import ForeignKey

_CHECK = re.compile(r"^CHECK\s*\((?P<body>.*)\)(?:\s+NOT VALID)?$", re.S | re.I)


@dataclass(frozen=True)
class ColumnFacts:
    """A source column whose declared type is not a plain built-in type."""

    kind: str  # "domain", "enum", "array"
    type_name: str  # the declared type (domain/enum name, or the array type)
    base: str  # the built-in type its values have ("" for an enum)
    labels: tuple[str, ...] = ()  # enum values, in order (also a domain over an enum)
    checks: tuple[str, ...] = ()  # domain CHECK bodies, VALUE standing for the column
    array: bool = False  # the values are arrays (a domain over an array, or an array)


@dataclass(frozen=True)
class SourceFacts:
    columns: dict[tuple[str, str], ColumnFacts] = field(default_factory=dict)
    partitions: dict[str, tuple[str, str]] = field(default_factory=dict)  # parent -> (by, parts)
    partition_fks: dict[str, tuple[ForeignKey, ...]] = field(default_factory=dict)
    index_types: dict[tuple[str, str], str] = field(default_factory=dict)  # FULLTEXT/SPATIAL
    server: str = ""  # "mariadb" or "mysql" for a MySQL-family source


def read_facts(conn: Connection, dialect: str) -> SourceFacts:
    """The facts of the source's default schema; empty on SQLite."""
    if dialect == "postgresql":
        return SourceFacts(
            columns=_pg_columns(conn),
            partitions=_pg_partitions(conn),
            partition_fks=_pg_partition_fks(conn),
        )
    if dialect == "mysql":
        version = str(conn.execute(text("SELECT VERSION()")).scalar() or "")
        return SourceFacts(
            index_types=_mysql_index_types(conn),
            server="mariadb" if "mariadb" in version.lower() else "mysql",
        )
    return SourceFacts()


_PG_COLUMNS = """
SELECT c.relname, a.attname, t.typtype, t.typname, t.oid::int, t.typcategory,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
       b.typtype, b.typcategory, b.oid::int, e.typtype, e.oid::int
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_type e ON e.oid = COALESCE(NULLIF(t.typelem, 0), NULLIF(b.typelem, 0))
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0
  AND NOT a.attisdropped
  AND (t.typtype IN ('d', 'e') OR t.typcategory = 'A')
"""


def _pg_columns(conn: Connection) -> dict[tuple[str, str], ColumnFacts]:
    found: dict[tuple[str, str], ColumnFacts] = {}
    for row in conn.execute(text(_PG_COLUMNS)):
        table, column, typtype, name, oid, category, base, btype, bcat, boid, etype, eoid = row
        array = category == "A" or bcat == "A"
        if typtype == "d":
            enum_oid = boid if btype == "e" else (eoid if array and etype == "e" else None)
            facts = ColumnFacts(
                "domain", str(name), str(base), _labels(conn, enum_oid), _domain_checks(conn, oid),
                array,
            )  # fmt: skip
        elif typtype == "e":
            facts = ColumnFacts("enum", str(name), "", _labels(conn, oid))
        else:
            labels = _labels(conn, eoid) if etype == "e" else ()
            facts = ColumnFacts("array", str(name).lstrip("_") + "[]", "", labels, (), True)
        found[(str(table), str(column))] = facts
    return found


def _labels(conn: Connection, oid: int | None) -> tuple[str, ...]:
    if oid is None:
        return ()
    sql = "SELECT enumlabel FROM pg_enum WHERE enumtypid = :oid ORDER BY enumsortorder"
    return tuple(str(r[0]) for r in conn.execute(text(sql), {"oid": oid}))


def _domain_checks(conn: Connection, oid: int) -> tuple[str, ...]:
    sql = (
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = :oid"
        " AND contype = 'c' ORDER BY conname"
    )
    out = []
    for (definition,) in conn.execute(text(sql), {"oid": oid}):
        match = _CHECK.match(str(definition).strip())
        if match:
            out.append(match.group("body").strip())
    return tuple(out)


def _pg_partitions(conn: Connection) -> dict[str, tuple[str, str]]:
    sql = """
    SELECT p.relname, pg_get_partkeydef(p.oid),
           string_agg(k.relname || ' ' || pg_get_expr(k.relpartbound, k.oid), '; '
                      ORDER BY k.relname)
    FROM pg_class p JOIN pg_namespace n ON n.oid = p.relnamespace
    LEFT JOIN pg_inherits i ON i.inhparent = p.oid
    LEFT JOIN pg_class k ON k.oid = i.inhrelid
    WHERE p.relkind = 'p' AND n.nspname = current_schema() AND NOT p.relispartition
    GROUP BY p.relname, p.oid
    """
    return {str(r[0]): (str(r[1]), str(r[2] or "")) for r in conn.execute(text(sql))}


def _pg_partition_fks(conn: Connection) -> dict[str, tuple[ForeignKey, ...]]:
    """Foreign keys declared on a partition only (not inherited from its parent), by the
    top-level parent's name: a copy of the parent as one table carries them there."""
    sql = """
    WITH RECURSIVE up(part, top) AS (
        SELECT c.oid, c.oid FROM pg_class c WHERE c.relispartition
        UNION ALL SELECT up.part, i.inhparent FROM up JOIN pg_inherits i ON i.inhrelid = up.top
    )
    SELECT t.relname, con.conname, con.oid::int,
           (SELECT array_agg(a.attname ORDER BY k.n) FROM unnest(con.conkey) WITH ORDINALITY
              k(num, n) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num),
           r.relname,
           (SELECT array_agg(a.attname ORDER BY k.n) FROM unnest(con.confkey) WITH ORDINALITY
              k(num, n) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num),
           con.confdeltype, con.confupdtype
    FROM pg_constraint con
    JOIN up ON up.part = con.conrelid
    JOIN pg_class t ON t.oid = up.top AND NOT t.relispartition
    JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = current_schema()
    ORDER BY t.relname, con.conname
    """
    actions = {"c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT", "r": "RESTRICT"}
    found: dict[str, list[ForeignKey]] = {}
    for table, name, _oid, cols, ref, ref_cols, on_delete, on_update in conn.execute(text(sql)):
        fk = ForeignKey(
            str(name), tuple(cols), str(ref), tuple(ref_cols),
            actions.get(str(on_delete)), actions.get(str(on_update)),
        )  # fmt: skip
        found.setdefault(str(table), []).append(fk)
    return {k: tuple(v) for k, v in found.items()}


def _mysql_index_types(conn: Connection) -> dict[tuple[str, str], str]:
    sql = (
        "SELECT DISTINCT TABLE_NAME, INDEX_NAME, INDEX_TYPE FROM information_schema.STATISTICS"
        " WHERE TABLE_SCHEMA = DATABASE() AND INDEX_TYPE IN ('FULLTEXT', 'SPATIAL')"
    )
    return {(str(t), str(i)): str(k) for t, i, k in conn.execute(text(sql))}
