"""`--online` SET NOT NULL on PostgreSQL without a full-table scan under ACCESS EXCLUSIVE.

    ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID;   -- step 1
    ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;   -- step 2: SHARE UPDATE EXCLUSIVE scan
    ALTER TABLE t ALTER COLUMN c SET NOT NULL;        -- uses the valid CHECK (12+): no scan
    ALTER TABLE t DROP CONSTRAINT t_c_not_null;

`split_set_not_null` cuts an AlterColumn into what runs with the other changes and what runs
after the validation; `api.plan_steps` places them.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from gitmigrate.schema import ops
from gitmigrate.schema.model import CheckConstraint
from gitmigrate.schema.render import check_clause, quote

_IGNORE = (
    "-- the validated CHECK above lets PostgreSQL 12+ skip the scan\n"
    "-- gitmigrate-ignore setting-not-null\n"
)


def check_name(table: str, column: str) -> str:
    name = f"{table}_{column}_not_null"
    if len(name) <= 63:
        return name
    return f"{name[:50]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def split_set_not_null(op: ops.Operation) -> tuple[list[ops.Operation], list[ops.Operation]]:
    """(now, after the validations): unchanged for anything but a column gaining NOT NULL."""
    if not (isinstance(op, ops.AlterColumn) and op.old.nullable and not op.new.nullable):
        return [op], []
    table, column = op.table, op.new.name
    loose = replace(op.new, nullable=True)
    check = CheckConstraint(check_name(table, column), f"{quote(column, 'postgresql')} IS NOT NULL")
    now: list[ops.Operation] = [ops.AddCheck(table, check)]
    if op.old != loose:
        now.insert(0, ops.AlterColumn(table, op.old, loose))
    set_not_null = (
        f"{_IGNORE}ALTER TABLE {quote(table, 'postgresql')} "
        f"ALTER COLUMN {quote(column, 'postgresql')} SET NOT NULL"
    )
    # undone, the CHECK comes back NOT VALID only: the step before drops it right after
    readd = f"ALTER TABLE {quote(table, 'postgresql')} ADD {check_clause(check, 'postgresql')} NOT VALID"
    finish = ops.Composite(
        (ops.Statement(set_not_null), ops.DropCheck(table, check)),
        (ops.Statement(readd), ops.AlterColumn(table, op.new, loose)),
    )
    return now, [finish]
