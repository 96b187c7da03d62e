"""A subset step under the engine, in four phases; every checkpoint is committed by the engine
in the target's transaction together with the work before it.

- plan: compute the closure on the source, create the target's schemas and tables with their
  foreign keys, stage the planned keys (staging.py). One checkpoint carries the plan.
- load: per table in load order, the staged keys in seq order, a batch at a time: rows read
  from the source by key, masked, deferred foreign-key columns NULL, written (load.py).
- fixup: the deferred columns set, masked the same way (fixup.py).
- finish: secondary indexes, sequence resets, the staging table dropped, SQLite's
  `PRAGMA foreign_key_check` clean and the rows of every table equal to the plan.

A resume continues after the last committed (table, seq), so no row is copied twice; the
rollback drops what the plan created.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text

from gitmigrate.core.model import Step
from gitmigrate.data.copy_step import source_connection
from gitmigrate.data.options import DataOptions
from gitmigrate.data.subset.compute import (
    ClosureFn,
    compute,
    handed,
    mask_rules,
    read_mask_key,
)
from gitmigrate.data.subset.fixup import fixup_batch
from gitmigrate.data.subset.load import Masker, TableLoader
from gitmigrate.data.subset.plan import SubsetPlan, plan_subset
from gitmigrate.data.subset.staging import in_memory, read_keys, stage_keys
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.errors import StepFailedError
from gitmigrate.schema.render import quote


def subset_apply(
    step: Step, options: DataOptions, ctx: StepContext, closure_of: ClosureFn = compute
) -> Iterator[Checkpoint]:
    resume = dict(ctx.resume)
    # the key first: a missing one stops the step before anything is written
    key = read_mask_key(options.mask_key_env) if options.mask else None
    rules_text = _rules_text(step, options)
    with ExitStack() as stack, source_connection(options, ctx) as source:
        from gitmigrate.schema.reflect import dialect_of

        position, phase = ctx.start_position, resume.get("phase")
        rules: Any = None
        # the keys just staged, kept in memory for this call's load (a resume reads them back)
        staged_now: tuple[Any, set[int]] | None = None
        if phase is None:
            computed = handed(step.id, options) or closure_of(source, options)
            if rules_text is not None:
                rules = mask_rules(rules_text, f"{step.path}/{options.mask}", computed)
            _clear_interrupted_plan(step, ctx, computed.closure, options)
            plan = plan_subset(
                computed.closure, computed.tables, ctx.connection,
                source_dialect=dialect_of(source), step_id=step.id,
                schema_map=options.schema_map,
            )  # fmt: skip
            try:
                for sql in plan.before:
                    ctx.execute(sql)
                plain = stage_keys(ctx.connection, plan.target_dialect, plan.stage,
                                   computed.closure, ctx.log)  # fmt: skip
            except Exception:
                if plan.target_dialect == "mysql":  # its DDL committed itself: undo it
                    ctx.connection.rollback()
                    undo_subset(plan, ctx)
                    ctx.connection.commit()
                raise
            source.rollback()
            staged_now = computed.closure, plain
            position += 1
            yield Checkpoint(position, None, _data(plan, "load", 0, 0, rows=0))
            phase, resume = "load", {}
        else:
            plan = SubsetPlan.from_json(resume["plan"])
            if phase == "done":
                return  # finished; only the ledger's last word was missing
            if rules_text is not None:
                rules = _propagated(rules_text, f"{step.path}/{options.mask}", plan)
        base = Path(ctx.config.root) / step.path if ctx.config is not None else None
        loaders = [
            TableLoader(
                t,
                source,
                ctx.connection,
                source_dialect=plan.source_dialect,
                target_dialect=plan.target_dialect,
                masker=_masker(rules, t, key, base, plan.source_dialect),
                log=ctx.log,
                step_id=step.id,
            )  # fmt: skip
            for t in plan.tables
        ]
        rows = int(resume.get("rows", 0))
        if phase == "load":
            pool = (
                None
                if plan.target_dialect == "sqlite"
                else stack.enter_context(ThreadPoolExecutor(1))
            )
            for index in range(int(resume.get("table", 0)), len(plan.tables)):
                start = int(resume.get("seq", 0)) if index == resume.get("table") else 0

                def staged(after: int, index: int = index) -> list[tuple[int, Any]]:
                    if staged_now is not None and index in staged_now[1]:
                        return in_memory(staged_now[0], index, after, options.batch_size)
                    return read_keys(ctx.connection, plan.target_dialect, plan.stage, index,
                                     after, options.batch_size)  # fmt: skip

                for seq, written in loaders[index].batches(
                    staged, lambda: _begin_chunk(ctx), start, options.batch_size, pool
                ):
                    rows += written
                    source.rollback()  # hold no snapshot on the source between chunks
                    position += 1
                    yield Checkpoint(position, None, _data(plan, "load", index, seq, rows=rows))
            phase, resume = "fixup", {}
        if phase == "fixup":
            fixed = int(resume.get("fixed", 0))
            for index in range(int(resume.get("table", 0)), len(plan.tables)):
                if not plan.tables[index].deferred:
                    continue
                seq = int(resume.get("seq", 0)) if index == resume.get("table") else 0
                while keys := read_keys(ctx.connection, plan.target_dialect, plan.stage, index,
                                        seq, options.batch_size):  # fmt: skip
                    fixed += fixup_batch(loaders[index], [k for _, k in keys], ctx.execute)
                    seq = keys[-1][0]
                    source.rollback()
                    position += 1
                    data = _data(plan, "fixup", index, seq, rows=rows, fixed=fixed)
                    yield Checkpoint(position, None, data)
            # recorded before finishing: on MariaDB the finish's DDL commits by itself, so a
            # resume must know the keys may be gone and the indexes there already
            position += 1
            yield Checkpoint(position, None, _data(plan, "finish", len(plan.tables), 0,
                                                   rows=rows, fixed=fixed))  # fmt: skip
            resume = {"fixed": fixed}
        _finish(step, plan, ctx, again=phase == "finish")
        position += 1
        done = _data(plan, "done", len(plan.tables), 0, rows=rows, fixed=resume.get("fixed", 0))
        yield Checkpoint(position, None, {**done, "tables": len(plan.tables)})


def _data(plan: SubsetPlan, phase: str, table: int, seq: int, **more: Any) -> dict[str, Any]:
    return {"phase": phase, "plan": plan.to_json(), "table": table, "seq": seq, **more}


def _begin_chunk(ctx: StepContext) -> None:
    """PostgreSQL: a chunk's commit need not wait for its WAL flush (as the copy's chunks)."""
    if ctx.dialect == "postgresql":
        ctx.execute("SET LOCAL synchronous_commit TO OFF")


def _rules_text(step: Step, options: DataOptions) -> str | None:
    if not options.mask:
        return None
    body = step.text(options.mask)
    if body is None:
        raise StepFailedError(
            step.id,
            f"step {step.id} has no {options.mask} (its masking rules)",
            f"restore it from the step's commit into {step.path}/",
        )
    return body


def _propagated(text_: str, where: str, plan: SubsetPlan) -> Any:
    from gitmigrate.data.masking import parse_mask_rules, propagate

    return propagate(parse_mask_rules(text_, where), plan.edges)


def _masker(
    rules: Any, table: Any, key: bytes | None, base: Path | None, dialect: str
) -> Masker | None:
    if rules is None or key is None:
        return None
    from gitmigrate.data.masking import table_masker

    masker: Masker = table_masker(
        rules, table.source, table.columns, key=key, unique=set(table.unique),
        types=dict(zip(table.columns, table.types, strict=True)), base_dir=base,
        dialect=dialect,
    )  # fmt: skip
    return masker


def _finish(step: Step, plan: SubsetPlan, ctx: StepContext, *, again: bool = False) -> None:
    """Indexes, sequence resets, the staging table dropped, then the checks. `again`: a finish
    interrupted on MariaDB, whose indexes may exist already (the statements are idempotent
    but for that)."""
    d = plan.target_dialect
    for sql in plan.after:
        if again and d == "mysql":
            _tolerant(ctx, sql)
        else:
            ctx.execute(sql)
    ctx.execute(f"DROP TABLE IF EXISTS {quote(plan.stage, d)}")
    conn = ctx.connection
    if d == "sqlite":
        ctx.log("PRAGMA foreign_key_check")
        problems = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        ours = {t.target.name.lower() for t in plan.tables}
        bad = [r for r in problems if str(r[0]).lower() in ours]
        if bad:
            raise StepFailedError(
                step.id,
                f"PRAGMA foreign_key_check finds {len(bad)} violation(s), first in {bad[0][0]}"
                f" (rowid {bad[0][1]}) referencing {bad[0][2]}",
                "report it: the closure should hold every parent; roll the step back",
            )
    wrong = []
    for table in plan.tables:
        sql = f"SELECT COUNT(*) FROM {table.target.quoted(d)}"
        ctx.log(sql)
        count = int(conn.execute(text(sql)).scalar() or 0)
        if count != table.rows:
            wrong.append(f"{table.target.label} has {count} rows, the plan {table.rows}")
    if wrong:
        raise StepFailedError(
            step.id,
            "the subset does not match its plan: " + "; ".join(wrong),
            "roll the step back (`git migrate rollback --steps 1`) and apply it again",
        )


def _tolerant(ctx: StepContext, sql: str) -> None:
    """Run `sql`, taking MariaDB's "duplicate key name" (1061) as done already."""
    from sqlalchemy.exc import DBAPIError

    try:
        ctx.execute(sql)
    except DBAPIError as exc:
        code = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
        if code != 1061:
            raise
        ctx.log(f"-- already there: {sql}")


def _clear_interrupted_plan(
    step: Step, ctx: StepContext, closure: Any, options: DataOptions
) -> None:
    """A plan phase killed on MariaDB (whose DDL commits by itself) leaves its staging table,
    created first, and maybe empty tables, with no plan recorded to name them. The staging
    table proves they are this step's: its planned tables that exist and are empty are
    dropped, then the staging table, before planning anew."""
    from gitmigrate.data.subset.names import stage_table_name, target_names

    stage = stage_table_name(step.id)
    conn = ctx.connection
    if ctx.dialect != "mysql" or not inspect(conn).has_table(stage):
        return
    ctx.log(f"-- {stage} was left by an interrupted plan of {step.id}: clearing it")
    names = target_names([t.source for t in closure.tables], "mysql", options.schema_map)
    for name in names.values():
        if not inspect(conn).has_table(name.name, schema=name.schema):
            continue
        quoted = name.quoted("mysql")
        if conn.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is None:
            ctx.execute("SET FOREIGN_KEY_CHECKS = 0")
            ctx.execute(f"DROP TABLE {quoted}")
            ctx.execute("SET FOREIGN_KEY_CHECKS = 1")
    ctx.execute(f"DROP TABLE {quote(stage, 'mysql')}")


def subset_rollback(step: Step, options: DataOptions, ctx: StepContext) -> Iterator[Checkpoint]:
    saved = dict(ctx.applied).get("plan")
    if not saved:
        return  # the subset never got as far as creating anything
    undo_subset(SubsetPlan.from_json(saved), ctx)
    yield Checkpoint(1, None, {"phase": "undone"})


def undo_subset(plan: SubsetPlan, ctx: StepContext) -> None:
    """Drop what the plan created: its tables (those still there), the staging table, and
    the schemas (MariaDB: databases) it created once they are empty. The caller commits."""
    d, conn = plan.target_dialect, ctx.connection
    present = _present(conn, plan)
    tables = [t.target.quoted(d) for t in reversed(plan.tables) if t.target in present]
    if d == "postgresql" and tables:
        ctx.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")
    elif tables:
        ctx.execute(
            "SET FOREIGN_KEY_CHECKS = 0" if d == "mysql" else "PRAGMA defer_foreign_keys = ON"
        )
        for name in tables:
            ctx.execute(f"DROP TABLE IF EXISTS {name}")
        if d == "mysql":
            ctx.execute("SET FOREIGN_KEY_CHECKS = 1")
    ctx.execute(f"DROP TABLE IF EXISTS {quote(plan.stage, d)}")
    inspector = inspect(conn)
    for schema in plan.schemas:
        if schema.lower() not in {s.lower() for s in inspector.get_schema_names()}:
            continue
        if inspector.get_table_names(schema=schema) or inspector.get_view_names(schema=schema):
            ctx.log(f"-- schema {schema} is not empty: kept")
            continue
        word = "DATABASE" if d == "mysql" else "SCHEMA"
        ctx.execute(f"DROP {word} {quote(schema, d)}")


def _present(conn: Connection, plan: SubsetPlan) -> set[Any]:
    inspector = inspect(conn)
    names: dict[str | None, set[str]] = {}
    found = set()
    known = (
        {s.lower() for s in inspector.get_schema_names()}
        if plan.target_dialect != "sqlite"
        else set()
    )
    for table in plan.tables:
        schema = table.target.schema
        if schema is not None and schema.lower() not in known:
            continue
        if schema not in names:
            names[schema] = {n.lower() for n in inspector.get_table_names(schema=schema)}
        if table.target.name.lower() in names[schema]:
            found.add(table.target)
    return found


def counts(conn: Connection, plan: SubsetPlan) -> Mapping[str, int]:
    """Rows per target table now (for tests and `data verify`-like checks)."""
    d = plan.target_dialect
    return {
        t.target.label: int(
            conn.execute(text(f"SELECT COUNT(*) FROM {t.target.quoted(d)}")).scalar() or 0
        )
        for t in plan.tables
    }
