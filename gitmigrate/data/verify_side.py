"""The queries `data verify` runs on one side: every checksum is computed inside the database.

A segment's checksum is (row count, md5 of its canonical row texts joined in key order), so the
server does the hashing and only one short line per segment crosses the wire. PostgreSQL and
MariaDB aggregate all segments of an integer key in one GROUP BY (`string_agg ... ORDER BY`,
`GROUP_CONCAT ... ORDER BY`); SQLite, which has neither md5 nor an ordered aggregate before
3.44, takes one cheap rowid-range query per segment over an ordered subquery, hashing the joined
text with a registered Python md5 (one call per segment, not per row). Text keys are ordered
with a binary collation on every side so the two orders agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from gitmigrate.data.keyset import escape_colons
from gitmigrate.data.rowhash import (
    ROW_SEP,
    field,
    register_sqlite_functions,
    render,
    row_text,
    text_constant,
)
from gitmigrate.data.verify_plan import SidePlan, TablePlan
from gitmigrate.schema.render import quote

Checksum = tuple[int, str | None]  # (rows, md5 of the joined row texts; None when empty)
Bound = tuple[str, tuple[Any, ...]]  # (operator, key values), e.g. (">", (10,))
_POSTGRES_SETUP = (
    "SELECT set_config('jit', 'off', true), set_config('extra_float_digits', '1', true), "
    "set_config('work_mem', GREATEST(pg_size_bytes(current_setting('work_mem')), 134217728) "
    "/ 1024 || 'kB', true)"
)  # transaction-local: the segment sorts fit in memory; JIT costs more than it saves here
_MAX_CONCAT = 4294967295  # MariaDB's group_concat_max_len ceiling: never truncate a segment


class Side:
    """One database's half of a comparison, bound to its connection and its column plan."""

    def __init__(self, conn: Connection, plan: TablePlan, which: str) -> None:
        self.conn = conn
        self.side: SidePlan = plan.source if which == "source" else plan.target
        self.dialect = self.side.dialect
        d = self.dialect
        self.table = quote(self.side.table, d)
        cols = [quote(c, d) for c in self.side.columns]
        self.row = escape_colons(
            row_text(
                d,
                [
                    field(d, col, t, canon, plan.nullable(i), joined=len(cols) > 1)
                    for i, (col, t, canon) in enumerate(
                        zip(cols, self.side.types, plan.canons, strict=True)
                    )
                ],
            )
        )
        self.keys = [escape_colons(cols[i]) for i in plan.key_index]
        self.key_order = [
            self._binary(cols[i]) if self.side.types[i].collation_text else cols[i]
            for i in plan.key_index
        ]
        self.key_canon = [
            escape_colons(render(d, cols[i], self.side.types[i], plan.canons[i]))
            for i in plan.key_index
        ]
        self._saved_concat: Any = None

    def _binary(self, col: str) -> str:
        return {"postgresql": f'{col} COLLATE "C"', "mysql": f"BINARY {col}"}.get(
            self.dialect, f"{col} COLLATE BINARY"
        )

    def prepare(self) -> None:
        """Per-connection set-up: SQLite functions, PostgreSQL settings for this transaction,
        MariaDB's GROUP_CONCAT limit lifted (restored by `finish`)."""
        if self.dialect == "sqlite":
            register_sqlite_functions(self.conn.connection.driver_connection)  # type: ignore[arg-type]
        elif self.dialect == "postgresql":
            self.conn.execute(text(_POSTGRES_SETUP))
        elif self.dialect == "mysql":
            self._saved_concat = self.conn.execute(
                text("SELECT @@SESSION.group_concat_max_len")
            ).scalar()
            self.conn.execute(text(f"SET SESSION group_concat_max_len = {_MAX_CONCAT}"))

    def finish(self) -> None:
        if self.dialect == "mysql" and self._saved_concat is not None:
            self.conn.execute(
                text("SET SESSION group_concat_max_len = :n"), {"n": int(self._saved_concat)}
            )

    # -- predicates ---------------------------------------------------------------------
    def where(self, bounds: Sequence[Bound], params: dict[str, Any]) -> str:
        parts = []
        for op, values in bounds:
            names = []
            for value in values:
                name = f"p{len(params)}"
                params[name] = value
                names.append(f":{name}")
            if len(values) == 1:
                parts.append(f"{self.key_order[0]} {op} {names[0]}")
            else:
                parts.append(f"({', '.join(self.key_order)}) {op} ({', '.join(names)})")
        return " AND ".join(parts) if parts else "1 = 1"

    def _digest_sql(self, where: str) -> str:
        order = ", ".join(self.key_order)
        sep = self._row_sep()
        if self.dialect == "postgresql":
            return (
                f"SELECT count(*), md5(string_agg({self.row}, {sep} ORDER BY {order})) "
                f"FROM {self.table} WHERE {where}"
            )
        if self.dialect == "mysql":
            return (
                f"SELECT COUNT(*), MD5(GROUP_CONCAT({self.row} ORDER BY {order} SEPARATOR {sep})) "
                f"FROM {self.table} WHERE {where}"
            )
        return (
            f"SELECT count(*), gm_md5(CAST(group_concat(r, {sep}) AS BLOB)) FROM "
            f"(SELECT {self.row} AS r FROM {self.table} WHERE {where} ORDER BY {order})"
        )

    def _row_sep(self) -> str:
        """MariaDB's SEPARATOR takes only a literal: the raw control character, quoted."""
        return f"'{ROW_SEP}'" if self.dialect == "mysql" else text_constant(self.dialect, ROW_SEP)

    # -- queries ------------------------------------------------------------------------
    def checksum(self, bounds: Sequence[Bound]) -> Checksum:
        params: dict[str, Any] = {}
        count, digest = self.conn.execute(
            text(self._digest_sql(self.where(bounds, params))), params
        ).one()
        return int(count), digest

    def key_extent(self, bounds: Sequence[Bound]) -> tuple[int | None, int | None]:
        params: dict[str, Any] = {}
        key = self.keys[0]
        low, high = self.conn.execute(
            text(
                f"SELECT min({key}), max({key}) FROM {self.table} WHERE {self.where(bounds, params)}"
            ),
            params,
        ).one()
        return (None if low is None else int(low)), (None if high is None else int(high))

    def buckets(self, base: int, width: int, start: int, stop: int) -> dict[int, Checksum]:
        """Checksums of integer-key buckets (key - base) // width over keys in [start, stop)."""
        if start >= stop:
            return {}
        if self.dialect == "sqlite":
            result = {}
            for b in range((start - base) // width, (stop - 1 - base) // width + 1):
                lo, hi = max(start, base + b * width), min(stop, base + (b + 1) * width)
                got = self.checksum(((">=", (lo,)), ("<", (hi,))))
                if got[0]:
                    result[b] = got
            return result
        key, order = self.keys[0], ", ".join(self.key_order)
        sep = self._row_sep()
        params: dict[str, Any] = {"base": base, "width": width}
        where = self.where(((">=", (start,)), ("<", (stop,))), params)
        if self.dialect == "postgresql":
            bucket = f"(CAST({key} AS BIGINT) - CAST(:base AS BIGINT)) / CAST(:width AS BIGINT)"
            digest = f"md5(string_agg({self.row}, {sep} ORDER BY {order}))"
        else:
            bucket = f"({key} - :base) DIV :width"
            digest = f"MD5(GROUP_CONCAT({self.row} ORDER BY {order} SEPARATOR {sep}))"
        sql = f"SELECT {bucket} AS b, count(*), {digest} FROM {self.table} WHERE {where} GROUP BY 1"
        return {int(b): (int(n), h) for b, n, h in self.conn.execute(text(sql), params)}

    def boundaries(self, bounds: Sequence[Bound], every: int) -> list[tuple[Any, ...]]:
        """Every `every`-th key in key order: the split points of segments for any key type."""
        params: dict[str, Any] = {"every": every}
        keys, order = ", ".join(self.keys), ", ".join(self.key_order)
        sql = (
            f"SELECT {keys} FROM (SELECT {keys}, row_number() OVER (ORDER BY {order}) AS gm_rn "
            f"FROM {self.table} WHERE {self.where(bounds, params)}) gm_s "
            f"WHERE gm_rn % :every = 0 ORDER BY gm_rn"
        )
        return [tuple(r) for r in self.conn.execute(text(sql), params)]

    def row_hashes(self, bounds: Sequence[Bound]) -> dict[tuple[str, ...], str]:
        """Canonical key -> md5 of the row, for the rows in a small differing segment."""
        params: dict[str, Any] = {}
        md5 = "gm_md5" if self.dialect == "sqlite" else "md5"
        sql = (
            f"SELECT {', '.join(self.key_canon)}, {md5}({self.row}) FROM {self.table} "
            f"WHERE {self.where(bounds, params)}"
        )
        return {tuple(r[:-1]): r[-1] for r in self.conn.execute(text(sql), params)}
