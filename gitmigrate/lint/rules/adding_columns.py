"""Adding columns: NOT NULL without a default, defaults and generated columns that rewrite."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import ALL_DIALECTS, PG, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, altered_table, column_defs, constraint_kinds

SERIALS = frozenset({exp.DType.SERIAL, exp.DType.BIGSERIAL, exp.DType.SMALLSERIAL})
_VOLATILE = frozenset(
    {"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4"}
    | {"clock_timestamp", "timeofday", "nextval", "setseed", "txid_current", "uuid"}
)
_FILLED = (
    exp.DefaultColumnConstraint,
    exp.GeneratedAsIdentityColumnConstraint,
    exp.ComputedColumnConstraint,
    exp.AutoIncrementColumnConstraint,
)


def _added_columns(stmt: Stmt, ctx: Context) -> Iterator[exp.ColumnDef]:
    if ctx.state.is_new(altered_table(stmt)):
        return  # the table is still empty: nothing to fill or rewrite
    for column, added in column_defs(stmt):
        if added:
            yield column


def _not_nullable(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column in _added_columns(stmt, ctx):
        kinds = constraint_kinds(column)
        not_null = any(
            isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null")
            for k in kinds
        )
        primary = any(isinstance(k, exp.PrimaryKeyColumnConstraint) for k in kinds)
        kind = column.args.get("kind")
        serial = isinstance(kind, exp.DataType) and kind.this in SERIALS
        filled = serial or any(isinstance(k, _FILLED) for k in kinds)
        if (not_null or primary) and not filled:
            yield Hit(f"column {column.name} is added NOT NULL without a DEFAULT")


def volatile_call(default: exp.Expr) -> str | None:
    """The first function in `default` that is (or may be) volatile, else None."""
    for node in default.walk():
        if isinstance(node, exp.Rand | exp.Uuid):
            return node.sql("postgres").split("(")[0].lower()
        if isinstance(node, exp.Anonymous):
            return str(node.name).lower()  # volatile, or a user function we cannot judge
    return None


def _rewrites(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column in _added_columns(stmt, ctx):
        kind = column.args.get("kind")
        if isinstance(kind, exp.DataType) and kind.this in SERIALS:
            yield Hit(f"serial column {column.name} fills every row from a sequence (rewrite)")
        for constraint in constraint_kinds(column):
            if isinstance(constraint, exp.GeneratedAsIdentityColumnConstraint):
                yield Hit(f"identity column {column.name} numbers every existing row (rewrite)")
            elif (
                isinstance(constraint, exp.ComputedColumnConstraint) and "VIRTUAL" not in stmt.words
            ):
                yield Hit(f"stored generated column {column.name} is computed for every row")
            elif isinstance(constraint, exp.DefaultColumnConstraint):
                yield from _default(column.name, constraint.this, ctx)
    if stmt.tree is None and stmt.starts("ALTER", "TABLE") and stmt.has("STORED"):
        if "GENERATED" in stmt.words and not ctx.state.is_new(altered_table(stmt)):
            yield Hit("a stored generated column is computed for every existing row")


def _default(column: str, default: exp.Expr, ctx: Context) -> Iterator[Hit]:
    call = volatile_call(default)
    if call and call in _VOLATILE:
        yield Hit(f"DEFAULT {call}() of column {column} is volatile: every row is rewritten")
    elif call:
        yield Hit(
            f"DEFAULT {call}() of column {column} may be volatile (then every row is rewritten)"
        )
    elif ctx.pg < 11:
        yield Hit(
            f"on PostgreSQL {ctx.pg} any DEFAULT on a new column ({column}) rewrites the table"
        )


RULES = (
    Rule(
        id="adding-not-nullable-column",
        severity="error",
        dialects=ALL_DIALECTS,
        summary="ADD COLUMN ... NOT NULL without a DEFAULT on an existing table.",
        why="It fails on a table with rows (SQLite and PostgreSQL refuse it; MySQL in strict "
        "mode fills an implicit value), and the running application's INSERTs, which do not "
        "name the new column, start failing.",
        fix="Add the column nullable (or with a constant DEFAULT), backfill it in batches, then "
        "set NOT NULL in a later step.",
        check=_not_nullable,
    ),
    Rule(
        id="adding-column-with-default",
        severity="error",
        dialects=PG,
        summary="ADD COLUMN whose value must be written into every row: a volatile DEFAULT, any "
        "DEFAULT before PostgreSQL 11, a serial/identity or a STORED generated column.",
        why="PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock: no reads or "
        "writes until it finishes.",
        fix="Add the column without the default, set the DEFAULT with ALTER COLUMN ... SET "
        "DEFAULT (applies to new rows only), backfill existing rows in batches; for generated "
        "columns use a trigger and a backfill.",
        check=_rewrites,
    ),
)
