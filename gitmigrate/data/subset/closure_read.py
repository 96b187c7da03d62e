"""The closure's reads: rows of one table whose columns match a batch of value tuples, and a
root's rows. Identifiers are quoted by SQLAlchemy's compiler for the source's dialect; values
are bound parameters, expanded into one row-value IN per batch (never one query per row)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Select, column, literal_column, select, table, tuple_
from sqlalchemy.exc import DBAPIError, StatementError

from gitmigrate.data.subset.model import Key, QName, Root
from gitmigrate.errors import UsageError

# SQLite's default limit of bound variables per statement is 32,766 (999 before 3.32)
_MAX_PARAMS = {"sqlite": 30_000, "postgresql": 60_000, "mysql": 60_000}


def batch_size(dialect: str, chunk: int, width: int) -> int:
    """Value tuples per query: `chunk`, within the driver's limit of bound parameters."""
    return max(1, min(chunk, _MAX_PARAMS.get(dialect, 30_000) // max(1, width)))


def _select(
    source: QName, columns: Sequence[str], wanted: Sequence[str]
) -> tuple[Select[Any], Any]:
    names = list(dict.fromkeys([*columns, *wanted]))
    found = table(source.name, *(column(n) for n in names), schema=source.schema)
    return select(*(found.c[n] for n in wanted)), found


def rows_matching(
    conn: Connection,
    source: QName,
    wanted: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Key],
) -> list[tuple[Any, ...]]:
    """`SELECT wanted FROM source WHERE (columns) IN (values)`, one statement."""
    stmt, found = _select(source, columns, wanted)
    if len(columns) == 1:
        stmt = stmt.where(found.c[columns[0]].in_([v[0] for v in values]))
    else:
        stmt = stmt.where(tuple_(*(found.c[c] for c in columns)).in_(list(values)))
    return list(conn.execute(stmt).all())


def root_rows(
    conn: Connection, root: Root, source: QName, wanted: Sequence[str]
) -> list[tuple[Any, ...]]:
    """A root's rows (its WHERE as the user wrote it): one query, its columns `wanted`."""
    stmt, _found = _select(source, (), wanted)
    if root.where is not None:
        # literal text, not text(): a ':x' inside the condition is no bind parameter
        stmt = stmt.where(literal_column(f"({root.where})", Boolean))
    try:
        return list(conn.execute(stmt).all())
    except (DBAPIError, StatementError) as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise UsageError(
            f"root {root.text!r} fails on the source: {detail}",
            "fix its WHERE condition (the source's SQL, its columns)",
        ) from exc


def sampled(key: Key, percent: float) -> bool:
    """Whether a row is in a `percent` sample: a stable hash of its key (BLAKE2b of the values'
    text), so every run on the same data picks the same rows, about `percent` of them."""
    if percent >= 100:
        return True
    data = "\x1f".join("\x00" if v is None else str(v) for v in key).encode()
    bucket = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") % 1_000_000
    return bucket < percent * 10_000
