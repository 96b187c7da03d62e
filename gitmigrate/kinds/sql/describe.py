"""A SQL step described for plan, review, the artifacts and the pre-push hook: its statements
(from the step note's impact, or classified here), its rollback, its verify and its scripts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.core.stepmeta import sql_impact
from gitmigrate.engine.description import (
    DATABASE,
    Description,
    Operation,
    Risk,
    Scripts,
    verify_words,
)
from gitmigrate.errors import GitMigrateError
from gitmigrate.kinds.sql.naming import sql_backup_name
from gitmigrate.schema.lock_levels import blocking, lock_level

_TRANSACTIONAL = ("sqlite", "postgresql")


def describe_sql(step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
    """`note` is the step note: its impact is used when written for `dialect`, else computed
    (with `note["lenient"]`, SQL that does not parse leaves the statements unknown)."""
    impact = _impact(step, dialect, note)
    concurrently = step.options.get("transaction", True) is False
    forward = _operations(impact, "up", dialect, concurrently)
    backward = _operations(impact, "down", dialect, concurrently)
    has_down = "down.sql" in step.files
    has_verify = "verify.sql" in step.files
    transactional = dialect in _TRANSACTIONAL and not concurrently
    return Description(
        kind=step.kind,
        what=f"runs up.sql ({len(forward)} statement(s)) on the database",
        runs_in=DATABASE,
        forward=forward,
        backward=backward,
        rollback="down.sql" if has_down else None,
        rollback_missing="has no down.sql",
        rollback_fix=(
            f"add {step.path}/down.sql, or state why no rollback can exist with "
            f'irreversible = "reason" in {step.path}/step.toml'
        ),
        undo="down.sql" if has_down else "none",
        undo_detail=(
            f"{step.dir_name}.down.sql "
            f"({', '.join(dict.fromkeys(s.operation for s in backward)) or 'no statements'})"
            if has_down
            else "none"
        ),
        loss=_loss(step, forward, backward),
        restore_check="the engine compares the schema with its snapshot from before the step",
        verify=verify_words(step),
        verify_expected=True,
        validation=(
            "verify.sql runs inside the step's transaction; a false result rolls it back"
            if has_verify
            else "no verify.sql (see the risk assessment)"
        ),
        transactional=transactional,
        analysed=any(name.endswith(".sql") for name in step.files),
        lint_listed=True,
        destructive_items=_destructive(impact),
        risks=_risks(step, dialect, transactional, forward, has_verify),
        follow_ups=() if has_verify else ("has no verify.sql: add one so success is checked.",),
        sides=("up.sql", "down.sql") if has_down or "up.sql" in step.files else None,
        render=lambda: _render(step, forward, dialect),
    )


def _impact(step: Step, dialect: str, note: Mapping[str, Any]) -> Mapping[str, Any]:
    if "impact" in note and note.get("dialect") == dialect:
        return note.get("impact") or {}
    if note.get("lenient"):
        if not any(n in step.files for n in ("up.sql", "down.sql")):
            return {}
        try:
            return sql_impact(step, dialect)
        except GitMigrateError:
            return {}  # SQL that does not parse: reported as a parse error instead
    return sql_impact(step, dialect)


def _operations(
    impact: Mapping[str, Any], direction: str, dialect: str, concurrently: bool
) -> tuple[Operation, ...]:
    out = []
    for s in (impact.get(direction) or {}).get("statements", []):
        operation = str(s.get("operation", "OTHER"))
        lock = str(s.get("lock") or "") or lock_level(
            str(s.get("operation", "")), dialect, concurrently=concurrently
        )
        out.append(
            Operation(
                int(s.get("line", 0)),
                operation,
                tuple(s.get("objects") or ()),
                bool(s.get("destructive")),
                s.get("reason"),
                lock,
                blocking(lock),
            )
        )
    return tuple(out)


def _destructive(impact: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """Statements that lose data, up direction first (with the note's own keys)."""
    found: list[dict[str, Any]] = []
    for direction in ("up", "down"):
        for statement in (impact.get(direction) or {}).get("statements", []):
            if statement.get("destructive"):
                found.append({"direction": direction, **statement})
    return tuple(found)


def _loss(step: Step, forward: tuple[Operation, ...], backward: tuple[Operation, ...]) -> str:
    losses = [s.reason for s in backward if s.destructive and s.reason]
    reasons = [s.reason for s in forward if s.destructive and s.reason]
    parts = []
    if losses:
        parts.append("; ".join(losses) + " (data written since the step is lost)")
    if any(s.destructive for s in forward):
        copies = ", ".join(
            sql_backup_name(step.id, t.rsplit(".", 1)[-1])
            for t in dict.fromkeys(o for s in forward if s.destructive for o in s.objects[:1])
        )
        parts.append(
            f"the step itself {'; '.join(reasons)}: the rollback restores the structure, "
            f"not those values (copy them back from {copies} if run.sh's backup ran, or from a "
            "backup of the target)"
        )
    return "; ".join(parts) or "none: the rollback does not drop data"


def _risks(
    step: Step,
    dialect: str,
    transactional: bool,
    forward: tuple[Operation, ...],
    has_verify: bool,
) -> tuple[Risk, ...]:
    out = []
    if not transactional and forward:
        why = "`transaction = false`" if dialect != "mysql" else "MySQL/MariaDB commit DDL at once"
        out.append(Risk("medium", f"not atomic ({why}): a failure leaves it half-done",
                        "the engine records each statement and undoes the done ones on failure "
                        "(`git migrate resume` continues); with run.sh, finish or undo by hand"))  # fmt: skip
    if not has_verify:
        out.append(Risk("low", "no verify.sql: success is not checked after apply",
                        "add a verify.sql whose first column is true when the step worked"))  # fmt: skip
    return tuple(out)


def _render(step: Step, forward: tuple[Operation, ...], dialect: str) -> Scripts:
    # the scripts quote names with SQLAlchemy's preparer: loaded when a plan writes them,
    # never by the pre-push hook, which describes steps but writes no script
    from gitmigrate.kinds.sql.scripts import sql_scripts

    return sql_scripts(step, forward, dialect)
