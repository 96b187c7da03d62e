"""The data executor: keyset-chunked backfills (`set`), Python transforms (`transform`) and
copies between databases (`copy`). The engine commits after every checkpoint it yields (see
gitmigrate/engine/chunked.py), so each chunk and its record are durable together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.data.backfill import ChunkPlan, quarantine_statements, set_chunks, transform_chunks
from gitmigrate.data.backup import backup_shape, create_backup_statements, restore_chunks
from gitmigrate.data.naming import backup_table_name, quarantine_table_name
from gitmigrate.data.options import DataOptions, options_of
from gitmigrate.data.table import DataTable, load_table
from gitmigrate.data.transform import load_transform, parse_spec
from gitmigrate.db.connect import supports_transactional_ddl
from gitmigrate.engine.capabilities import Compensator
from gitmigrate.engine.description import Description
from gitmigrate.engine.kinds import Checkpoint, Finding, Impact, StepContext
from gitmigrate.errors import StepFailedError
from gitmigrate.kinds.data.describe import describe_data


class DataKind:
    kind = "data"
    chunked = True
    compensator: Compensator | None = None  # chunks commit with their records: nothing to undo

    def analyze(self, step: Step, dialect: str) -> Impact:
        options = options_of(step.id, step.options)
        objects = (options.table,) if options.table else tuple(options.mapping or options.tables)
        reasons: tuple[str, ...] = ()
        if not options.backup and options.mode != "copy":
            reasons = (f"rewrites rows of {options.table} without keeping before-images",)
        if options.cleanup_source:
            reasons = (*reasons, f"deletes the copied rows from {options.source} once verified")
        # MariaDB commits DDL (the helper tables) by itself: such a step cannot be previewed
        # inside a rolled-back transaction
        creates_tables = options.mode == "copy" or options.backup or options.mode == "transform"
        return Impact(
            objects=tuple(o for o in objects if o),
            destructive=bool(reasons),
            reasons=reasons,
            statements=0,
            previewable=supports_transactional_ddl(dialect) or not creates_tables,
            details={"mode": options.mode, "batch_size": options.batch_size},
        )

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        options = options_of(step.id, step.options)
        if options.mode == "copy":
            return Impact(
                objects=tuple(options.tables),
                destructive=True,
                reasons=("removes the rows the copy inserted",),
                previewable=supports_transactional_ddl(dialect),
            )
        return Impact(
            objects=(options.table or "",),
            previewable=supports_transactional_ddl(dialect),
            details={"restores": "before-images"},
        )

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        return describe_data(step, dialect, note)

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        options = options_of(step.id, step.options)
        if options.mode == "copy":
            from gitmigrate.data.copy_step import copy_apply

            yield from copy_apply(step, options, ctx)
            return
        table = load_table(ctx.connection, ctx.dialect, options.table or "", options.key)
        fresh = not ctx.resume
        if fresh:
            _run_checks(step, options.pre_checks, ctx, "pre-check")
        changed = _changed_columns(options, table)
        plan = _plan(step, options, table, changed)
        if options.mode == "set":
            if fresh and plan.backup is not None:
                for sql in create_backup_statements(table, plan.backup):
                    ctx.execute(sql)
            assignments = [(table.column(c), e) for c, e in options.assignments]
            yield from set_chunks(ctx, plan, assignments)
            return
        transform = _transform(step, options, ctx)
        quarantine = DataTable(quarantine_table_name(step.id), ctx.dialect, (), ())
        if fresh:
            statements = quarantine_statements(quarantine)
            if plan.backup is not None:
                statements += create_backup_statements(table, plan.backup)
            for sql in statements:
                ctx.execute(sql)
        yield from transform_chunks(ctx, plan, transform, changed, quarantine)

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        options = options_of(step.id, step.options)
        if options.mode == "copy":
            from gitmigrate.data.copy_step import copy_rollback

            yield from copy_rollback(step, options, ctx)
            return
        table = load_table(ctx.connection, ctx.dialect, options.table or "", options.key)
        backup = backup_shape(table, backup_table_name(step.id), _changed_columns(options, table))
        yield from restore_chunks(ctx, table, backup, options.batch_size)
        if options.mode == "transform" and ctx.resume.get("phase") != "dropped":
            quarantine = DataTable(quarantine_table_name(step.id), ctx.dialect, (), ())
            ctx.execute(f"DROP TABLE IF EXISTS {quarantine.quoted}")

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        options = options_of(step.id, step.options)
        return _run_checks(step, options.post_checks, ctx, "post-check", raise_on_error=False)


def _changed_columns(options: DataOptions, table: DataTable) -> tuple[str, ...]:
    """The columns a step changes (and keeps before-images of): the left sides of `set`, or
    a transform's declared columns, by default every column but the key."""
    if options.mode == "set":
        return tuple(table.column(c) for c, _ in options.assignments)
    declared = tuple(table.column(c) for c in options.columns)
    return declared or tuple(c for c in table.columns if c not in table.key)


def _plan(
    step: Step, options: DataOptions, table: DataTable, changed: tuple[str, ...]
) -> ChunkPlan:
    if set(changed) & set(table.key):
        raise StepFailedError(
            step.id,
            f"step {step.id} changes key column(s) {', '.join(set(changed) & set(table.key))}"
            f" of {table.name}, which it is chunked by",
            "chunk by another unique NOT NULL key (--key), or change keys with a SQL step",
        )
    backup = backup_shape(table, backup_table_name(step.id), changed) if options.backup else None
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
