"""Independent checks of a subset's measured goals (issue 16), run against real databases.

They know nothing of how the subset was made: each asks the target (and, where a comparison is
needed, the source) with plain SQL through SQLAlchemy, so a test can hold any subset to them.

- `fk_violations`: orphans found by the database itself (SQLite `PRAGMA foreign_key_check`)
  and, on every dialect, by a LEFT JOIN anti-join per foreign key reflected on the target;
- `foreign_keys`: the constraints the target declares, and whether it enforces them
  (PostgreSQL: validated; MariaDB: an InnoDB table; SQLite: declared);
- `count_mismatches`: row counts per table against a plan;
- `unchanged_rows`, `leaked_values`: no masked row equal to its source row, no masked email or
  phone equal to any source value of those columns;
- `duplicate_groups`: masked unique columns stay unique;
- `join_counts`: a join through a (masked) key gives as many rows in the target as the same
  join over the same child rows in the source.

Tables are `QName`s of the database they are asked of (a target's names may differ from the
source's: `schema__table` on SQLite, one database per schema on MariaDB). Tables whose name
starts with `gitmigrate` (ledger, lock, staging) are never counted as user tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, inspect, text

from gitmigrate.data.subset.model import QName
from gitmigrate.schema.render import quote

Row = tuple[Any, ...]


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key a database declares: `child(columns)` references `parent(ref_columns)`."""

    child: QName
    columns: tuple[str, ...]
    parent: QName
    ref_columns: tuple[str, ...]
    enforced: bool

    @property
    def label(self) -> str:
        cols, refs = ", ".join(self.columns), ", ".join(self.ref_columns)
        return f"{self.child.label}({cols}) -> {self.parent.label}({refs})"


def ref(conn: Connection, table: QName) -> str:
    """The table as SQL: quoted schema (PostgreSQL schema, MariaDB database) and name."""
    name = quote(table.name, conn.dialect.name)
    return f"{quote(table.schema, conn.dialect.name)}.{name}" if table.schema else name


def _cols(conn: Connection, columns: Iterable[str], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + quote(c, conn.dialect.name) for c in columns)


def user_tables(conn: Connection, schemas: Sequence[str | None] = (None,)) -> list[QName]:
    """Every table of `schemas` (None: the connection's default), our own tables left out."""
    found = []
    for schema in schemas:
        for name in inspect(conn).get_table_names(schema=schema):
            if not name.lower().startswith("gitmigrate"):
                found.append(QName(schema, name))
    return sorted(found, key=lambda t: (t.schema or "", t.name))


def foreign_keys(conn: Connection, schemas: Sequence[str | None] = (None,)) -> list[ForeignKey]:
    """The foreign keys declared on the tables of `schemas`, with whether each is enforced."""
    dialect = conn.dialect.name
    found = []
    for table in user_tables(conn, schemas):
        for fk in inspect(conn).get_foreign_keys(table.name, schema=table.schema):
            parent_schema = fk.get("referred_schema")
            if parent_schema is None and dialect != "postgresql":
                parent_schema = table.schema  # None: the child's own (PostgreSQL: the default)
            elif dialect == "mysql" and table.schema is None:
                if parent_schema == conn.scalar(text("SELECT DATABASE()")):
                    parent_schema = None  # MariaDB may name the current database explicitly
            found.append(
                ForeignKey(
                    child=table,
                    columns=tuple(fk["constrained_columns"]),
                    parent=QName(parent_schema, fk["referred_table"]),
                    ref_columns=tuple(fk["referred_columns"]),
                    enforced=_enforced(conn, table, fk.get("name")),
                )
            )
    return found


def _enforced(conn: Connection, table: QName, name: str | None) -> bool:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        valid = conn.execute(
            text(
                "SELECT c.convalidated FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace"
                " WHERE c.contype = 'f' AND c.conname = :name AND t.relname = :table"
                " AND n.nspname = COALESCE(:schema, current_schema())"
            ),
            {"name": name, "table": table.name, "schema": table.schema},
        ).scalar()
        return bool(valid)
    if dialect == "mysql":
        engine = conn.execute(
            text(
                "SELECT ENGINE FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table"
            ),
            {"table": table.name, "schema": table.schema},
        ).scalar()
        return str(engine).lower() == "innodb"
    return True  # SQLite: declared; enforcement is per connection, foreign_key_check is not


def fk_violations(conn: Connection, schemas: Sequence[str | None] = (None,)) -> list[str]:
    """Every foreign-key violation in the tables of `schemas`, as lines; [] when clean.

    SQLite's own `PRAGMA foreign_key_check` first, then an anti-join per declared foreign key
    (MATCH SIMPLE: a row with any NULL in the key references nothing)."""
    problems = []
    if conn.dialect.name == "sqlite":
        for row in conn.execute(text("PRAGMA foreign_key_check")):
            if not str(row[0]).lower().startswith("gitmigrate"):
                problems.append(f"foreign_key_check: {row[0]} rowid {row[1]} -> {row[2]}")
    for fk in foreign_keys(conn, schemas):
        orphans = orphan_count(conn, fk.child, fk.columns, fk.parent, fk.ref_columns)
        if orphans:
            problems.append(f"{fk.label}: {orphans} orphan row(s)")
    return problems


def orphan_count(
    conn: Connection,
    child: QName,
    columns: Sequence[str],
    parent: QName,
    ref_columns: Sequence[str],
) -> int:
    """Rows of `child` whose non-NULL key finds no row of `parent` (LEFT JOIN anti-join)."""
    d = conn.dialect.name
    on = " AND ".join(
        f"p.{quote(r, d)} = c.{quote(c, d)}" for c, r in zip(columns, ref_columns, strict=True)
    )
    not_null = " AND ".join(f"c.{quote(c, d)} IS NOT NULL" for c in columns)
    sql = (
        f"SELECT COUNT(*) FROM {ref(conn, child)} c LEFT JOIN {ref(conn, parent)} p ON {on}"
        f" WHERE {not_null} AND p.{quote(ref_columns[0], d)} IS NULL"
    )
    return int(conn.execute(text(sql)).scalar_one())


def row_count(conn: Connection, table: QName) -> int:
    return int(conn.execute(text(f"SELECT COUNT(*) FROM {ref(conn, table)}")).scalar_one())


def count_mismatches(
    conn: Connection, plan: Mapping[QName, int], *, schemas: Sequence[str | None] | None = None
) -> dict[str, tuple[int, int]]:
    """{table: (planned, actual)} where they differ; with `schemas`, a user table the plan does
    not name counts as planned to hold 0 rows (nothing extra was created)."""
    expected = dict(plan)
    if schemas is not None:
        for table in user_tables(conn, schemas):
            expected.setdefault(table, 0)
    wrong = {}
    for table, rows in sorted(expected.items(), key=lambda i: (i[0].schema or "", i[0].name)):
        actual = row_count(conn, table)
        if actual != rows:
            wrong[table.label] = (rows, actual)
    return wrong


def duplicate_groups(conn: Connection, table: QName, columns: Sequence[str]) -> int:
    """Distinct non-NULL values of `columns` held by more than one row (0: unique)."""
    d = conn.dialect.name
    not_null = " AND ".join(f"{quote(c, d)} IS NOT NULL" for c in columns)
    sql = (
        f"SELECT COUNT(*) FROM (SELECT {_cols(conn, columns)} FROM {ref(conn, table)}"
        f" WHERE {not_null} GROUP BY {_cols(conn, columns)} HAVING COUNT(*) > 1) dup"
    )
    return int(conn.execute(text(sql)).scalar_one())


def normal(value: Any) -> Any:
    """One spelling per value across drivers: Decimal/float/bool as numbers, dates as ISO text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _rows(conn: Connection, table: QName, columns: Sequence[str]) -> Iterator[Row]:
    result = conn.execute(text(f"SELECT {_cols(conn, columns)} FROM {ref(conn, table)}"))
    for row in result:
        yield tuple(normal(v) for v in row)


def unchanged_rows(
    source: Connection,
    source_table: QName,
    target: Connection,
    target_table: QName,
    masked: Sequence[str],
    match: Sequence[str] = (),
) -> int:
    """Target rows whose masked columns all equal those of their source row.

    `match`: columns left unmasked that identify a row in both (a key); without them the check
    is stricter: a target row counts when its masked values equal those of ANY source row."""
    n = len(match)
    if n:
        by_key = {r[:n]: r[n:] for r in _rows(source, source_table, [*match, *masked])}
        return sum(
            by_key.get(r[:n]) == r[n:] for r in _rows(target, target_table, [*match, *masked])
        )
    seen = set(_rows(source, source_table, masked))
    return sum(r in seen for r in _rows(target, target_table, masked))


def email_form(value: Any) -> str:
    return str(value).strip().casefold()


def phone_form(value: Any) -> str:
    """Digits only: a phone re-punctuated is the same phone."""
    digits = re.sub(r"\D", "", str(value))
    return digits if len(digits) >= 5 else str(value).strip()


def leaked_values(
    source: Connection,
    source_columns: Sequence[tuple[QName, str]],
    target: Connection,
    target_columns: Sequence[tuple[QName, str]],
    form: Callable[[Any], str] = email_form,
) -> list[str]:
    """Target values (of masked columns) equal, in `form`, to any source value of any of
    `source_columns` (e.g. every email column of the source); [] when nothing leaked."""
    known = {
        form(v)
        for table, column in source_columns
        for (v,) in _rows(source, table, [column])
        if v is not None
    }
    return sorted(
        f"{table.label}.{column} = {v!r}"
        for table, column in target_columns
        for (v,) in _rows(target, table, [column])
        if v is not None and form(v) in known
    )


def join_count(
    conn: Connection,
    child: QName,
    columns: Sequence[str],
    parent: QName,
    ref_columns: Sequence[str],
) -> int:
    """Rows of child JOIN parent on the foreign key."""
    d = conn.dialect.name
    on = " AND ".join(
        f"p.{quote(r, d)} = c.{quote(c, d)}" for c, r in zip(columns, ref_columns, strict=True)
    )
    sql = f"SELECT COUNT(*) FROM {ref(conn, child)} c JOIN {ref(conn, parent)} p ON {on}"
    return int(conn.execute(text(sql)).scalar_one())


def join_counts(
    source: Connection,
    target: Connection,
    tables: tuple[QName, QName],
    target_tables: tuple[QName, QName],
    columns: Sequence[str],
    ref_columns: Sequence[str],
    match: Sequence[str],
) -> tuple[int, int]:
    """(source, target) row counts of child JOIN parent on a foreign key, the source's restricted
    to the child rows the target holds: those whose `match` columns (unmasked, identifying a
    child row) equal a target row's. Equal counts: masking kept the join."""
    child, parent = tables
    kept = Counter(_rows(target, target_tables[0], match))
    d = source.dialect.name
    on = " AND ".join(
        f"p.{quote(r, d)} = c.{quote(c, d)}" for c, r in zip(columns, ref_columns, strict=True)
    )
    sql = (
        f"SELECT {_cols(source, match, 'c')} FROM {ref(source, child)} c"
        f" JOIN {ref(source, parent)} p ON {on}"
    )
    joined = sum(1 for r in source.execute(text(sql)) if tuple(normal(v) for v in r) in kept)
    return joined, join_count(target, *target_tables[:1], columns, target_tables[1], ref_columns)


def constraint_problems(
    conn: Connection, schemas: Sequence[str | None], expected: Collection[tuple[str, str]]
) -> list[str]:
    """Which expected foreign keys ((child name, parent name), case-insensitive) the target does
    not declare, or declares without enforcing them."""
    declared = {
        (fk.child.name.lower(), fk.parent.name.lower()): fk for fk in foreign_keys(conn, schemas)
    }
    problems = []
    for child, parent in sorted(expected):
        fk = declared.get((child.lower(), parent.lower()))
        if fk is None:
            problems.append(f"no foreign key {child} -> {parent} on the target")
        elif not fk.enforced:
            problems.append(f"foreign key {fk.label} is not enforced")
    return problems


def reference_closure(
    conn: Connection,
    schemas: Sequence[str | None],
    roots: Sequence[tuple[QName, str | None]],
    follow: Collection[QName] = (),
) -> dict[QName, int]:
    """Rows per table of the subset a correct tool copies, computed the slow, obvious way: every
    table read whole into memory, the roots' rows (`WHERE` in the source's SQL) marked, then
    until nothing changes: each marked row's parents on every foreign key (MATCH SIMPLE), and
    the children of marked rows of the `follow` tables. For the small test schemas only."""
    tables = user_tables(conn, schemas)
    fks = foreign_keys(conn, schemas)
    columns = {
        t: [c["name"] for c in inspect(conn).get_columns(t.name, schema=t.schema)] for t in tables
    }
    rows = {t: list(_rows(conn, t, columns[t])) for t in tables}
    marked: dict[QName, set[int]] = {t: set() for t in tables}
    todo: list[tuple[QName, int]] = []
    for table, where in roots:
        cond = f" WHERE {where}" if where else ""
        sql = f"SELECT {_cols(conn, columns[table])} FROM {ref(conn, table)}{cond}"
        chosen = {tuple(normal(v) for v in r) for r in conn.execute(text(sql))}
        todo.extend((table, i) for i, row in enumerate(rows[table]) if row in chosen)

    def index(table: QName, cols: Sequence[str]) -> dict[Row, list[int]]:
        pos = [columns[table].index(c) for c in cols]
        out: dict[Row, list[int]] = {}
        for i, row in enumerate(rows[table]):
            out.setdefault(tuple(row[p] for p in pos), []).append(i)
        return out

    parents = [(fk, index(fk.parent, fk.ref_columns)) for fk in fks]
    children = [(fk, index(fk.child, fk.columns)) for fk in fks if fk.parent in set(follow)]
    while todo:
        table, i = todo.pop()
        if i in marked[table]:
            continue
        marked[table].add(i)
        row = rows[table][i]
        for fk, by_ref in parents:
            if fk.child == table:
                values = tuple(row[columns[table].index(c)] for c in fk.columns)
                if None not in values:
                    todo.extend((fk.parent, j) for j in by_ref.get(values, []))
        for fk, by_cols in children:
            if fk.parent == table:
                values = tuple(row[columns[table].index(c)] for c in fk.ref_columns)
                todo.extend((fk.child, j) for j in by_cols.get(values, []))
    return {t: len(marked[t]) for t in tables}
