"""The table a data step works on: its real name, its columns and the key it is chunked by.

Names are resolved against the database (exact match first, then a unique case-insensitive
match, so `--table Customer` finds PostgreSQL's folded `customer`), and every identifier is
quoted for the dialect wherever it enters SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from gitmigrate.errors import UsageError
from gitmigrate.schema.render import quote


@dataclass(frozen=True)
class DataTable:
    name: str
    dialect: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    nullable: frozenset[str] = frozenset()

    @property
    def quoted(self) -> str:
        return quote(self.name, self.dialect)

    def q(self, column: str) -> str:
        return quote(column, self.dialect)

    def column(self, wanted: str, what: str = "column") -> str:
        """The real spelling of a column, or a clear error naming the columns there are."""
        return resolve_name(wanted, self.columns, f"{what} of table {self.name}")


def resolve_name(wanted: str, names: Sequence[str], where: str) -> str:
    if wanted in names:
        return wanted
    folded = [n for n in names if n.lower() == wanted.lower()]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(sorted(names)[:20]) or "none"
    raise UsageError(f"no {where} named {wanted!r}", f"known: {shown}")


def load_table(
    conn: Connection, dialect: str, name: str, key: Sequence[str] | None = None
) -> DataTable:
    """Reflect `name`; its chunk key is `key`, else the primary key, else a unique key whose
    columns are all NOT NULL. Without one, keyset chunking is impossible: say so."""
    inspector = inspect(conn)
    tables = [t for t in inspector.get_table_names() if not t.startswith("gitmigrate_")]
    real = resolve_name(name, tables, "table")
    reflected = inspector.get_columns(real)
    columns = tuple(c["name"] for c in reflected)
    nullable = frozenset(c["name"] for c in reflected if c.get("nullable", True))
    table = DataTable(real, dialect, columns, (), nullable)
    if key:
        chosen = tuple(table.column(k, "key column") for k in key)
        return DataTable(real, dialect, columns, chosen, nullable)
    primary = tuple(inspector.get_pk_constraint(real).get("constrained_columns") or ())
    if primary:
        return DataTable(real, dialect, columns, primary, nullable)
    candidates = [tuple(u["column_names"]) for u in inspector.get_unique_constraints(real)] + [
        tuple(i["column_names"]) for i in inspector.get_indexes(real) if i.get("unique")
    ]
    for candidate in candidates:
        names = tuple(str(c) for c in candidate if c is not None)
        if names and len(names) == len(candidate) and not set(names) & nullable:
            return DataTable(real, dialect, columns, names, nullable)
    raise UsageError(
        f"table {real} has no primary key or unique NOT NULL key to chunk by",
        "pass --key COL (a column, or several, whose values are unique and never NULL)",
    )


def estimated_rows(conn: Connection, table: DataTable) -> int | None:
    """Rows in the table from the database's statistics (exact on SQLite, which is local)."""
    try:
        if table.dialect == "postgresql":
            value = conn.execute(
                text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:t)"),
                {"t": table.quoted},
            ).scalar()
            if value is not None and value >= 0:
                return int(value)
            return None
        if table.dialect == "mysql":
            value = conn.execute(
                text(
                    "SELECT TABLE_ROWS FROM information_schema.TABLES"
                    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :t"
                ),
                {"t": table.name},
            ).scalar()
            return int(value) if value is not None else None
        return int(conn.execute(text(f"SELECT count(*) FROM {table.quoted}")).scalar() or 0)
    except Exception:  # statistics are a nicety for the progress bar, never a failure
        return None
