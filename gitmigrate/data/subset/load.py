"""Loading one batch of a subset table: its staged keys' rows read from the source in a few
bounded queries (row-value IN, never one query per row), put back in the staged order (a
self-referenced parent before its children), masked, their deferred foreign-key columns set
NULL, converted for the target and written inside the target's open transaction
(PostgreSQL: COPY; MariaDB: a multi-row INSERT; SQLite: executemany).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from operator import itemgetter
from typing import Any, Protocol

from sqlalchemy import Connection

from gitmigrate.data.loaders import Row, convert_rows, pg_copy, pg_format
from gitmigrate.data.subset.names import source_quoted
from gitmigrate.data.subset.plan import LoadTable
from gitmigrate.data.subset.staging import key_lookup, normal
from gitmigrate.errors import StepFailedError
from gitmigrate.schema.render import quote, quote_list

_READ = 5000  # keys per source query (SQLite: inside its 32766 parameters)


class Masker(Protocol):
    """What the load needs of masking.TableMasker."""

    active: bool

    def mask_rows(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]: ...


class TableLoader:
    """Reads, masks, converts and writes the rows of one table of the plan."""

    def __init__(
        self,
        table: LoadTable,
        source: Connection,
        target: Connection,
        *,
        source_dialect: str,
        target_dialect: str,
        masker: Masker | None,
        log: Callable[[str], None],
        step_id: str,
    ) -> None:
        self.table, self.source, self.target = table, source, target
        self.src, self.dst, self.masker, self.log = source_dialect, target_dialect, masker, log
        self.step_id = step_id
        lower = [c.lower() for c in table.columns]
        self.key_at = [lower.index(k.lower()) for k in table.key]
        deferred = {c.lower() for e in table.deferred for c in e.columns}
        self.deferred_at = [i for i, c in enumerate(lower) if c in deferred]
        # PostgreSQL takes a one-column key's values as one array parameter: one query a batch
        self._as_array = source_dialect == "postgresql" and len(table.key) == 1

    def fetch(self, keys: Sequence[tuple[Any, ...]]) -> list[Row]:
        """The source rows of `keys`, in the keys' order; a key gone from the source is an
        error (the plan's row counts would no longer hold)."""
        size = len(keys) if self._as_array else min(_READ, 30_000 // len(self.table.key))
        rows: list[Row] = []
        for start in range(0, len(keys), size):
            sql, params = self._select(keys[start : start + size])
            rows.extend(_driver_rows(self.source, self.src, sql, params))
        key_of = itemgetter(*self.key_at)
        bytes_like = bool(rows) and _bytes_like(self._key(rows[0], key_of))
        if bytes_like or any(_bytes_like(k) for k in keys[:1]):
            found = {normal(self._key(r, key_of)): r for r in rows}
            order: Sequence[Any] = list(key_lookup(keys))
        elif len(self.key_at) == 1:  # the usual key: the rows by its value, no tuples built
            found = dict(zip(map(key_of, rows), rows, strict=True))
            order = [k[0] for k in keys]
        else:
            found = dict(zip(map(key_of, rows), rows, strict=True))
            order = [tuple(k) for k in keys]
        if len(found) != len(order) or len(rows) != len(order):
            missing = [k for k in order if k not in found]
            if missing:
                first = list(missing[0]) if isinstance(missing[0], tuple) else [missing[0]]
                raise StepFailedError(
                    self.step_id,
                    f"{len(missing)} planned row(s) of {self.table.source.label} are gone from"
                    f" the source (first key: {first})",
                    "roll the step back (`git migrate rollback --steps 1`) and apply it again"
                    " to plan the subset anew",
                )
        return [found[k] for k in order]

    def _key(self, row: Row, key_of: Callable[[Row], Any]) -> tuple[Any, ...]:
        value = key_of(row)
        return value if len(self.key_at) > 1 else (value,)

    def prepare(self, rows: list[Row]) -> list[Row]:
        """Masked, deferred columns NULL, converted: the rows as the target takes them."""
        if self.masker is not None and self.masker.active:
            rows = self.masker.mask_rows(rows)
        if self.deferred_at:
            rows = [_nulled(r, self.deferred_at) for r in rows]
        return convert_rows(rows, self.table.converters)

    def masked(self, rows: list[Row]) -> list[Row]:
        """Masked and converted, deferred columns kept: what the fix-up phase sets them to."""
        if self.masker is not None and self.masker.active:
            rows = self.masker.mask_rows(rows)
        return convert_rows(rows, self.table.converters)

    def read(self, keys: Sequence[tuple[int, tuple[Any, ...]]]) -> list[Row]:
        """The rows of staged (seq, key) pairs as the target takes them."""
        return self.prepare(self.fetch([k for _, k in keys])) if keys else []

    def batches(
        self,
        staged: Callable[[int], list[tuple[int, tuple[Any, ...]]]],
        begin: Callable[[], None],
        after: int,
        size: int,
        pool: ThreadPoolExecutor | None,
    ) -> Iterator[tuple[int, int]]:
        """(last seq, rows) per batch written after seq `after`, each inside the target's open
        transaction, left for the caller to commit with its checkpoint. With a `pool`
        (PostgreSQL and MariaDB targets) the next batch is read from the source while the
        server takes this one; nothing of it is written before this batch's checkpoint."""
        keys = staged(after)
        rows = self.read(keys)
        while keys:
            upcoming_keys = staged(keys[-1][0]) if len(keys) == size else []
            begin()
            sql, call = writer(self.target, self.dst, self.table.target.quoted(self.dst),
                               self.table.columns, rows)  # fmt: skip
            self.log(sql)
            job = pool.submit(call) if pool is not None else None
            if job is None:
                call()
            try:
                upcoming = self.read(upcoming_keys)
            finally:
                if job is not None:
                    job.result()
            yield keys[-1][0], len(rows)
            keys, rows = upcoming_keys, upcoming

    def _select(self, keys: Sequence[tuple[Any, ...]]) -> tuple[str, list[Any]]:
        d = self.src
        mark = "?" if d == "sqlite" else "%s"

        def esc(sql: str) -> str:  # format-style drivers read '%' in a name as a placeholder
            return sql if d == "sqlite" else sql.replace("%", "%%")

        cols = esc(quote_list(self.table.columns, d))
        key = [esc(quote(k, d)) for k in self.table.key]
        params: list[Any] = [v for k in keys for v in k]
        if self._as_array:
            condition, params = f"{key[0]} = ANY(%s)", [params]
        elif len(key) == 1:
            condition = f"{key[0]} IN ({', '.join([mark] * len(keys))})"
        else:
            one = "(" + ", ".join([mark] * len(key)) + ")"
            values = ", ".join([one] * len(keys))
            inner = f"VALUES {values}" if d == "sqlite" else values
            condition = f"({', '.join(key)}) IN ({inner})"
        table = esc(source_quoted(self.table.source, d))
        return f"SELECT {cols} FROM {table} WHERE {condition}", params


def _bytes_like(key: Sequence[Any]) -> bool:
    """Whether a key holds values the drivers spell differently (memoryview or bytes)."""
    return any(isinstance(v, (memoryview, bytearray)) for v in key)


def _nulled(row: Row, at: Sequence[int]) -> Row:
    values = list(row)
    for i in at:
        values[i] = None
    return tuple(values)


def _driver_rows(conn: Connection, dialect: str, sql: str, params: list[Any]) -> list[Row]:
    """One query through the driver's own cursor (no SQLAlchemy rows on the hot path)."""
    if not conn.in_transaction():
        conn.begin()  # so that the caller's rollback ends the driver's snapshot
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return rows if isinstance(rows, list) else list(rows)
    finally:
        cursor.close()


def writer(
    target: Connection, dialect: str, table: str, columns: Sequence[str], rows: list[Row]
) -> tuple[str, Callable[[], object]]:
    """The statement that writes `rows` to the quoted (maybe schema-qualified) `table` in the
    target's open transaction, and the call that runs it (in any thread)."""
    cols = quote_list(tuple(columns), dialect)
    if dialect == "postgresql":
        sql = f"COPY {table} ({cols}) FROM STDIN"
        return sql, partial(pg_copy, target, sql, pg_format(target, rows, None))
    mark = "?" if dialect == "sqlite" else "%s"
    head = f"INSERT INTO {table} ({cols}) VALUES "
    if dialect != "sqlite":
        head = head.replace("%", "%%")
    sql = head + "(" + ", ".join([mark] * len(columns)) + ")"
    return sql, partial(target.exec_driver_sql, sql, rows)
