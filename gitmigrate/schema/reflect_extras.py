"""What SQLAlchemy's inspector does not reflect (or reflects wrongly), per dialect.

PostgreSQL: which sequences serial/identity columns own, sequence parameters, extensions,
the columns' own NOT NULL and default where the type is a domain.
MySQL/MariaDB: check constraints (column-level ones are missing from the inspector), the
current database name (view text qualifies tables with it).
SQLite: ON DELETE/UPDATE of foreign keys, generated-column and expression-index text (the
inspector's parsers mangle or skip them), rowid-alias detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlalchemy import Connection, text
from sqlglot import exp

from gitmigrate.sql.parse import quiet_sqlglot

# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PgSequence:
    name: str
    start: int
    increment: int
    owner: tuple[str, str] | None  # (table, column) of OWNED BY / serial / identity
    identity: bool  # owned by an identity column (GENERATED ... AS IDENTITY)


def is_serial(sequences: list[PgSequence], drawn: str | None, table: str, column: str) -> bool:
    """Whether a column drawing from sequence `drawn` is what SERIAL makes: the sequence is
    owned by the column, named `<table>_<column>_seq` and counts from 1 by 1. Any other
    sequence (START 1000, a name of its own) stays a sequence with its nextval() default, so
    it is re-created as it is rather than as a fresh SERIAL."""
    return drawn is not None and any(
        s.name == drawn
        and s.owner == (table, column)
        and s.name == f"{table}_{column}_seq"
        and s.start in (None, 1)
        and s.increment in (None, 1)
        for s in sequences
    )


def pg_sequences(conn: Connection, schema: str | None = None) -> list[PgSequence]:
    rows = conn.execute(
        text(
            "SELECT c.relname, s.seqstart, s.seqincrement, t.relname AS owner_table, "
            "a.attname AS owner_column, d.deptype "
            "FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_sequence s ON s.seqrelid = c.oid "
            "LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass "
            "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "LEFT JOIN pg_class t ON t.oid = d.refobjid "
            "LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE c.relkind = 'S' AND n.nspname = coalesce(:schema, current_schema()) "
            "ORDER BY c.relname"
        ),
        {"schema": schema},
    ).all()
    return [
        PgSequence(
            name=row[0],
            start=int(row[1]),
            increment=int(row[2]),
            owner=(row[3], row[4]) if row[3] and row[4] else None,
            identity=row[5] == "i",
        )
        for row in rows
    ]


def pg_deferrable(conn: Connection, schema: str | None = None) -> dict[tuple[str, str], str]:
    """(table, constraint) -> "DEFERRABLE" or "DEFERRABLE INITIALLY DEFERRED" of the unique and
    foreign-key constraints that are deferrable (the inspector does not say for unique ones)."""
    rows = conn.execute(
        text(
            "SELECT t.relname, c.conname, c.condeferred FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE c.condeferrable AND c.contype IN ('u', 'f') "
            "AND n.nspname = coalesce(:schema, current_schema())"
        ),
        {"schema": schema},
    ).all()
    return {
        (str(r[0]), str(r[1])): "DEFERRABLE INITIALLY DEFERRED" if r[2] else "DEFERRABLE"
        for r in rows
    }


def pg_domain_columns(
    conn: Connection, schema: str | None = None
) -> dict[tuple[str, str], tuple[bool, bool]]:
    """(table, column) -> (nullable, has its own default) of columns whose type is a domain:
    the inspector reports the domain's NOT NULL and default as the column's, which the
    domain keeps (and changes) itself."""
    rows = conn.execute(
        text(
            "SELECT c.relname, a.attname, NOT a.attnotnull, a.atthasdef FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE t.typtype = 'd' AND a.attnum > 0 AND NOT a.attisdropped "
            "AND n.nspname = coalesce(:schema, current_schema())"
        ),
        {"schema": schema},
    ).all()
    return {(str(r[0]), str(r[1])): (bool(r[2]), bool(r[3])) for r in rows}


def pg_extensions(conn: Connection) -> tuple[str, ...]:
    rows = conn.execute(
        text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname")
    )
    return tuple(str(r[0]) for r in rows)


@dataclass(frozen=True)
class PgInheritance:
    """Partitioning and INHERITS facts of one schema's tables, and what each child gets from
    its parent (reflected on the parent once, never per child)."""

    partition_by: dict[str, str]  # partitioned table -> "RANGE (logdate)"
    partition_of: dict[str, tuple[str, str]]  # partition -> (parent, "FOR VALUES ...")
    inherits: dict[str, tuple[str, ...]]  # INHERITS child -> parents, in order
    inherited_columns: dict[str, set[str]]  # INHERITS child -> columns it only inherits
    inherited_constraints: dict[str, set[str]]  # table -> constraints cloned from a parent's
    attached_indexes: dict[str, set[str]]  # table -> indexes attached to a parent's index

    def table_fields(self, name: str) -> dict[str, Any]:
        """Table.partition_by/partition_of/partition_bound/inherits of table `name`."""
        parent, bound = self.partition_of.get(name, (None, None))
        return {
            "partition_by": self.partition_by.get(name),
            "partition_of": parent,
            "partition_bound": bound,
            "inherits": self.inherits.get(name, ()),
        }


def pg_inheritance(conn: Connection, schema: str | None = None) -> PgInheritance:
    params = {"schema": schema}
    where = "n.nspname = coalesce(:schema, current_schema())"
    rel = f"pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {where}"
    partition_by = {
        str(r[0]): str(r[1])
        for r in conn.execute(
            text(f"SELECT c.relname, pg_get_partkeydef(c.oid) FROM {rel} AND c.relkind = 'p'"),
            params,
        )
    }
    partition_of: dict[str, tuple[str, str]] = {}
    inherits: dict[str, list[str]] = {}
    for child, parent, bound, is_partition in conn.execute(
        text(
            "SELECT c.relname, p.relname, pg_get_expr(c.relpartbound, c.oid), c.relispartition "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {where} "
            "AND c.relkind IN ('r', 'p', 'f') ORDER BY c.relname, i.inhseqno"
        ),
        params,
    ):
        if is_partition:
            partition_of[str(child)] = (str(parent), str(bound))
        else:
            inherits.setdefault(str(child), []).append(str(parent))
    columns: dict[str, set[str]] = {}
    for table, column in conn.execute(
        text(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {where} "
            "AND a.attnum > 0 AND NOT a.attisdropped AND NOT a.attislocal"
        ),
        params,
    ):
        if str(table) in inherits:
            columns.setdefault(str(table), set()).add(str(column))
    constraints: dict[str, set[str]] = {}
    for table, name in conn.execute(
        text(
            "SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {where} "
            "AND (k.conparentid <> 0 OR NOT k.conislocal)"
        ),
        params,
    ):
        constraints.setdefault(str(table), set()).add(str(name))
    indexes: dict[str, set[str]] = {}
    for table, name in conn.execute(
        text(
            "SELECT t.relname, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {where} "
            "AND c.relkind IN ('i', 'I')"
        ),
        params,
    ):
        indexes.setdefault(str(table), set()).add(str(name))
    return PgInheritance(
        partition_by,
        partition_of,
        {k: tuple(v) for k, v in inherits.items()},
        columns,
        constraints,
        indexes,
    )


# --- MySQL / MariaDB ----------------------------------------------------------------------


def mysql_database(conn: Connection) -> str:
    return str(conn.execute(text("SELECT DATABASE()")).scalar_one())


def mysql_checks(conn: Connection, schema: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Table -> [{name, sqltext}] from information_schema (column-level checks included)."""
    rows = conn.execute(
        text(
            "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE "
            "FROM information_schema.CHECK_CONSTRAINTS cc "
            "JOIN information_schema.TABLE_CONSTRAINTS tc "
            "  ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA "
            "  AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' "
            + _mariadb_table_match(conn)
            + "WHERE cc.CONSTRAINT_SCHEMA = coalesce(:schema, DATABASE()) "
            + "ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME"
        ),
        {"schema": schema},
    ).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for table, name, clause in rows:
        out.setdefault(str(table), []).append({"name": str(name), "sqltext": str(clause)})
    return out


def _mariadb_table_match(conn: Connection) -> str:
    """MariaDB's CHECK_CONSTRAINTS has TABLE_NAME (names are unique per table, not schema)."""
    return "  AND tc.TABLE_NAME = cc.TABLE_NAME " if _is_mariadb(conn) else ""


def _is_mariadb(conn: Connection) -> bool:
    return bool(getattr(conn.dialect, "is_mariadb", False))


# --- SQLite -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SqliteTable:
    sql: str
    rowid_alias: str | None  # the INTEGER PRIMARY KEY column, if any
    fk_actions: dict[tuple[tuple[str, ...], str], tuple[str, str]]  # (cols, table) -> (del, upd)
    generated: dict[str, str]  # column -> expression
    unique_sets: tuple[tuple[str, ...], ...]  # columns of each UNIQUE constraint (inline too)


def sqlite_table(conn: Connection, name: str) -> SqliteTable:
    sql = str(
        conn.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": name}
        ).scalar()
        or ""
    )
    quoted = '"' + name.replace('"', '""') + '"'
    info = conn.exec_driver_sql(f"PRAGMA table_xinfo({quoted})").all()
    pk = [row for row in info if row[5]]
    alias = None
    if len(pk) == 1 and str(pk[0][2]).upper() == "INTEGER" and not _without_rowid(sql):
        alias = str(pk[0][1])
    fks: dict[int, list[Any]] = {}
    for row in conn.exec_driver_sql(f"PRAGMA foreign_key_list({quoted})").all():
        fks.setdefault(int(row[0]), []).append(row)
    actions = {}
    for rows in fks.values():
        rows.sort(key=lambda r: int(r[1]))
        key = (tuple(str(r[3]) for r in rows), str(rows[0][2]))
        actions[key] = (str(rows[0][6]), str(rows[0][5]))
    generated_names = {str(row[1]) for row in info if int(row[6]) in (2, 3)}
    generated = _generated_columns(sql) if generated_names else {}
    uniques = []
    for row in conn.exec_driver_sql(f"PRAGMA index_list({quoted})").all():
        if str(row[3]) == "u":  # origin: a UNIQUE constraint, column- or table-level
            index = '"' + str(row[1]).replace('"', '""') + '"'
            cols = conn.exec_driver_sql(f"PRAGMA index_info({index})").all()
            uniques.append(tuple(str(c[2]) for c in sorted(cols, key=lambda c: int(c[0]))))
    return SqliteTable(sql, alias, actions, generated, tuple(uniques))


def _without_rowid(sql: str) -> bool:
    return re.search(r"\)\s*WITHOUT\s+ROWID\s*;?\s*$", sql, re.IGNORECASE) is not None


def _generated_columns(sql: str) -> dict[str, str]:
    try:
        with quiet_sqlglot():
            tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return {}
    out = {}
    for coldef in tree.find_all(exp.ColumnDef):
        for constraint in coldef.constraints:
            if isinstance(constraint.kind, exp.ComputedColumnConstraint):
                out[coldef.name] = constraint.kind.this.sql(dialect="sqlite")
    return out


@dataclass(frozen=True)
class SqliteIndex:
    name: str
    table: str
    unique: bool
    columns: tuple[str, ...]
    expressions: bool
    where: str | None


def sqlite_indexes(conn: Connection) -> list[SqliteIndex]:
    """Every explicitly created index, parsed from its CREATE INDEX text."""
    rows = conn.execute(
        text(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    ).all()
    out = []
    for name, table, sql in rows:
        try:
            with quiet_sqlglot():
                tree = sqlglot.parse_one(str(sql), read="sqlite")
        except sqlglot.errors.SqlglotError:
            continue
        index = tree.this if isinstance(tree, exp.Create) else None
        params = index.args.get("params") if isinstance(index, exp.Index) else None
        if params is None:
            continue
        parts: list[str] = []
        expressions = False
        for ordered in params.args.get("columns") or []:
            node = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            if isinstance(node, exp.Column) and not node.table:
                parts.append(node.name)
            else:
                expressions = True
                parts.append(node.sql(dialect="sqlite"))
            if isinstance(ordered, exp.Ordered) and ordered.args.get("desc"):
                parts[-1] += " DESC"
                expressions = True
        where = params.args.get("where")
        out.append(
            SqliteIndex(
                name=str(name),
                table=str(table),
                unique=bool(tree.args.get("unique")),
                columns=tuple(parts),
                expressions=expressions,
                where=where.this.sql(dialect="sqlite") if where is not None else None,
            )
        )
    return out


def declared_type(
    conn: Connection, dialect: str, table: str, column: str, schema: str | None = None
) -> str | None:
    """A column's type as the database spells it, for types SQLAlchemy does not know (it
    reflects them as NullType): PostgreSQL `format_type`, MariaDB `COLUMN_TYPE`, SQLite the
    declared type."""
    if dialect == "postgresql":
        sql = (
            "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "WHERE a.attrelid = to_regclass(coalesce(quote_ident(:s) || '.', '') || quote_ident(:t)) "
            "AND a.attname = :c"
        )
    elif dialect == "mysql":
        sql = (
            "SELECT COLUMN_TYPE FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = coalesce(:s, DATABASE()) "
            "AND TABLE_NAME = :t AND COLUMN_NAME = :c"
        )
    else:
        sql = "SELECT type FROM pragma_table_info(:t) WHERE name = :c"
    params = {"t": table, "c": column} | ({"s": schema} if dialect != "sqlite" else {})
    value = conn.execute(text(sql), params).scalar()
    return str(value) if value else None
