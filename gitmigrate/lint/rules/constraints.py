"""Constraints on existing tables: NOT VALID, UNIQUE / PRIMARY KEY USING INDEX, NOT NULL, domains."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import PG, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, alter_actions, altered_table, constraint_kinds


def _added(stmt: Stmt, ctx: Context) -> Iterator[exp.Expr]:
    """Constraint bodies added by ALTER TABLE ... ADD [CONSTRAINT n] on an existing table."""
    if ctx.state.is_new(altered_table(stmt)):
        return
    for action in alter_actions(stmt):
        if isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                yield from item.expressions if isinstance(item, exp.Constraint) else [item]


def _not_valid(stmt: Stmt) -> bool:
    tree = stmt.node(exp.Alter)
    return bool(tree.args.get("not_valid")) if tree is not None else stmt.has("NOT", "VALID")


def _opaque_add(stmt: Stmt, ctx: Context, *words: str) -> bool:
    return (
        stmt.tree is None
        and stmt.starts("ALTER", "TABLE")
        and "ADD" in stmt.words
        and stmt.has(*words)
        and not stmt.has("NOT", "VALID")
        and not ctx.state.is_new(altered_table(stmt))
    )


def _foreign_key(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if any(isinstance(c, exp.ForeignKey) for c in _added(stmt, ctx)) and not _not_valid(stmt):
        yield Hit(f"foreign key added to {altered_table(stmt)} without NOT VALID")
    elif _opaque_add(stmt, ctx, "FOREIGN", "KEY"):
        yield Hit(f"foreign key added to {altered_table(stmt)} without NOT VALID")


def _check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    added = list(_added(stmt, ctx))
    if any(isinstance(c, exp.CheckColumnConstraint) for c in added) and not _not_valid(stmt):
        yield Hit(f"CHECK constraint added to {altered_table(stmt)} without NOT VALID")
    elif not added and _opaque_add(stmt, ctx, "CHECK"):
        yield Hit(f"CHECK constraint added to {altered_table(stmt)} without NOT VALID")


def _validate_same_transaction(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if not stmt.has("VALIDATE", "CONSTRAINT") or not ctx.state.in_transaction:
        return
    name = (stmt.after("CONSTRAINT") or "").lower()
    added = ctx.state.not_valid.get(name)
    if added is not None and added[1] == ctx.state.tx_id:
        yield Hit(f"constraint {name} is validated in the transaction that added it NOT VALID")


def _unique(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if any(isinstance(c, exp.UniqueColumnConstraint) for c in _added(stmt, ctx)):
        yield Hit(f"UNIQUE constraint on {altered_table(stmt)} builds its index under a lock")
        return
    table = altered_table(stmt)
    for action in alter_actions(stmt):
        if isinstance(action, exp.ColumnDef) and not ctx.state.is_new(table):
            if any(isinstance(k, exp.UniqueColumnConstraint) for k in constraint_kinds(action)):
                yield Hit(f"column {action.name} is added UNIQUE: its index is built under a lock")


def _primary_key(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if any(isinstance(c, exp.PrimaryKey) for c in _added(stmt, ctx)):
        yield Hit(f"PRIMARY KEY on {altered_table(stmt)} builds its index under a lock")


def _set_not_null(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt)
    if ctx.state.is_new(table):
        return
    for action in alter_actions(stmt):
        if isinstance(action, exp.AlterColumn) and action.args.get("allow_null") is False:
            column = action.name.lower()
            if ctx.pg >= 12 and (table, column) in ctx.state.validated_not_null:
                continue  # PostgreSQL 12+ uses the validated CHECK and skips the scan
            yield Hit(f"SET NOT NULL on {table}.{column} scans the table under a lock")


def _drop_not_null(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for action in alter_actions(stmt):
        if (
            isinstance(action, exp.AlterColumn)
            and action.args.get("drop")
            and action.args.get("allow_null")
        ):
            yield Hit(f"column {action.name} of {altered_table(stmt)} may now hold NULLs")


def _create_domain(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.starts("CREATE", "DOMAIN") and (
        "CHECK" in stmt.words or stmt.has("NOT", "NULL") or "CONSTRAINT" in stmt.words
    ):
        yield Hit("domain created with a constraint")


def _alter_domain(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.starts("ALTER", "DOMAIN") and stmt.has("ADD") and not stmt.has("NOT", "VALID"):
        yield Hit("ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain")


_NOT_VALID_FIX = (
    "Add it with NOT VALID (new rows are checked at once), then run ALTER TABLE ... VALIDATE "
    "CONSTRAINT in a later step: validation does not block reads or writes."
)
_USING_INDEX_FIX = (
    "CREATE UNIQUE INDEX CONCURRENTLY in its own step (`transaction = false`), then ALTER TABLE "
    "... ADD CONSTRAINT name {kind} USING INDEX index_name."
)

RULES = (
    Rule(
        id="adding-foreign-key-without-not-valid",
        severity="error",
        dialects=PG,
        summary="ALTER TABLE ... ADD FOREIGN KEY on an existing table without NOT VALID.",
        why="Every row is checked while writes to both tables are blocked (SHARE ROW EXCLUSIVE).",
        fix=_NOT_VALID_FIX,
        check=_foreign_key,
    ),
    Rule(
        id="adding-check-without-not-valid",
        severity="error",
        dialects=PG,
        summary="ALTER TABLE ... ADD CHECK on an existing table without NOT VALID.",
        why="Every row is checked under an ACCESS EXCLUSIVE lock: no reads or writes meanwhile.",
        fix=_NOT_VALID_FIX,
        check=_check,
    ),
    Rule(
        id="validate-constraint-in-same-transaction",
        severity="error",
        dialects=PG,
        summary="VALIDATE CONSTRAINT in the same transaction that added the constraint NOT VALID.",
        why="The ADD CONSTRAINT's ACCESS EXCLUSIVE lock is held until commit, so validating in "
        "the same transaction blocks everything for the whole scan: NOT VALID gains nothing.",
        fix="Move VALIDATE CONSTRAINT to the next step (each step commits on its own).",
        check=_validate_same_transaction,
    ),
    Rule(
        id="adding-unique-constraint",
        severity="error",
        dialects=PG,
        summary="ADD UNIQUE (or ADD COLUMN ... UNIQUE) on an existing table without USING INDEX.",
        why="The unique index is built under an ACCESS EXCLUSIVE lock: no reads or writes.",
        fix=_USING_INDEX_FIX.format(kind="UNIQUE"),
        check=_unique,
    ),
    Rule(
        id="adding-primary-key-constraint",
        severity="error",
        dialects=PG,
        summary="ADD PRIMARY KEY on an existing table without USING INDEX.",
        why="The index is built (and NOT NULL checked) under an ACCESS EXCLUSIVE lock.",
        fix=_USING_INDEX_FIX.format(kind="PRIMARY KEY"),
        check=_primary_key,
    ),
    Rule(
        id="setting-not-null",
        severity="error",
        dialects=PG,
        summary="ALTER COLUMN ... SET NOT NULL on an existing table.",
        why="The whole table is scanned under an ACCESS EXCLUSIVE lock.",
        fix="On PostgreSQL 12+: ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE "
        "CONSTRAINT c in a later step, then SET NOT NULL (no scan) and drop the CHECK.",
        check=_set_not_null,
    ),
    Rule(
        id="dropping-not-null",
        severity="warning",
        dialects=PG,
        summary="ALTER COLUMN ... DROP NOT NULL.",
        why="Code that reads the column may assume it is never NULL.",
        fix="Make sure every reader handles NULL before dropping the constraint.",
        check=_drop_not_null,
    ),
    Rule(
        id="ban-create-domain-with-constraint",
        severity="warning",
        dialects=PG,
        summary="CREATE DOMAIN with a CHECK or NOT NULL constraint.",
        why="Changing a domain's constraint later rechecks every column that uses it, under lock.",
        fix="Create the domain without a constraint and put CHECK constraints on the tables.",
        check=_create_domain,
    ),
    Rule(
        id="ban-alter-domain-with-add-constraint",
        severity="error",
        dialects=PG,
        summary="ALTER DOMAIN ... ADD CONSTRAINT (without NOT VALID).",
        why="Every column of every table using the domain is checked while they are locked.",
        fix="Put CHECK constraints on the tables (NOT VALID, then VALIDATE), or add the domain "
        "constraint NOT VALID and VALIDATE it in a later step.",
        check=_alter_domain,
    ),
)
