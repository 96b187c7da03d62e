"""What a data step does, from its options, in one place: the step note's impact and the
pre-run Impacts of apply and rollback the engine shows."""

from __future__ import annotations

from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.data.naming import backup_table_name
from gitmigrate.data.options import options_of
from gitmigrate.db.url import supports_transactional_ddl
from gitmigrate.engine.kinds import Impact, RowCounts
from gitmigrate.kinds.data.trigger_words import known_triggers, not_exact


def data_impact(
    step: Step, table_rows: RowCounts | None = None, dialect: str | None = None
) -> dict[str, Any]:
    """What a data step touches and how it locks: rows of one chunk at a time, each chunk its
    own short transaction; before-images unless --no-backup; the table's UPDATE triggers and,
    on MariaDB, the columns they set, which its rollback cannot restore exactly."""
    options = options_of(step.id, step.options)
    if options.mode == "subset":
        from gitmigrate.data.subset.note import subset_impact

        return subset_impact(step, options)
    tables = [options.table] if options.table else list(options.tables) or ["(all tables)"]
    rows = table_rows.rows((options.table.lower(),)) if table_rows and options.table else None
    keeps = options.mode != "copy" and options.backup
    return {
        "mode": options.mode,
        "objects": [t for t in tables if t],
        "rows": rows,
        "rows_source": table_rows.source if rows is not None and table_rows else "counted at apply",
        "lock": "row locks of one chunk at a time (a transaction per chunk)",
        "batch_size": options.batch_size,
        "before_images": backup_table_name(step.id) if keeps else None,
        "destructive": bool(step.irreversible),
        "reason": step.irreversible,
        **_triggers(step, dialect, keeps),
        **copy_notes(step, dialect),
    }


def copy_notes(step: Step, dialect: str | None) -> dict[str, Any]:
    """A copy's type mappings and what the target cannot hold, as worked out when the step was
    written (per target dialect; all of them when the target is not known)."""
    found = step.options.get("copy_notes")
    if not isinstance(found, dict):
        return {}
    if dialect in found:
        return {"copy_notes": list(found[dialect])}
    return {"copy_notes": {str(d): list(n) for d, n in found.items()}}


def _triggers(step: Step, dialect: str | None, keeps: bool) -> dict[str, Any]:
    triggers = known_triggers(step)
    if not triggers or not keeps:
        return {}
    found: dict[str, Any] = {"update_triggers": triggers}
    missing = not_exact(step, dialect or "", None)
    if missing:
        found["rollback_not_exact"] = missing
    return found


def analyze(step: Step, dialect: str) -> Impact:
    options = options_of(step.id, step.options)
    if options.mode == "subset":  # new tables only; on MariaDB their DDL commits by itself
        from gitmigrate.data.subset.note import stored_plan

        planned = tuple(str(t.get("target")) for t in stored_plan(step).get("tables") or [])
        return Impact(
            objects=planned or tuple(options.roots),
            statements=0,
            previewable=supports_transactional_ddl(dialect),
            details={"mode": "subset", "batch_size": options.batch_size},
        )
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


def analyze_rollback(step: Step, dialect: str) -> Impact:
    options = options_of(step.id, step.options)
    if options.mode == "subset":
        return Impact(
            objects=tuple(options.roots),
            destructive=True,
            reasons=("drops the tables the subset created",),
            previewable=supports_transactional_ddl(dialect),
        )
    if options.mode == "copy":
        return Impact(
            objects=tuple(options.tables),
            destructive=True,
            reasons=("removes the rows the copy inserted",),
            previewable=supports_transactional_ddl(dialect),
        )
    missing = not_exact(step, dialect)
    return Impact(
        objects=(options.table or "",),
        previewable=supports_transactional_ddl(dialect),
        details={"restores": "before-images", **({"not_exact": missing} if missing else {})},
    )
