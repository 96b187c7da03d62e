"""The chunk loops of set-based backfills and Python transforms.

Each chunk: find its upper key through the index, save the before-images of the rows it will
change, change them, and yield a checkpoint (last key, rows, chunks) which the engine commits
together with the chunk. Resuming starts after the checkpoint's last key.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from gitmigrate.data.backup import save_range_statement
from gitmigrate.data.chunksum import ChunkChecksums
from gitmigrate.data.keyset import (
    affected_rows,
    escape_colons,
    key_from_json,
    key_json,
    next_upper,
    where_clause,
)
from gitmigrate.data.table import DataTable, estimated_rows
from gitmigrate.data.transform import LoadedTransform, run_transform
from gitmigrate.engine.kinds import Checkpoint, StepContext


@dataclass(frozen=True)
class ChunkPlan:
    table: DataTable
    where: str | None
    batch_size: int
    backup: DataTable | None  # None: --no-backup
    max_rows_per_second: float = 0.0
    sleep_between_batches: float = 0.0


class Throttle:
    """--max-rows-per-second and --sleep-between-batches: sleeps after a chunk is committed
    (the generator resumes only after the engine's commit), never while holding row locks."""

    def __init__(
        self,
        max_rows_per_second: float,
        sleep_between: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_rate = max_rows_per_second
        self.sleep_between = sleep_between
        self.clock, self.sleep = clock, sleep
        self.started = clock()
        self.rows = 0

    def after_chunk(self, rows: int) -> None:
        self.rows += rows
        if self.max_rate > 0:
            ahead = self.rows / self.max_rate - (self.clock() - self.started)
            if ahead > 0:
                self.sleep(ahead)
        if self.sleep_between > 0:
            self.sleep(self.sleep_between)


def _checksums(ctx: StepContext, plan: ChunkPlan) -> ChunkChecksums | None:
    """None in a dry run that does not execute (MariaDB with helper tables)."""
    chained = dict(ctx.resume).get("checksum") if ctx.resume else None
    return ChunkChecksums(ctx.connection, plan.table, chained)


def _progress(ctx: StepContext, plan: ChunkPlan) -> tuple[Any, int, int, int | None]:
    resume = dict(ctx.resume)
    total = resume.get("rows_total")
    if total is None:
        total = estimated_rows(ctx.connection, plan.table)
    if resume.get("phase") == "apply":
        return (
            key_from_json(resume.get("last_key")),
            int(resume.get("rows", 0)),
            ctx.start_position,
            total,
        )
    return None, 0, 0, total


def set_chunks(
    ctx: StepContext, plan: ChunkPlan, assignments: list[tuple[str, str]]
) -> Iterator[Checkpoint]:
    """UPDATE ... SET col = expr over key ranges, the database doing the work."""
    table = plan.table
    after, rows, chunks, total = _progress(ctx, plan)
    sets = ", ".join(f"{table.q(col)} = {escape_colons(expr)}" for col, expr in assignments)
    throttle = Throttle(plan.max_rows_per_second, plan.sleep_between_batches)
    sums = _checksums(ctx, plan)
    while True:
        upper = next_upper(ctx.connection, table, after, plan.batch_size, plan.where)
        if upper is None:
            break
        condition, params = where_clause(table, after, upper, plan.where)
        if plan.backup is not None:
            ctx.execute(save_range_statement(table, plan.backup, condition), params)
        result = ctx.execute(f"UPDATE {table.quoted} SET {sets} WHERE {condition}", params)
        checksum = sums.chunk(after, upper) if sums else None
        touched = affected_rows(result)
        rows, chunks, after = rows + touched, chunks + 1, upper
        yield _checkpoint(chunks, total, after, rows, checksum=checksum)
        throttle.after_chunk(touched)


def transform_chunks(
    ctx: StepContext,
    plan: ChunkPlan,
    transform: LoadedTransform,
    columns: tuple[str, ...],
    quarantine: DataTable | None,
) -> Iterator[Checkpoint]:
    """Rows in key order through a Python function, one batch per chunk; changed rows written
    back by key, rejected rows sent to the quarantine table with the reason."""
    table = plan.table
    after, rows, chunks, total = _progress(ctx, plan)
    quarantined = int(dict(ctx.resume).get("quarantined", 0)) if chunks else 0
    throttle = Throttle(plan.max_rows_per_second, plan.sleep_between_batches)
    select_columns = ", ".join(table.q(c) for c in table.columns)
    key_names = [f"k{i}" for i in range(len(table.key))]
    key_match = " AND ".join(
        f"{table.q(k)} = :{n}" for k, n in zip(table.key, key_names, strict=True)
    )
    sets = ", ".join(f"{table.q(c)} = :c{i}" for i, c in enumerate(columns))
    sums = _checksums(ctx, plan)
    while True:
        upper = next_upper(ctx.connection, table, after, plan.batch_size, plan.where)
        if upper is None:
            break
        condition, params = where_clause(table, after, upper, plan.where)
        batch = (
            ctx.connection.execute(
                text(f"SELECT {select_columns} FROM {table.quoted} WHERE {condition}"), params
            )
            .mappings()
            .all()
        )
        outcome = run_transform(transform, [dict(r) for r in batch], table.key, columns)
        if outcome.changed:
            keys = [dict(zip(key_names, key, strict=True)) for key, _ in outcome.changed]
            if plan.backup is not None:
                _save_rows(ctx, table, plan.backup, keys, key_names, key_match)
            ctx.execute(
                f"UPDATE {table.quoted} SET {sets} WHERE {key_match}",
                [
                    {**k, **{f"c{i}": new[c] for i, c in enumerate(columns)}}
                    for k, (_, new) in zip(keys, outcome.changed, strict=True)
                ],
            )
        if outcome.rejected and quarantine is not None:
            ctx.execute(
                f"INSERT INTO {quarantine.quoted} (key_json, reason, row_json)"
                " VALUES (:key_json, :reason, :row_json)",
                [
                    {"key_json": json.dumps(key_json(key)), "reason": reason[:2000],
                     "row_json": json.dumps(row, default=str)}
                    for key, reason, row in outcome.rejected
                ],
            )  # fmt: skip
        checksum = sums.chunk(after, upper) if sums else None
        rows += len(outcome.changed)
        quarantined += len(outcome.rejected)
        chunks, after = chunks + 1, upper
        yield _checkpoint(chunks, total, after, rows, quarantined=quarantined, checksum=checksum)
        throttle.after_chunk(len(batch))


def _save_rows(
    ctx: StepContext,
    table: DataTable,
    backup: DataTable,
    keys: list[dict[str, Any]],
    key_names: list[str],
    key_match: str,
) -> None:
    """Before-images of exactly the rows the transform changes (one statement per row batch)."""
    columns = ", ".join(table.q(c) for c in backup.columns)
    ctx.execute(
        f"INSERT INTO {backup.quoted} ({columns}) SELECT {columns} FROM {table.quoted}"
        f" WHERE {key_match}",
        keys,
    )


def quarantine_statements(quarantine: DataTable) -> list[str]:
    text_type = "TEXT" if quarantine.dialect != "mysql" else "LONGTEXT"
    return [
        f"DROP TABLE IF EXISTS {quarantine.quoted}",
        f"CREATE TABLE {quarantine.quoted} (key_json {text_type} NOT NULL,"
        f" reason {text_type} NOT NULL, row_json {text_type} NOT NULL)",
    ]


def _checkpoint(chunks: int, total: int | None, after: Any, rows: int, **extra: Any) -> Checkpoint:
    data = {"phase": "apply", "last_key": key_json(after), "rows": rows, "chunks": chunks,
            "rows_total": total, **extra}  # fmt: skip
    return Checkpoint(chunks, None, data)
