"""Reading keyset chunks from the source and writing them to the target, per dialect.

Reads are one bounded query per chunk (`WHERE key > :last ORDER BY key LIMIT n`), fully
fetched, so no cursor stays open across the target's commits. Writes stay inside the target
connection's current transaction: PostgreSQL gets `COPY ... FROM STDIN` through psycopg (rows
streamed, no file), MariaDB a multi-row INSERT (PyMySQL's executemany), SQLite executemany.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from gitmigrate.schema.render import quote, quote_list

Row = tuple[Any, ...]
_MARK = "\x00?\x00"


def _bool(v: Any) -> Any:
    """0/1 to a boolean; text ('true', 'f' ...) is left for the database to read."""
    return v if v is None or isinstance(v, str) else bool(v)


def _bool_int(v: Any) -> Any:
    return v if v is None or isinstance(v, str) else int(bool(v))


def _json_text(v: Any) -> Any:
    return v if v is None or isinstance(v, str) else json.dumps(v)


def _json_array(v: Any) -> Any:
    """A PostgreSQL array as JSON, spelled as its array_to_json() (what verify compares)."""
    if v is None or isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False, default=_json_scalar)


def _json_scalar(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _unpadded(v: Any) -> Any:
    """PostgreSQL CHAR(n) pads with blanks that are not part of the value (its own ::text and
    MySQL's CHAR drop them): elsewhere the value is written without them."""
    return v.rstrip(" ") if isinstance(v, str) else v


def _text(v: Any) -> Any:
    return None if v is None or isinstance(v, (str, int, float, bytes)) else str(v)


def _iso(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat(" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return _time_text(v)


def _utc_naive(v: Any) -> Any:
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.UTC).replace(tzinfo=None)
    return v


def _utc_iso(v: Any) -> Any:
    """A timestamp with time zone as UTC text without offset: the one form SQLite keeps and
    `data verify` reads back (its canonical timestamptz is UTC)."""
    return _iso(_utc_naive(v))


def _time_text(v: Any) -> Any:
    """MySQL's TIME comes back as a timedelta; other databases want a time of day."""
    if not isinstance(v, dt.timedelta):
        return v
    seconds = int(v.total_seconds())
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return text + (f".{v.microseconds:06d}" if v.microseconds else "")


def _bytes(v: Any) -> Any:
    return bytes(v) if isinstance(v, (memoryview, bytearray)) else v


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "bool": _bool,
    "bool_int": _bool_int,
    "json_text": _json_text,
    "json_array": _json_array,
    "utc_iso": _utc_iso,
    "unpadded": _unpadded,
    "text": _text,
    "iso": _iso,
    "utc_naive": _utc_naive,
    "time_text": _time_text,
    "bytes": _bytes,
}


def converter_for(family: str | None, source: str, target: str) -> str | None:
    """The conversion a value of `family` read from `source` needs before `target` takes it."""
    if family is None or (source == target and family != "json"):
        return None
    if family == "json_array":
        return None if source == target else "json_array"
    if family == "json":
        return "json_text"
    if family == "bool":
        return {"postgresql": "bool"}.get(target, "bool_int")
    if family == "char" and source == "postgresql":
        return "unpadded"
    if family == "time" and source == "mysql":
        return "time_text"
    if target == "sqlite":
        if family == "timestamptz":
            return "utc_iso"
        if family in ("date", "time", "timestamp"):
            return "iso"
        if family in ("decimal", "uuid"):
            return "text"
        return "bytes" if family == "bytes" else None
    if target == "mysql":
        if family == "timestamptz":
            return "utc_naive"
        if family == "uuid":
            return "text"
        return "bytes" if family == "bytes" else None
    return None


def convert_rows(rows: list[Row], converters: Sequence[str | None]) -> list[Row]:
    if not any(converters):
        return rows
    funcs = [(i, CONVERTERS[name]) for i, name in enumerate(converters) if name]
    out = []
    for row in rows:
        values = list(row)
        for i, func in funcs:
            values[i] = func(values[i])
        out.append(tuple(values))
    return out


def finish_sql(sql: str, dialect: str) -> str:
    """Put the driver's placeholder where `_MARK` is (escaping '%' for format-style drivers)."""
    if dialect == "sqlite":
        return sql.replace(_MARK, "?")
    return sql.replace("%", "%%").replace(_MARK, "%s")


def keyset_condition(key: Sequence[str], dialect: str) -> str:
    """`key > last` for a key of one or more columns; row values where the database optimises
    them, the expanded OR form on MariaDB (whose range optimiser misses row comparisons)."""
    cols = [quote(k, dialect) for k in key]
    if len(cols) == 1:
        return f"{cols[0]} > {_MARK}"
    if dialect != "mysql":
        return f"({', '.join(cols)}) > ({', '.join([_MARK] * len(cols))})"
    terms = []
    for i, col in enumerate(cols):
        equal = [f"{c} = {_MARK}" for c in cols[:i]]
        terms.append("(" + " AND ".join([*equal, f"{col} > {_MARK}"]) + ")")
    return f"{cols[0]} >= {_MARK} AND (" + " OR ".join(terms) + ")"


def keyset_params(last: Sequence[Any], dialect: str) -> list[Any]:
    if len(last) == 1 or dialect != "mysql":
        return list(last)
    params = [last[0]]
    for i in range(len(last)):
        params += list(last[: i + 1])
    return params


def select_sql(
    table: str, columns: Sequence[str], key: Sequence[str], where: str | None, dialect: str, *,
    after: bool,
) -> str:  # fmt: skip
    conditions = [f"({where})"] if where else []
    if after:
        conditions.append(keyset_condition(key, dialect))
    clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return finish_sql(
        f"SELECT {quote_list(tuple(columns), dialect)} FROM {quote(table, dialect)}{clause}"
        f" ORDER BY {quote_list(tuple(key), dialect)} LIMIT {_MARK}",
        dialect,
    )


def read_chunk(
    source: Connection, dialect: str, sql: str, last: Sequence[Any] | None, limit: int
) -> list[Row]:
    """One chunk through the driver's own cursor (no SQLAlchemy row objects on the hot path)."""
    params = ([] if last is None else keyset_params(last, dialect)) + [limit]
    if not source.in_transaction():
        source.begin()  # so that the caller's source.rollback() ends the driver's snapshot
    cursor = source.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return rows if isinstance(rows, list) else list(rows)  # PyMySQL gives a tuple
    finally:
        cursor.close()


def insert_sql(table: str, columns: Sequence[str], dialect: str) -> str:
    marks = ", ".join([_MARK] * len(columns))
    return finish_sql(
        f"INSERT INTO {quote(table, dialect)} ({quote_list(tuple(columns), dialect)})"
        f" VALUES ({marks})",
        dialect,
    )


def copy_sql(table: str, columns: Sequence[str]) -> str:
    cols = quote_list(tuple(columns), "postgresql")
    return f"COPY {quote(table, 'postgresql')} ({cols}) FROM STDIN"


def pg_format(target: Connection, rows: list[Row], oids: Sequence[int] | None) -> bytes:
    """The COPY data of `rows` (binary when `oids` are given), formatted by psycopg's C
    formatter without any I/O, so that the sending can happen in another thread."""
    from psycopg.adapt import Transformer

    try:
        from psycopg._copy_base import BinaryFormatter, TextFormatter
    except ImportError:  # psycopg 3.1
        from psycopg.copy import BinaryFormatter, TextFormatter  # type: ignore[attr-defined,no-redef]

    driver: Any = target.connection.driver_connection
    transformer = Transformer(driver)
    formatter: Any
    if oids is not None:
        formatter = BinaryFormatter(transformer)
        transformer.set_dumper_types(list(oids), formatter.format)
    else:
        formatter = TextFormatter(transformer, encoding=driver.info.encoding)
    write = formatter.write_row
    parts = [write(row) for row in rows]
    parts.append(formatter.end())
    return b"".join(parts)


def pg_copy(target: Connection, sql: str, data: bytes) -> None:
    """Send COPY data through psycopg inside the connection's transaction; a database error
    comes out as SQLAlchemy's, like every other statement's."""
    from psycopg import Error as PsycopgError
    from sqlalchemy.exc import DBAPIError

    driver: Any = target.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(data)
    except PsycopgError as exc:
        raise DBAPIError.instance(sql, None, exc, PsycopgError) from exc


def write_rows(
    target: Connection,
    dialect: str,
    table: str,
    columns: Sequence[str],
    rows: list[Row],
    log: Callable[[str], None],
) -> None:
    """Insert `rows` inside the target's current transaction (never committed here)."""
    if not rows:
        return
    sql = (
        copy_sql(table, columns) if dialect == "postgresql" else insert_sql(table, columns, dialect)
    )
    log(sql)
    if dialect == "postgresql":
        pg_copy(target, sql, pg_format(target, rows, None))
    else:
        target.exec_driver_sql(sql, rows)
