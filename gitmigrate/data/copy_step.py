"""A copy step under the engine: create the target tables, load chunk by chunk (each chunk and
its checkpoint commit together), finish with indexes, keys and sequence resets, and with
`cleanup_source` delete source rows range by range once `data verify` found that range equal.

The plan travels in every checkpoint, so a resumed or rolled-back copy knows exactly which
tables it created and where it stopped, even if the source changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from gitmigrate.core.model import Step
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.errors import StepFailedError, UsageError


@contextmanager
def source_connection(options: DataOptions, ctx: StepContext) -> Iterator[Connection]:
    from gitmigrate.db.connect import check_connection, create_target_engine
    from gitmigrate.db.url import redact_url

    if ctx.config is None:
        raise UsageError("a copy step needs the project configuration", "run it through the engine")
    target = ctx.config.target(options.source)
    url = target.resolve_url()
    engine = create_target_engine(url, base_dir=ctx.config.root, access="write")
    try:
        check_connection(engine, target.name if target.name != "(url)" else redact_url(url))
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def copy_apply(step: Step, options: DataOptions, ctx: StepContext) -> Iterator[Checkpoint]:
    from gitmigrate.data.copy import CopyPlan, CopyPosition, CopySpec, copy_chunks, plan_copy

    resume = dict(ctx.resume)
    with source_connection(options, ctx) as source:
        if resume.get("plan"):
            plan = CopyPlan.from_json(resume["plan"])
        else:
            spec = CopySpec(
                tables=options.tables or None,
                mapping=dict(options.mapping or {}),
                where=options.where,
                batch_size=options.batch_size,
                keys=dict(options.keys or {}),
            )
            plan = plan_copy(source, ctx.connection, spec, step_id=step.id)
        saved = plan.to_json()
        position, rows = ctx.start_position, int(resume.get("rows", 0))
        phase = resume.get("phase")
        if phase is None:
            for note in plan.notes:
                ctx.log(f"-- {note}")
            skipped = [sql for sql in plan.before if ctx.execute(sql) is None]
            if ctx.dry_run and skipped:
                # a dry run on MariaDB does not run DDL it could not undo: no table to load
                ctx.log(
                    f"-- dry run: the {len(plan.tables)} table(s) are not loaded, their"
                    f" CREATE TABLE cannot be undone on {ctx.dialect}"
                )
                return
            position += 1
            yield Checkpoint(
                position, None, {"phase": "load", "plan": saved, "at": None, "rows": 0}
            )
            phase = "load"
        if phase == "load":
            at = resume.get("at")
            start = CopyPosition.from_json(at) if at else None
            for chunk in copy_chunks(
                plan,
                source,
                ctx.connection,
                start=start,
                step_id=step.id,
                batch_size=options.batch_size,
                log=ctx.log,
            ):
                rows += chunk.rows
                position += 1
                source.rollback()  # hold no snapshot on the source between chunks
                data = {"phase": "load", "plan": saved, "at": chunk.position.to_json(),
                        "rows": rows, "chunks": position, "table": chunk.table}  # fmt: skip
                yield Checkpoint(position, None, data)
            for sql in plan.after:
                ctx.execute(sql)
            position += 1
            loaded = {"phase": "loaded", "plan": saved, "rows": rows, "chunks": position,
                      "tables": len(plan.tables)}  # fmt: skip
            yield Checkpoint(position, None, loaded)
            phase = "loaded"
        if options.cleanup_source:
            yield from _cleanup_source(step, options, ctx, source, plan, resume, position, rows)


def _cleanup_source(
    step: Step,
    options: DataOptions,
    ctx: StepContext,
    source: Connection,
    plan: Any,
    resume: dict[str, Any],
    position: int,
    rows: int,
) -> Iterator[Checkpoint]:
    """Children first (reverse FK order); each key range verified equal, then deleted."""
    from gitmigrate.data.keyset import (
        affected_rows,
        key_from_json,
        key_json,
        next_upper,
        range_condition,
    )
    from gitmigrate.data.table import load_table
    from gitmigrate.data.verify import verify_table
    from gitmigrate.schema.reflect import dialect_of

    saved = plan.to_json()
    source_dialect = dialect_of(source)
    order = list(reversed(plan.tables))
    done_tables = int(resume.get("cleaned_tables", 0)) if resume.get("phase") == "cleanup" else 0
    after = key_from_json(resume.get("last_key")) if resume.get("phase") == "cleanup" else None
    deleted = int(resume.get("deleted", 0))
    for index in range(done_tables, len(order)):
        table_plan = order[index]
        table = load_table(source, source_dialect, table_plan.source, table_plan.key)
        while True:
            upper = next_upper(source, table, after, options.batch_size)
            source.rollback()
            if upper is None:
                break
            check = verify_table(
                source, ctx.connection, table_plan.source, table_plan.target,
                key=table_plan.key, key_range=(after, upper),
            )  # fmt: skip
            if not check.equal:
                raise StepFailedError(
                    step.id,
                    f"{table_plan.source} differs between source and target for keys after"
                    f" {after} up to {upper}; nothing of that range was deleted from the source",
                    "find the difference with `git migrate data verify`, fix it, then resume",
                )
            condition, params = range_condition(table, after, upper)
            sql = f"DELETE FROM {table.quoted} WHERE {condition}"
            if ctx.dry_run:
                # a dry run's rolled-back transaction covers the target, never the source
                ctx.log(f"-- on the source (dry run: not executed): {sql}")
            else:
                ctx.log(f"-- on the source: {sql}")
                result = source.execute(text(sql), params)
                source.commit()
                deleted += affected_rows(result)
            after = upper
            position += 1
            data = {"phase": "cleanup", "plan": saved, "rows": rows, "cleaned_tables": index,
                    "last_key": key_json(after), "deleted": deleted, "chunks": position}  # fmt: skip
            yield Checkpoint(position, None, data)
        after = None
    position += 1
    final = {"phase": "cleaned", "plan": saved, "rows": rows, "deleted": deleted,
             "cleaned_tables": len(order), "chunks": position}  # fmt: skip
    yield Checkpoint(position, None, final)


def copy_rollback(step: Step, options: DataOptions, ctx: StepContext) -> Iterator[Checkpoint]:
    from gitmigrate.data.copy import CopyPlan, undo_copy

    saved = dict(ctx.applied).get("plan")
    if not saved:
        return  # the copy never got as far as creating anything
    undo_copy(CopyPlan.from_json(saved), ctx.connection, step_id=step.id, log=ctx.log)
    yield Checkpoint(1, None, {"phase": "undone"})
