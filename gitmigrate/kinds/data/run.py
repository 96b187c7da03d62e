"""Running data steps: keyset-chunked backfills (`set`), Python transforms (`transform`) and
copies between databases (`copy`). The engine commits after every checkpoint it yields (see
gitmigrate/engine/chunked.py), so each chunk and its record are durable together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from sqlalchemy import inspect

from gitmigrate.core.model import Step
from gitmigrate.data.backfill import ChunkPlan, quarantine_statements, set_chunks, transform_chunks
from gitmigrate.data.backup import (
    backup_exists,
    backup_shape,
    create_backup_statements,
    restore_chunks,
)
from gitmigrate.data.naming import backup_table_name, quarantine_table_name
from gitmigrate.data.options import DataOptions, options_of
from gitmigrate.data.table import DataTable, load_table
from gitmigrate.data.transform import load_transform, parse_spec
from gitmigrate.data.triggers import as_record, silencing, trigger_columns, update_triggers
from gitmigrate.engine.kinds import Checkpoint, Finding, StepContext
from gitmigrate.errors import StepFailedError


def apply_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    options = options_of(step.id, step.options)
    if options.mode == "copy":
        from gitmigrate.data.copy_step import copy_apply

        yield from copy_apply(step, options, ctx)
        return
    if options.mode == "subset":
        from gitmigrate.data.subset.step import subset_apply

        yield from subset_apply(step, options, ctx)
        return
    table = load_table(ctx.connection, ctx.dialect, options.table or "", options.key)
    fresh = not ctx.resume
    if fresh:
        _run_checks(step, options.pre_checks, ctx, "pre-check")
    changed = _changed_columns(options, table)
    triggers = update_triggers(ctx.connection, ctx.dialect, table.name)
    # what an UPDATE trigger sets changes with the rows: its before-images are kept as well
    plan = _plan(step, options, table, changed, trigger_columns(triggers, table.columns))
    if plan.backup is not None and not fresh:  # resuming: the shape the backup was made with
        kept = tuple(c for c in plan.backup.columns if c not in table.key)
        plan = replace(plan, backup=_kept(ctx, table, plan.backup.name, kept))
    record = {"update_triggers": as_record(triggers)} if triggers else {}
    if options.mode == "set":
        if fresh and plan.backup is not None:
            for sql in create_backup_statements(table, plan.backup):
                ctx.execute(sql)
        assignments = [(table.column(c), e) for c, e in options.assignments]
        yield from _recorded(set_chunks(ctx, plan, assignments), record)
        return
    transform = _transform(step, options, ctx)
    quarantine = DataTable(quarantine_table_name(step.id), ctx.dialect, (), ())
    if fresh:
        statements = quarantine_statements(quarantine)
        if plan.backup is not None:
            statements += create_backup_statements(table, plan.backup)
        for sql in statements:
            ctx.execute(sql)
    yield from _recorded(transform_chunks(ctx, plan, transform, changed, quarantine), record)


def _recorded(chunks: Iterator[Checkpoint], record: Mapping[str, object]) -> Iterator[Checkpoint]:
    """Each checkpoint carries the table's UPDATE triggers, so the ledger shows what a
    rollback will switch off (or, on MariaDB, cannot)."""
    for checkpoint in chunks:
        yield Checkpoint(checkpoint.position, checkpoint.total, {**checkpoint.data, **record})


def rollback_step(step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
    options = options_of(step.id, step.options)
    if options.mode == "copy":
        from gitmigrate.data.copy_step import copy_rollback

        yield from copy_rollback(step, options, ctx)
        return
    if options.mode == "subset":
        from gitmigrate.data.subset.step import subset_rollback

        yield from subset_rollback(step, options, ctx)
        return
    table = load_table(ctx.connection, ctx.dialect, options.table or "", options.key)
    backup = _kept(ctx, table, backup_table_name(step.id), _changed_columns(options, table))
    before, after, firing = silencing(ctx.connection, ctx.dialect, table.name)
    yield from _recorded(
        restore_chunks(ctx, table, backup, options.batch_size, (before, after)),
        {"triggers_left_firing": firing} if firing else {},
    )
    if options.mode == "transform" and ctx.resume.get("phase") != "dropped":
        quarantine = DataTable(quarantine_table_name(step.id), ctx.dialect, (), ())
        ctx.execute(f"DROP TABLE IF EXISTS {quarantine.quoted}")


def verify_step(step: Step, ctx: StepContext) -> list[Finding]:
    options = options_of(step.id, step.options)
    return _run_checks(step, options.post_checks, ctx, "post-check", raise_on_error=False)


def _changed_columns(options: DataOptions, table: DataTable) -> tuple[str, ...]:
    """The columns a step changes (and keeps before-images of): the left sides of `set`, or
    a transform's declared columns, by default every column but the key."""
    if options.mode == "set":
        return tuple(table.column(c) for c, _ in options.assignments)
    declared = tuple(table.column(c) for c in options.columns)
    return declared or tuple(c for c in table.columns if c not in table.key)


def _kept(ctx: StepContext, table: DataTable, name: str, changed: tuple[str, ...]) -> DataTable:
    """The before-images' shape as the table holding them has it (it may keep columns an
    UPDATE trigger sets beside the changed ones), else as the options say."""
    if backup_exists(ctx, name):
        kept = tuple(c["name"] for c in inspect(ctx.connection).get_columns(name))
        by_name = {c.lower(): c for c in table.columns}
        extra = tuple(by_name[c.lower()] for c in kept if c.lower() in by_name)
        return backup_shape(table, name, tuple(c for c in extra if c not in table.key))
    return backup_shape(table, name, changed)


def _plan(
    step: Step,
    options: DataOptions,
    table: DataTable,
    changed: tuple[str, ...],
    by_triggers: tuple[str, ...] = (),
) -> ChunkPlan:
    if set(changed) & set(table.key):
        raise StepFailedError(
            step.id,
            f"step {step.id} changes key column(s) {', '.join(set(changed) & set(table.key))}"
            f" of {table.name}, which it is chunked by",
            "chunk by another unique NOT NULL key (--key), or change keys with a SQL step",
        )
    name = backup_table_name(step.id)
    kept = changed + tuple(c for c in by_triggers if c not in changed and c not in table.key)
    backup = backup_shape(table, name, kept) if options.backup else None
    return ChunkPlan(
        table,
        options.where,
        options.batch_size,
        backup,
        options.max_rows_per_second,
        options.sleep_between_batches,
    )


def _transform(step: Step, options: DataOptions, ctx: StepContext):  # type: ignore[no-untyped-def]
    path, function = parse_spec(options.transform or "")
    source = step.text(Path(path).name)
    if source is None:
        raise StepFailedError(
            step.id,
            f"step {step.id} has no {Path(path).name}",
            f"restore it from the step's commit into {step.path}/",
        )
    root = getattr(ctx.config, "root", None)
    return load_transform(source, f"{step.path}/{Path(path).name}", function, root)


def _run_checks(
    step: Step, name: str | None, ctx: StepContext, label: str, *, raise_on_error: bool = True
) -> list[Finding]:
    """A step's pre- or post-checks: the rules file of `data validate`, run on the target."""
    if not name:
        return []
    from gitmigrate.data.rules import parse_rules
    from gitmigrate.data.validate import validate

    body = step.text(name)
    if body is None:
        raise StepFailedError(
            step.id, f"step {step.id} has no {name}", "restore it or drop the option"
        )
    fmt = "yaml" if name.endswith((".yaml", ".yml")) else "toml"
    report = validate(ctx.connection, parse_rules(body, fmt, f"{step.path}/{name}"))
    if report.passed:
        return []
    message = f"{label} {name} of {step.id}: {report.violations} violation(s) over the threshold"
    if raise_on_error:
        raise StepFailedError(step.id, message, "fix the data, or the rules, and run again")
    return [Finding("error", label, message)]
