"""Keyset chunking: key ranges `(after, upto]` found through the key's index, never OFFSET.

The upper bound of the next chunk is the last of the next `batch` keys after `after` (a LIMITed
index range scan), so each chunk costs the same however far into the table it is. Composite
keys compare as row values on PostgreSQL (which uses the index for them) and in the expanded
`a > x OR (a = x AND b > y)` form elsewhere. Values are always bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.data.table import DataTable

Key = tuple[Any, ...]


def escape_colons(sql: str) -> str:
    """User SQL inside a SQLAlchemy text(): a ':' must not start a bind parameter."""
    return sql.replace(":", "\\:")


def _compare(table: DataTable, op: str, prefix: str, alias: str = "") -> str:
    cols = [f"{alias}{table.q(c)}" for c in table.key]
    names = [f":{prefix}{i}" for i in range(len(cols))]
    if len(cols) == 1:
        return f"{cols[0]} {op} {names[0]}"
    if table.dialect == "postgresql":
        return f"({', '.join(cols)}) {op} ({', '.join(names)})"
    strict = op.rstrip("=")
    terms = []
    for i in range(len(cols)):
        equal = [f"{cols[j]} = {names[j]}" for j in range(i)]
        last_op = op if i == len(cols) - 1 else strict
        terms.append("(" + " AND ".join([*equal, f"{cols[i]} {last_op} {names[i]}"]) + ")")
    return "(" + " OR ".join(terms) + ")"


def range_condition(
    table: DataTable, after: Key | None, upto: Key | None, alias: str = ""
) -> tuple[str, dict[str, Any]]:
    """SQL for `after < key <= upto` (either end open) and its parameters."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if after is not None:
        parts.append(_compare(table, ">", "a", alias))
        params.update({f"a{i}": v for i, v in enumerate(after)})
    if upto is not None:
        parts.append(_compare(table, "<=", "u", alias))
        params.update({f"u{i}": v for i, v in enumerate(upto)})
    return (" AND ".join(parts) or "1 = 1"), params


def where_clause(table: DataTable, after: Key | None, upto: Key | None, where: str | None,
                 alias: str = "") -> tuple[str, dict[str, Any]]:  # fmt: skip
    condition, params = range_condition(table, after, upto, alias)
    if where:
        condition = f"{condition} AND ({escape_colons(where)})"
    return condition, params


def order_by(table: DataTable, descending: bool = False, alias: str = "") -> str:
    suffix = " DESC" if descending else ""
    return ", ".join(f"{alias}{table.q(c)}{suffix}" for c in table.key)


def next_upper(
    conn: Connection, table: DataTable, after: Key | None, batch: int, where: str | None = None
) -> Key | None:
    """The key that ends the next chunk of up to `batch` rows after `after`; None when done."""
    condition, params = where_clause(table, after, None, where)
    keys = ", ".join(table.q(c) for c in table.key)
    sql = (
        f"SELECT {keys} FROM (SELECT {keys} FROM {table.quoted} WHERE {condition}"
        f" ORDER BY {order_by(table)} LIMIT :batch) chunk ORDER BY {order_by(table, True)} LIMIT 1"
    )
    row = conn.execute(text(sql), {**params, "batch": int(batch)}).first()
    return tuple(row) if row is not None else None


def affected_rows(result: Any) -> int:
    """Rows a statement changed; 0 when it was not executed (a dry run that only logs)."""
    count = getattr(result, "rowcount", None)
    return int(count) if isinstance(count, int) and count > 0 else 0


def key_json(key: Sequence[Any] | None) -> list[Any] | None:
    """A key as JSON for the ledger checkpoint (values keep their JSON types)."""
    if key is None:
        return None
    return [v if isinstance(v, int | float | str) or v is None else str(v) for v in key]


def key_from_json(value: Any) -> Key | None:
    return tuple(value) if value is not None else None
