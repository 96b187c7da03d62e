"""Column types: char, int keys, serial, timestamp, varchar(n), enum order, type changes."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import PG, Hit, Rule
from gitmigrate.lint.rules.adding_columns import SERIALS
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import (
    Stmt,
    alter_actions,
    altered_table,
    column_defs,
    created_table,
)
from gitmigrate.lint.whole_file import later_generated, later_primary_key

T = exp.DType
_SMALL_INTS = frozenset({T.INT, T.SMALLINT, T.TINYINT, T.MEDIUMINT, T.SERIAL, T.SMALLSERIAL})
_SMALL_INTS |= frozenset({T.UINT, T.USMALLINT, T.UTINYINT, T.UMEDIUMINT})
_KEY_MARKS = (
    exp.PrimaryKeyColumnConstraint,
    exp.GeneratedAsIdentityColumnConstraint,
    exp.AutoIncrementColumnConstraint,
)
MYSQL_CHAR_LIMIT = 20  # Bytebase COLUMN_MAXIMUM_CHARACTER_LENGTH default


def _typed(stmt: Stmt) -> Iterator[tuple[str, exp.DataType]]:
    """(column, type) of column definitions and ALTER COLUMN ... TYPE."""
    for column, _added in column_defs(stmt):
        kind = column.args.get("kind")
        if isinstance(kind, exp.DataType):
            yield column.name, kind
    for action in alter_actions(stmt):
        dtype = action.args.get("dtype") if isinstance(action, exp.AlterColumn) else None
        if isinstance(dtype, exp.DataType):
            yield action.name, dtype


def _length(kind: exp.DataType) -> int | None:
    params = kind.expressions
    if params and isinstance(params[0].this, exp.Literal) and params[0].this.is_int:
        return int(params[0].this.name)
    return None


def _char(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column, kind in _typed(stmt):
        if kind.this not in (T.CHAR, T.BPCHAR, T.NCHAR):
            continue
        length = _length(kind)
        if ctx.dialect == "postgresql":
            yield Hit(f"column {column} is char({length or 1}): blank-padded, no faster than text")
        elif length is not None and length > MYSQL_CHAR_LIMIT:
            yield Hit(
                f"column {column} is CHAR({length}): every row stores all {length} characters",
                f"Use VARCHAR({length}).",
            )


def _primary_key_columns(stmt: Stmt) -> set[str]:
    create = stmt.node(exp.Create)
    if create is None or not isinstance(create.this, exp.Schema):
        return set()
    found = set()
    for key in create.this.find_all(exp.PrimaryKey):
        found |= {e.name.lower() for e in key.expressions}
    for column in create.this.expressions:
        if isinstance(column, exp.ColumnDef) and any(
            isinstance(c.args.get("kind"), exp.PrimaryKeyColumnConstraint)
            for c in column.constraints
        ):
            found.add(column.name.lower())
    return found


def _bigint(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    """Generated keys (identity, serial, auto-increment, a sequence default) and single-column
    primary keys, also when the file adds them by a later ALTER TABLE (pg_dump does). A
    `*_id` column is not judged by its name: it follows the key it references, which is."""
    keys = _primary_key_columns(stmt)
    table = created_table(stmt) or altered_table(stmt)
    if len(keys) > 1:
        keys = set()
    if not keys and created_table(stmt):
        keys = set(later_primary_key(stmt, ctx, table) or ())
        keys = keys if len(keys) == 1 else set()
    generated = later_generated(stmt, ctx, table) if created_table(stmt) else set()
    for column, _added in column_defs(stmt):
        kind = column.args.get("kind")
        if not isinstance(kind, exp.DataType) or kind.this not in _SMALL_INTS:
            continue
        name = column.name.lower()
        marked = any(isinstance(c.args.get("kind"), _KEY_MARKS) for c in column.constraints)
        if marked or name in keys or name in generated or kind.this in SERIALS:
            yield Hit(
                f"key column {column.name} is {kind.sql(ctx.glot)}: it can run out "
                "of values, and widening it later rewrites the table"
            )


def _identity(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column, _added in column_defs(stmt):
        kind = column.args.get("kind")
        if isinstance(kind, exp.DataType) and kind.this in SERIALS:
            yield Hit(f"column {column.name} is {kind.this.value.lower()}")


def _timestamptz(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column, kind in _typed(stmt):
        if kind.this == T.TIMESTAMP:
            yield Hit(f"column {column} is timestamp without time zone")


def _varchar(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column, kind in _typed(stmt):
        if kind.this in (T.VARCHAR, T.NVARCHAR) and _length(kind) is not None:
            yield Hit(f"column {column} is varchar({_length(kind)})")


def _enum_order(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.starts("ALTER", "TYPE") and stmt.has("ADD", "VALUE"):
        if "BEFORE" not in stmt.words and "AFTER" not in stmt.words:
            yield Hit("the new enum value sorts after every existing one")


def _change_type(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt)
    if ctx.state.is_new(table):
        return
    if ctx.dialect == "mysql":
        if (stmt.after("ALGORITHM") or "") in ("INSTANT", "INPLACE"):
            return  # the server refuses the statement instead of copying the table
        for action in alter_actions(stmt):
            if isinstance(action, exp.ModifyColumn):
                yield Hit(
                    f"{'CHANGE' if action.args.get('rename_from') else 'MODIFY'} COLUMN "
                    f"{action.this.name} redefines the column: a type, length, charset or "
                    "nullability change copies the table and blocks writes"
                )
        if stmt.tree is None and stmt.starts("ALTER", "TABLE") and stmt.has("CONVERT", "TO"):
            yield Hit("CONVERT TO CHARACTER SET rewrites every text column (table copy)")
        return
    for action in alter_actions(stmt):
        if isinstance(action, exp.AlterColumn) and action.args.get("dtype") is not None:
            yield Hit(
                f"changing the type of {table}.{action.name} can rewrite the table and "
                "break clients"
            )


_MYSQL_TYPE_FIX = (
    "Expand/contract: add a column of the new type, backfill in batches, switch readers, drop "
    "the old column later. On MySQL, state ALGORITHM=INPLACE or INSTANT so the server refuses "
    "a table copy."
)

RULES = (
    Rule(
        id="ban-char-type",
        severity="warning",
        dialects=frozenset({"postgresql", "mysql"}),
        summary="char(n)/character(n) columns (PostgreSQL: any; MySQL: longer than "
        f"{MYSQL_CHAR_LIMIT}).",
        why="PostgreSQL pads char(n) with blanks and stores it no faster than text; a long "
        "MySQL CHAR(n) wastes the full length in every row.",
        fix="Use text (PostgreSQL, with a CHECK on length if needed) or varchar(n).",
        check=_char,
    ),
    Rule(
        id="prefer-bigint-key",
        severity="warning",
        dialects=frozenset({"postgresql", "mysql"}),
        summary="int/smallint (or serial/smallserial) for a generated or single-column primary "
        "key: identity, auto-increment, serial, a sequence default, or the one primary-key "
        "column (also when the file adds them by a later ALTER TABLE).",
        why="32-bit keys run out (2^31 rows or sequence values); widening a key later rewrites "
        "the table and every referencing table.",
        fix="Use bigint (bigint GENERATED ... AS IDENTITY; MySQL BIGINT UNSIGNED AUTO_INCREMENT).",
        check=_bigint,
    ),
    Rule(
        id="prefer-identity",
        severity="warning",
        dialects=PG,
        summary="serial/bigserial/smallserial columns.",
        why="serial creates a separately owned sequence with permission and dump quirks; "
        "identity columns are the SQL standard and are owned by the column.",
        fix="bigint GENERATED BY DEFAULT AS IDENTITY (or ALWAYS).",
        check=_identity,
    ),
    Rule(
        id="prefer-timestamptz",
        severity="warning",
        dialects=PG,
        summary="timestamp without time zone columns (CREATE TABLE, ADD COLUMN, ALTER TYPE).",
        why="Values lose their time zone: the same instant reads differently by session setting.",
        fix="Use timestamptz (timestamp with time zone).",
        check=_timestamptz,
    ),
    Rule(
        id="prefer-text-over-varchar",
        severity="warning",
        dialects=PG,
        summary="varchar(n) columns on PostgreSQL.",
        why="Raising n later takes an ACCESS EXCLUSIVE lock; text with a CHECK on length can "
        "be changed with NOT VALID + VALIDATE instead.",
        fix="Use text, plus CHECK (length(col) <= n) if a limit is needed.",
        check=_varchar,
    ),
    Rule(
        id="require-enum-value-ordering",
        severity="warning",
        dialects=PG,
        summary="ALTER TYPE ... ADD VALUE without BEFORE or AFTER.",
        why="The value is placed last in the enum's sort order, which changes the result of "
        "comparisons such as status < 'approved'.",
        fix="Say where it goes: ADD VALUE 'x' BEFORE 'y' (or AFTER 'z').",
        check=_enum_order,
    ),
    Rule(
        id="changing-column-type",
        severity="error",
        dialects=frozenset({"postgresql", "mysql"}),
        summary="ALTER COLUMN ... TYPE (PostgreSQL); MODIFY/CHANGE COLUMN or CONVERT TO "
        "CHARACTER SET without ALGORITHM=INPLACE/INSTANT (MySQL).",
        why="Most type changes rewrite the table (and its indexes) under an exclusive lock, and "
        "running code may not handle the new type.",
        fix=_MYSQL_TYPE_FIX,
        check=_change_type,
    ),
)
