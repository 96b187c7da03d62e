"""Before-images: the key and the changed columns of every row a data step changes, kept in a
table in the target (written in the same transaction as the chunk that changes the rows), and
restored by rollback chunk by chunk, then dropped.

Restoring copies the kept values back, so running it twice is harmless: an interrupted or failed
restore simply starts over.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import inspect

from gitmigrate.data.keyset import (
    affected_rows,
    key_from_json,
    key_json,
    next_upper,
    range_condition,
)
from gitmigrate.data.table import DataTable
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.errors import StepFailedError


def backup_shape(table: DataTable, backup_name: str, changed: tuple[str, ...]) -> DataTable:
    columns = table.key + tuple(c for c in changed if c not in table.key)
    return DataTable(backup_name, table.dialect, columns, table.key)


def create_backup_statements(table: DataTable, backup: DataTable) -> list[str]:
    """Empty copy of the kept columns (CREATE TABLE AS keeps their types) plus a unique index on
    the key, through which restore walks it."""
    columns = ", ".join(table.q(c) for c in backup.columns)
    index = table.q(f"{backup.name}_key"[:60])
    return [
        f"DROP TABLE IF EXISTS {backup.quoted}",
        f"CREATE TABLE {backup.quoted} AS SELECT {columns} FROM {table.quoted} WHERE 1 = 0",
        f"CREATE UNIQUE INDEX {index} ON {backup.quoted} ({', '.join(table.q(c) for c in backup.key)})",
    ]


def save_range_statement(table: DataTable, backup: DataTable, condition: str) -> str:
    columns = ", ".join(table.q(c) for c in backup.columns)
    return (
        f"INSERT INTO {backup.quoted} ({columns}) SELECT {columns} FROM {table.quoted}"
        f" WHERE {condition}"
    )


def restore_statement(table: DataTable, backup: DataTable, condition: str) -> str:
    """Copy the kept values back for the backup rows matching `condition` (on alias b)."""
    q = table.q
    kept = [c for c in backup.columns if c not in backup.key]
    if table.dialect == "mysql":
        join = " AND ".join(f"t.{q(k)} = b.{q(k)}" for k in backup.key)
        sets = ", ".join(f"t.{q(c)} = b.{q(c)}" for c in kept)
        return (
            f"UPDATE {table.quoted} AS t JOIN {backup.quoted} AS b ON {join}"
            f" SET {sets} WHERE {condition}"
        )
    join = " AND ".join(f"{table.quoted}.{q(k)} = b.{q(k)}" for k in backup.key)
    sets = ", ".join(f"{q(c)} = b.{q(c)}" for c in kept)
    return (
        f"UPDATE {table.quoted} SET {sets} FROM {backup.quoted} AS b WHERE {join} AND {condition}"
    )


def backup_exists(ctx: StepContext, name: str) -> bool:
    return bool(inspect(ctx.connection).has_table(name))


def restore_chunks(
    ctx: StepContext,
    table: DataTable,
    backup: DataTable,
    batch: int,
    silence: tuple[list[str], list[str]] = ([], []),
) -> Iterator[Checkpoint]:
    """Restore the before-images in key order, one checkpoint per chunk, then drop them.
    `silence`: statements run before and after each chunk's UPDATE, inside its transaction,
    that keep the table's UPDATE triggers from firing again (data/triggers.py)."""
    off, on = silence
    resume = dict(ctx.resume)
    if resume.get("phase") == "dropped":
        return
    if not backup_exists(ctx, backup.name):
        raise StepFailedError(
            "",
            f"the before-images of {table.name} (table {backup.name}) are gone",
            "they are dropped by `git migrate cleanup` once a migration is complete; without"
            " them this step cannot be rolled back: restore from a database backup",
        )
    after = key_from_json(resume.get("last_key")) if resume.get("phase") == "restore" else None
    rows = int(resume.get("rows", 0)) if resume.get("phase") == "restore" else 0
    chunks = ctx.start_position if resume.get("phase") == "restore" else 0
    while True:
        upper = next_upper(ctx.connection, backup, after, batch)
        if upper is None:
            break
        condition, params = range_condition(backup, after, upper, alias="b.")
        for sql in off:
            ctx.execute(sql)
        result = ctx.execute(restore_statement(table, backup, condition), params)
        for sql in on:
            ctx.execute(sql)
        rows += affected_rows(result)
        chunks += 1
        after = upper
        data: dict[str, Any] = {"phase": "restore", "last_key": key_json(after), "rows": rows}
        yield Checkpoint(chunks, None, {**data, "chunks": chunks})
    ctx.execute(f"DROP TABLE {backup.quoted}")
    yield Checkpoint(chunks + 1, None, {"phase": "dropped", "rows": rows, "chunks": chunks})
