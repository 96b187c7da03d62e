"""`git migrate data copy`: copy tables between any two of SQLite, PostgreSQL and MariaDB.

The engine drives it: it runs `plan.before`, iterates `copy_chunks` (each yielded chunk is
written in the target's open transaction; the engine adds its checkpoint and commits), then
runs `plan.after`. A resume passes the last committed position and continues right after its
key, so a crash at any instant loses no row and copies none twice. `undo_copy` removes exactly
what the copy inserted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

from sqlalchemy import Connection, inspect, text

from gitmigrate.data.copy_existing import drop_added
from gitmigrate.data.copy_plan import (
    CopyChunk,
    CopyPlan,
    CopyPosition,
    CopySpec,
    TablePlan,
    decode_key,
    encode_value,
)
from gitmigrate.data.copy_planner import plan_copy
from gitmigrate.data.copy_table import TableCopier
from gitmigrate.data.loaders import Row, write_rows
from gitmigrate.schema.reflect import dialect_of
from gitmigrate.schema.render import quote

__all__ = [
    "CopyChunk",
    "CopyPlan",
    "CopyPosition",
    "CopySpec",
    "TablePlan",
    "copy_chunks",
    "plan_copy",
    "undo_copy",
]
_RECORD_COLUMNS = ("table_name", "seq", "key_json")
_DELETE_GROUP = 200


def copy_chunks(
    plan: CopyPlan,
    source: Connection,
    target: Connection,
    *,
    start: CopyPosition | None,
    step_id: str,
    batch_size: int,
    log: Callable[[str], None],
) -> Iterator[CopyChunk]:
    """Copy the plan's tables chunk by chunk from `start` on; each chunk is written inside the
    target's current transaction and left for the caller to commit with its checkpoint.

    On PostgreSQL and MariaDB targets the next chunk is read from the source while the server
    takes the current one (a worker thread waits on the target's socket meanwhile); the
    position only moves when a chunk is yielded, after its rows are written."""
    dst = plan.target_dialect or dialect_of(target)
    first = start.table_index if start is not None else 0
    with ExitStack() as stack:
        pool = None if dst == "sqlite" else stack.enter_context(ThreadPoolExecutor(1))
        for index in range(first, len(plan.tables)):
            table = plan.tables[index]
            last = start.last_key if start is not None and index == start.table_index else None
            copier = TableCopier(plan, table, source, target, batch_size, log)
            seq = None
            rows = copier.read(last)
            while rows:
                last = copier.key(rows[-1])
                _begin_chunk(target, dst, log)
                values = copier.convert(rows)
                sql, write = copier.writer(values)
                log(sql)
                job = pool.submit(write) if pool is not None else None
                if job is None:
                    write()
                upcoming = copier.read(last) if len(rows) == batch_size else []
                if job is not None:
                    job.result()
                if not table.created:
                    if seq is None:
                        seq = _last_seq(target, plan, table, log)
                    seq = _record_keys(target, dst, plan, table, copier.keys(values), seq, log)
                yield CopyChunk(CopyPosition(index, last), table.target, len(rows))
                rows = upcoming


def _begin_chunk(target: Connection, dialect: str, log: Callable[[str], None]) -> None:
    """Per-chunk session settings (also starts the transaction the caller will commit).

    PostgreSQL: the chunk's commit need not wait for its WAL flush; a server crash can lose
    only whole recent chunks together with their checkpoints (same transaction), which a
    resume copies again, and the engine's final synchronous commit flushes them all.
    SQLite: foreign keys are checked at the chunk's commit, not per row, since a table may
    reference rows later in its own load order."""
    statement = {
        "postgresql": "SET LOCAL synchronous_commit TO OFF",
        "sqlite": "PRAGMA defer_foreign_keys = ON",
    }.get(dialect)
    if statement is None:
        return  # MariaDB: the INSERT itself starts the transaction
    log(statement)
    target.exec_driver_sql(statement)


def _last_seq(
    target: Connection, plan: CopyPlan, table: TablePlan, log: Callable[[str], None]
) -> int:
    """The last record number of `table` committed (a resumed copy numbers on from it)."""
    assert plan.record_table is not None
    d = plan.target_dialect
    sql = (
        f"SELECT MAX({quote('seq', d)}) FROM {quote(plan.record_table, d)}"
        f" WHERE {quote('table_name', d)} = :t"
    )
    log(sql)
    found = target.execute(text(sql), {"t": table.target}).scalar()
    return int(found or 0)


def _record_keys(
    target: Connection,
    dialect: str,
    plan: CopyPlan,
    table: TablePlan,
    keys: list[Row],
    seq: int,
    log: Callable[[str], None],
) -> int:
    """Remember the keys inserted into a pre-existing table, in the chunk's transaction."""
    assert plan.record_table is not None
    records = [
        (table.target, seq + n, json.dumps([encode_value(v) for v in key]))
        for n, key in enumerate(keys, start=1)
    ]
    write_rows(target, dialect, plan.record_table, _RECORD_COLUMNS, records, log)
    return seq + len(keys)


def undo_copy(
    plan: CopyPlan, target: Connection, *, step_id: str, log: Callable[[str], None]
) -> None:
    """Remove what the copy inserted: the indexes and foreign keys it added to tables that
    existed, the tables it created, then the rows it recorded in tables that existed before it
    (referencing tables first), then its record table. Safe after
    an interrupted copy (missing tables are skipped). The caller commits."""
    d = plan.target_dialect or dialect_of(target)
    if plan.added:  # what the copy added to tables that existed goes first
        drop_added(target, d, plan.added, log)
    present = {n.lower() for n in inspect(target).get_table_names()}
    record = plan.record_table
    # created tables first: only created tables can reference them, never pre-existing ones
    created = [t.target for t in reversed(plan.tables) if t.created and t.target.lower() in present]
    if created:
        _drop_tables(target, d, created, log)
    if record is not None and record.lower() in present:
        for table in reversed(plan.tables):
            if not table.created and table.target.lower() in present:
                _delete_recorded(target, d, record, table, log)
    if record is not None and record.lower() in present:
        _run(target, f"DROP TABLE {quote(record, d)}", log)


def _run(target: Connection, sql: str, log: Callable[[str], None], params: Any = None) -> Any:
    log(sql)
    return target.execute(text(sql), params or {})


def _drop_tables(
    target: Connection, dialect: str, names: list[str], log: Callable[[str], None]
) -> None:
    if dialect == "postgresql":  # one statement: foreign keys among them do not matter
        _run(target, f"DROP TABLE IF EXISTS {', '.join(quote(n, dialect) for n in names)}", log)
        return
    if dialect == "mysql":
        _run(target, "SET FOREIGN_KEY_CHECKS = 0", log)
    else:
        _run(target, "PRAGMA defer_foreign_keys = ON", log)
    for name in names:
        _run(target, f"DROP TABLE IF EXISTS {quote(name, dialect)}", log)
    if dialect == "mysql":
        _run(target, "SET FOREIGN_KEY_CHECKS = 1", log)


def _delete_recorded(
    target: Connection, dialect: str, record: str, table: TablePlan, log: Callable[[str], None]
) -> None:
    """Delete the recorded keys from `table`, reading the record in seq order, in batches."""

    def q(name: str) -> str:
        return quote(name, dialect)

    key_cols = [table.target_columns[table.columns.index(k)] for k in table.key]
    read = (
        f"SELECT {q('seq')}, {q('key_json')} FROM {q(record)} WHERE {q('table_name')} = :t"
        f" AND {q('seq')} > :last ORDER BY {q('seq')} LIMIT 1000"
    )
    last = 0
    while True:
        found = target.execute(text(read), {"t": table.target, "last": last}).all()
        if not found:
            break
        keys = [decode_key(json.loads(k)) for _, k in found]
        for i in range(0, len(keys), _DELETE_GROUP):
            _delete_keys(target, dialect, table.target, key_cols, keys[i : i + _DELETE_GROUP], log)
        last = int(found[-1][0])
    _run(target, f"DELETE FROM {q(record)} WHERE {q('table_name')} = :t", log, {"t": table.target})


def _delete_keys(
    target: Connection,
    dialect: str,
    table: str,
    key_cols: Sequence[str],
    keys: list[tuple[Any, ...]],
    log: Callable[[str], None],
) -> None:
    params: dict[str, Any] = {}
    terms = []
    for n, key in enumerate(keys):
        parts = []
        for c, (col, value) in enumerate(zip(key_cols, key, strict=True)):
            params[f"k{n}_{c}"] = value
            parts.append(f"{quote(col, dialect)} = :k{n}_{c}")
        terms.append("(" + " AND ".join(parts) + ")")
    _run(target, f"DELETE FROM {quote(table, dialect)} WHERE {' OR '.join(terms)}", log, params)
