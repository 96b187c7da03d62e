"""Steps our own tools write (`schema diff`) pass our own lint: where a change has no safe form,
the rule it breaks is allowed in the step's step.toml with the reason, which `review` shows.
So a generated step never needs `--allow` to apply, and a reader sees why it is accepted.
"""

from __future__ import annotations

from gitmigrate.lint.engine import TRANSACTIONAL_DDL, lint_sql
from gitmigrate.lint.model import LintOptions
from gitmigrate.lint.registry import all_rules

# Why a generated step may do what a rule forbids: there is no safe form of that change (or
# not one `schema diff` can write without changing the migration's meaning).
REASONS: dict[str, str] = {
    "require-concurrent-index-creation": "an index kept as the server's own definition (on a "
    "materialized view) is created as the server writes it; its CONCURRENTLY form is not "
    "generated yet",
    "adding-foreign-key-without-not-valid": "PostgreSQL cannot add a NOT VALID foreign key to a "
    "partitioned table (before 18): the key is validated while it is added",
    "renaming-column": "the rename was asked for (--rename); --online plans it as "
    "expand/contract so running code keeps working",
    "renaming-table": "the rename was asked for (--rename); running code using the old name "
    "breaks until it is deployed",
    "changing-column-type": "a column type change has no lock-free form in one "
    "step; --online plans it as expand/contract instead",
    "adding-unique-constraint": "the constraint is what the desired schema has; "
    "build a unique index CONCURRENTLY first and ADD ... USING INDEX to avoid the lock",
    "adding-primary-key-constraint": "the key is what the desired schema has; "
    "build a unique index CONCURRENTLY first and ADD ... USING INDEX to avoid the lock",
    "adding-not-nullable-column": "the desired schema has the column NOT NULL "
    "without a default; it only applies to a table without rows",
    "adding-column-with-default": "the desired schema has this default; on old "
    "servers it rewrites the table",
    "setting-not-null": "NOT NULL is what the desired schema has",
    "require-concurrent-partition-detach": "DETACH ... CONCURRENTLY leaves a CHECK copy of "
    "the partition bound on the table (not the desired schema) and is refused when the parent "
    "has a DEFAULT partition",
    "require-online-algorithm": "the ALTER is what the desired schema needs; "
    "MariaDB picks the cheapest algorithm it can",
    "ban-alter-domain-with-add-constraint": "the CHECK belongs to the domain in the desired "
    "schema; moving it onto the columns would change the schema",
    "dropping-database": "the schema is gone from the desired schema; the plan has dropped "
    "everything in it first and never uses CASCADE, so DROP SCHEMA fails rather than lose "
    "anything it did not list",
}


def allowances(sql: str, dialect: str, *, transactional: bool, by: str) -> dict[str, str]:
    """Rules `sql` (a generated up.sql) still breaks, each with the reason it is allowed."""
    in_tx = transactional and dialect in TRANSACTIONAL_DDL
    found = lint_sql(sql, dialect, options=LintOptions(assume_in_transaction=in_tx))
    return {
        f.rule: f"{by}: " + REASONS.get(f.rule, f"no safe form: {all_rules()[f.rule].summary}")
        for f in found
        if f.blocking
    }
