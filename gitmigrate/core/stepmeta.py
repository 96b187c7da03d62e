"""The step note: facts derivable from a step's files, so a missing note is recomputed, never
an error (hosting sites drop notes on squash/rebase merges).

The impact of a SQL step lists, per statement, the lock it takes (`gitmigrate.sql.locks`),
the rows of the table it touches and a static duration estimate (`gitmigrate.schema.impact`).
Rows are known only when the note is written with table statistics at hand (`schema diff`
from a live database); otherwise `rows` is null with `rows_source` saying why. Keys are only
ever added: readers must accept notes written before a key existed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_step_notes

if TYPE_CHECKING:
    from gitmigrate.schema.impact import TableRows

NOTE_VERSION = 1


def compute_step_note(
    step: Step, dialect: str | None = None, table_rows: TableRows | None = None
) -> dict[str, Any]:
    note: dict[str, Any] = {
        "version": NOTE_VERSION,
        "step": step.id,
        "kind": step.kind,
        "summary": step.summary,
        "checksum": step.checksum,
        "checksum_algo": step.checksum_algo,
        "files": step.file_checksums(),
        "irreversible": step.irreversible,
    }
    if step.kind == "sql" and dialect:
        from gitmigrate.lint.engine import lint_step

        note["dialect"] = dialect
        note["impact"] = sql_impact(step, dialect, table_rows)
        note["lint"] = [f.to_json() for f in lint_step(step, dialect)]
    if step.kind == "data":
        note["dialect"] = dialect
        note["impact"] = data_impact(step, table_rows)
    return note


def data_impact(step: Step, table_rows: TableRows | None = None) -> dict[str, Any]:
    """What a data step touches and how it locks: rows of one chunk at a time, each chunk its
    own short transaction; before-images unless --no-backup."""
    from gitmigrate.data.naming import backup_table_name
    from gitmigrate.data.options import options_of

    options = options_of(step.id, step.options)
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
    }


def sql_impact(step: Step, dialect: str, table_rows: TableRows | None = None) -> dict[str, Any]:
    """Per direction: objects touched, destructive statements, and per statement the lock,
    rows and estimated seconds."""
    from gitmigrate.schema.impact import TableRows, estimate_seconds
    from gitmigrate.sql.classify import classify_script
    from gitmigrate.sql.locks import script_locks

    stats = table_rows or TableRows()
    impact: dict[str, Any] = {}
    for direction in ("up", "down"):
        text = step.text(f"{direction}.sql")
        if text is None:
            continue
        statements: list[dict[str, Any]] = []
        classified = classify_script(text, dialect)
        for (statement, info), lock in zip(classified, script_locks(text, dialect), strict=True):
            rows = stats.rows(lock.tables)
            entry: dict[str, Any] = {
                "line": statement.line,
                "operation": info.operation,
                "objects": list(info.objects),
                "destructive": info.destructive,
                "reason": info.reason,
                "lock": lock.lock,
                "lock_tables": list(lock.tables),
                "work": lock.work,
                "rows": rows,
                "rows_source": stats.source if rows is not None or not stats.counts
                else "unknown (table not in the statistics)",
                "estimate_seconds": estimate_seconds(lock.work, rows),
                "estimate_source": "static",
            }  # fmt: skip
            if lock.other_tables_lock:
                entry["other_tables_lock"] = lock.other_tables_lock
            if lock.algorithm:
                entry["algorithm"] = lock.algorithm
            statements.append(entry)
        estimates = [s["estimate_seconds"] for s in statements]
        impact[direction] = {
            "statements": statements,
            "destructive": any(s["destructive"] for s in statements),
            "objects": sorted({o for s in statements for o in s["objects"]}),
            "estimate_seconds": None if None in estimates else round(sum(estimates), 3),
            "estimate_source": "static",
        }
    return impact


def step_notes_for(
    repo: GitRepo, steps: list[Step], dialect: str | None
) -> dict[str, dict[str, Any]]:
    """Notes of the steps' commits; any that are missing are recomputed (not written back)."""
    commits = [s.commit for s in steps if s.commit]
    stored = read_step_notes(repo, commits)
    result = {}
    for step in steps:
        if step.commit and step.commit in stored:
            result[step.id] = stored[step.commit]
        else:
            note = compute_step_note(step, dialect)
            note["recomputed"] = True
            result[step.id] = note
    return result
