"""One table's chunks: read from the source by keyset, converted, and written to the target.

PostgreSQL targets get binary COPY when every column's target type has a binary form and
psycopg's binary dumpers take the chunk's values (formatting happens before anything is sent,
so a refusal costs nothing); otherwise, e.g. SQLite text in an INTEGER column or floats in a
NUMERIC one, the chunk goes as text COPY, whose parsing on the server accepts or refuses each
value as an INSERT would.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Connection, text

from gitmigrate.data.copy_plan import CopyPlan, TablePlan
from gitmigrate.data.loaders import (
    Row,
    convert_rows,
    copy_sql,
    insert_sql,
    pg_copy,
    pg_format,
    read_chunk,
    select_sql,
)
from gitmigrate.schema.reflect import dialect_of
from gitmigrate.schema.render import quote

# PostgreSQL types whose binary COPY form psycopg writes from the Python values we read, and
# refuses (or the server does) for a value it cannot hold. Not smallint/integer: psycopg packs
# a larger int into them silently truncated; not boolean: it takes any object's truth value.
_BINARY = frozenset(
    {
        "bigint", "real", "double precision", "numeric", "text", "character varying",
        "character", "date", "timestamp without time zone", "bytea",
    }
)  # fmt: skip
# what psycopg's binary dumpers raise for a value of another type
_REFUSED = (TypeError, ValueError, AttributeError, OverflowError)


class TableCopier:
    def __init__(
        self,
        plan: CopyPlan,
        table: TablePlan,
        source: Connection,
        target: Connection,
        batch_size: int,
        log: Callable[[str], None],
    ) -> None:
        self.table, self.source, self.target, self.size = table, source, target, batch_size
        self.log = log
        self.src = plan.source_dialect or dialect_of(source)
        self.dst = plan.target_dialect or dialect_of(target)
        self.sql = {
            after: select_sql(table.source, table.columns, table.key, plan.where, self.src, after=after)
            for after in (False, True)
        }  # fmt: skip
        self.key_at = [table.columns.index(k) for k in table.key]
        self.binary: list[int] | None = None
        self.binary_known = False

    def read(self, last: tuple[Any, ...] | None) -> list[Row]:
        return read_chunk(self.source, self.src, self.sql[last is not None], last, self.size)

    def key(self, row: Row) -> tuple[Any, ...]:
        return tuple(row[i] for i in self.key_at)

    def convert(self, rows: list[Row]) -> list[Row]:
        return convert_rows(rows, self.table.converters)

    def keys(self, values: list[Row]) -> list[Row]:
        """Key values as written to the target (converted like the rows)."""
        return [self.key(r) for r in values]

    def writer(self, values: list[Row]) -> tuple[str, Callable[[], object]]:
        """The statement that writes `values` and the call that runs it (in any thread)."""
        if self.dst != "postgresql":
            sql = insert_sql(self.table.target, self.table.target_columns, self.dst)
            return sql, partial(self.target.exec_driver_sql, sql, values)
        sql = copy_sql(self.table.target, self.table.target_columns)
        from psycopg import Error as PsycopgError  # only PostgreSQL targets need the driver

        oids = self._binary_form()
        if oids is not None:
            try:
                data = pg_format(self.target, values, oids)
            except (*_REFUSED, PsycopgError):
                pass
            else:
                sql += " (FORMAT BINARY)"
                return sql, partial(pg_copy, self.target, sql, data)
        return sql, partial(pg_copy, self.target, sql, pg_format(self.target, values, None))

    def _binary_form(self) -> list[int] | None:
        """The target columns' type oids, or None if a column has no binary form here. Read
        once per table from the target's catalog."""
        if not self.binary_known:
            self.binary_known = True
            sql = (
                "SELECT attname, atttypid::int, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = to_regclass(:t) AND attnum > 0 AND NOT attisdropped"
            )
            self.log(sql)
            rows = self.target.execute(
                text(sql), {"t": quote(self.table.target, "postgresql")}
            ).all()
            types = {str(r[0]): (int(r[1]), str(r[2])) for r in rows}
            found = [types.get(c) for c in self.table.target_columns]
            if all(f is not None and f[1] in _BINARY for f in found):
                self.binary = [f[0] for f in found if f]
        return self.binary
