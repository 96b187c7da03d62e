"""What a SQL step does, computed once from its scripts: the step note's impact (per statement
the lock it takes, the rows of the table it touches, a static duration estimate) and the
pre-run Impact the engine shows (`analyze`), both from the same classification.

Rows are known only when the note is written with table statistics at hand; otherwise `rows`
is null with `rows_source` saying why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.db.url import supports_transactional_ddl
from gitmigrate.engine.kinds import Impact, RowCounts
from gitmigrate.schema.impact import TableRows, estimate_seconds
from gitmigrate.sql.classify import StatementInfo, classify_script
from gitmigrate.sql.locks import script_locks
from gitmigrate.sql.parse import Statement

DIRECTIONS = ("up", "down")


def classified(sql: str, dialect: str) -> list[tuple[Statement, StatementInfo]]:
    """Every statement of a script with its class: the one source of both impacts."""
    return classify_script(sql, dialect)


def sql_impact(step: Step, dialect: str, table_rows: RowCounts | None = None) -> dict[str, Any]:
    """Per direction: objects touched, destructive statements, and per statement the lock,
    rows and estimated seconds."""
    stats: RowCounts = table_rows or TableRows()
    impact: dict[str, Any] = {}
    for direction in DIRECTIONS:
        text = step.text(f"{direction}.sql")
        if text is None:
            continue
        statements: list[dict[str, Any]] = []
        pairs = classified(text, dialect)
        for (statement, info), lock in zip(pairs, script_locks(text, dialect), strict=True):
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


def analyze_script(sql: str, dialect: str) -> Impact:
    """The pre-run Impact of one script: the note's objects/destructive/reasons, plus whether
    a rolled-back transaction can preview it."""
    pairs = classified(sql, dialect)
    reasons = tuple(info.reason for _, info in pairs if info.destructive and info.reason)
    return Impact(
        objects=tuple(sorted({o for _, info in pairs for o in info.objects})),
        destructive=any(info.destructive for _, info in pairs),
        reasons=reasons,
        statements=len(pairs),
        previewable=supports_transactional_ddl(dialect)
        or all(info.category in ("dml", "query") for _, info in pairs),
        details={"operations": [info.operation for _, info in pairs]},
    )


def analyze_direction(step: Step, direction: str, dialect: str) -> Impact:
    impact = analyze_script(step.text(f"{direction}.sql") or "", dialect)
    if step.options.get("transaction", True) is False:
        # a `transaction = false` step cannot be previewed inside a rolled-back transaction
        return replace(impact, previewable=False)
    return impact
