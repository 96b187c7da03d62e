"""A plan cut into steps that pass our own lint: the safe form of each change where one exists,
and (lint/generated.py, when the sql kind writes the step) the rule allowed with its reason
in step.toml where none does.

On PostgreSQL every `schema diff` (not only `--online`) uses the low-lock forms, which reach the
same schema: CREATE/DROP INDEX CONCURRENTLY, each in its own `transaction = false` step (it
cannot run in a transaction); foreign keys and CHECKs added NOT VALID and validated in a later
step (VALIDATE only avoids the strong lock outside the transaction that added them); SET NOT
NULL through a validated CHECK (col IS NOT NULL) (PostgreSQL 12+ then skips the scan); and
`SET lock_timeout` first, so a step waiting for a busy table fails fast instead of queueing
every query behind it. Changes to tables created by the same plan stay plain: nothing reads an
empty new table. `--online` adds expand/contract for renames and type changes (expand.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitmigrate.schema import ops

if TYPE_CHECKING:
    from gitmigrate.schema.diff import MigrationPlan

LOCK_TIMEOUT = "SET lock_timeout = '5s'"
# a step's down.sql needs a statement; undoing a validation needs none, so it only sets the
# same lock timeout as the up
NOTHING_TO_UNDO = "-- validating constraints needs no undoing\nSET lock_timeout = '5s';\n"


def script(statements: list[str]) -> str:
    return "".join(f"{s};\n\n" for s in statements).rstrip("\n") + "\n"


@dataclass(frozen=True)
class StepScript:
    """One step's worth of a plan: its up and down statements, and whether the engine may run
    it in a transaction (`transaction = false` in step.toml when not)."""

    up: list[str]
    down: list[str]
    transactional: bool = True


def _new_tables(plan_ops: tuple[ops.Operation, ...]) -> frozenset[str]:
    return frozenset(op.table.name for op in plan_ops if isinstance(op, ops.CreateTable))


def _fresh(op: ops.Operation, new: frozenset[str]) -> bool:
    """Whether `op` changes a table the same plan creates (still empty: no safe form needed)."""
    table = getattr(op, "table", None)
    return isinstance(table, str) and table in new


def plan_steps(plan: MigrationPlan, dialect: str) -> list[StepScript]:
    """The plan as steps: one, except on PostgreSQL (module docstring)."""
    if dialect != "postgresql":
        return [StepScript(plan.up_statements(dialect), plan.down_statements(dialect))]
    from gitmigrate.schema.online_not_null import split_set_not_null
    from gitmigrate.schema.render import render_operation, validate_types

    validate_types(plan.operations, dialect, plan.user_types)
    new = _new_tables(plan.operations)
    steps: list[StepScript] = []
    chunk: list[ops.Operation] = []
    validations: list[str] = []
    finishers: list[ops.Operation] = []

    def render(operations: list[ops.Operation]) -> list[str]:
        return [s for op in operations
                for s in render_operation(op, dialect, online=not _fresh(op, new))]  # fmt: skip

    def flush() -> None:
        if chunk:
            added = [s for s in render(chunk) if " VALIDATE CONSTRAINT " not in s]
            undo = render([op.reverse() for op in reversed(chunk)])
            steps.append(StepScript(added, undo))
        if validations or finishers:
            undo = render([op.reverse() for op in reversed(finishers)])
            steps.append(StepScript([*validations, *render(finishers)], undo))
        chunk.clear()
        validations.clear()
        finishers.clear()

    for op in plan.operations:
        if _fresh(op, new):
            chunk.append(op)
            continue
        if isinstance(op, ops.CreateIndex | ops.DropIndex):
            flush()
            steps.append(StepScript(render([op]), render([op.reverse()]), transactional=False))
            continue
        now, later = split_set_not_null(op)
        for part in now:
            chunk.append(part)
            validations.extend(s for s in render([part]) if " VALIDATE CONSTRAINT " in s)
        finishers.extend(later)
    flush()
    return [StepScript([LOCK_TIMEOUT, *s.up], [LOCK_TIMEOUT, *s.down] if s.down else [],
                       s.transactional) for s in steps]  # fmt: skip
