"""Destructive and breaking changes: drops, renames, truncation, CASCADE."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import ALL_DIALECTS, Check, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, alter_actions, altered_table, table_name

_EXPAND_CONTRACT = (
    "Expand/contract: stop every reader and writer using it first (deploy that code), then "
    "drop it in a later migration. If this is intended, allow it: --allow {id} or a "
    "`-- gitmigrate-ignore {id}` comment on the line before."
)


def _drop_kind(stmt: Stmt) -> tuple[str, list[str]]:
    drop = stmt.node(exp.Drop)
    if drop is None:
        return "", []
    names = [table_name(t) for t in drop.args.get("tables") or []]
    return str(drop.args.get("kind") or "").upper(), names


def _drop_table(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    kind, names = _drop_kind(stmt)
    drop = stmt.node(exp.Drop)
    if kind == "TABLE" and drop is not None and not drop.args.get("temporary"):
        for name in names:
            if not ctx.state.is_new(name):
                yield Hit(f"drops table {name} and its data")


def _drop_database(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    kind, names = _drop_kind(stmt)
    if kind in ("DATABASE", "SCHEMA"):
        drop = stmt.node(exp.Drop)
        if kind == "SCHEMA" and drop is not None:
            names = [str(t.db or t.name).lower() for t in drop.args.get("tables") or []]
        yield Hit(f"drops {kind.lower()} {', '.join(names)} with every object in it")


def _drop_column(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt)
    if ctx.state.is_new(table):
        return
    for action in alter_actions(stmt):
        if isinstance(action, exp.Drop) and str(action.args.get("kind")).upper() == "COLUMN":
            for column in action.args.get("tables") or action.expressions:
                yield Hit(f"drops column {table}.{column.name} and its data")
    if stmt.tree is None and stmt.starts("ALTER", "TABLE") and stmt.has("DROP", "COLUMN"):
        yield Hit(f"drops a column of {table} and its data")


def _rename_column(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt)
    for action in alter_actions(stmt):
        if isinstance(action, exp.RenameColumn):
            old, new = action.this.name, action.args["to"].name
            yield Hit(f"renames column {table}.{old} to {new}")
        elif isinstance(action, exp.ModifyColumn) and action.args.get("rename_from") is not None:
            old, new = action.args["rename_from"].name, action.this.name
            if old.lower() != new.lower():
                yield Hit(f"CHANGE COLUMN renames {table}.{old} to {new}")


def _rename_table(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt)
    for action in alter_actions(stmt):
        if isinstance(action, exp.AlterRename) and not ctx.state.is_new(table):
            yield Hit(f"renames table {table} to {table_name(action.this)}")
    if stmt.starts("RENAME", "TABLE") or stmt.starts("RENAME", "TABLES"):
        yield Hit("RENAME TABLE renames a table clients may still use")


def _truncate(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    tree = stmt.node(exp.TruncateTable)
    if tree is not None:
        names = [table_name(t) for t in tree.expressions]
        old = [n for n in names if not ctx.state.is_new(n)]
        if old:
            yield Hit(f"deletes every row of {', '.join(old)}")


def _cascade(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    tree = stmt.tree
    if isinstance(tree, exp.TruncateTable) and str(tree.args.get("option") or "").upper() == (
        "CASCADE"
    ):
        yield Hit("TRUNCATE ... CASCADE also empties every table that references these")
    elif isinstance(tree, exp.Drop) and tree.args.get("cascade"):
        yield Hit("DROP ... CASCADE also drops every object that depends on it")
    elif stmt.words[0] in ("DROP", "ALTER", "TRUNCATE") and _bare_cascade(stmt.words):
        yield Hit(f"{stmt.words[0]} ... CASCADE also removes dependent objects")


_RENAME = (
    "Expand/contract: add the new {what}, write to both, backfill, move readers, and drop the "
    "old one in a later migration (on PostgreSQL a view with the old name can bridge). If this "
    "is intended, --allow {id} or a `-- gitmigrate-ignore {id}` comment on the line before."
)


def _bare_cascade(words: tuple[str, ...]) -> bool:
    """CASCADE as a drop option, not the ON DELETE/UPDATE CASCADE of a foreign key."""
    return any(
        w == "CASCADE" and words[i - 1] not in ("DELETE", "UPDATE")
        for i, w in enumerate(words)
        if i
    )


# Dropping or emptying a table or a column is a warning, not a blocking error: `apply` already
# refuses to run a destructive step until someone confirms it (a prompt, or --yes in scripts),
# and one decision should not need two switches. Renames and CASCADE stay errors: they break
# running code or reach beyond what the statement names, which no confirmation makes visible.
_CONFIRMED_BY_APPLY = frozenset({"dropping-table", "dropping-column", "truncating-table"})


def _rule(id: str, summary: str, why: str, check: Check, fix: str = _EXPAND_CONTRACT) -> Rule:
    what = "table" if "table" in id else "column"
    return Rule(
        id=id,
        severity="warning" if id in _CONFIRMED_BY_APPLY else "error",
        dialects=ALL_DIALECTS,
        summary=summary,
        why=why,
        fix=fix.format(id=id, what=what),
        check=check,
    )


RULES = (
    _rule(
        "dropping-table",
        "DROP TABLE of a table not created in the same file.",
        "The data is gone and running code that still uses the table fails.",
        _drop_table,
    ),
    _rule(
        "dropping-column",
        "ALTER TABLE ... DROP COLUMN.",
        "The data is gone and running code that still reads or writes the column fails.",
        _drop_column,
    ),
    _rule(
        "dropping-database",
        "DROP DATABASE or DROP SCHEMA.",
        "Every table in it and its data are gone.",
        _drop_database,
    ),
    _rule(
        "renaming-column",
        "RENAME COLUMN (or MySQL CHANGE COLUMN old new).",
        "Running code that uses the old name fails as soon as the step commits.",
        _rename_column,
        _RENAME,
    ),
    _rule(
        "renaming-table",
        "ALTER TABLE ... RENAME TO, or RENAME TABLE.",
        "Running code that uses the old name fails as soon as the step commits.",
        _rename_table,
        _RENAME,
    ),
    _rule(
        "truncating-table",
        "TRUNCATE of a table not created in the same file.",
        "Every row is deleted and cannot be restored by the step's rollback.",
        _truncate,
        "Delete in batches in a data step (restorable), or allow it: --allow {id}.",
    ),
    _rule(
        "cascade-drop-or-truncate",
        "DROP ... CASCADE or TRUNCATE ... CASCADE.",
        "It silently removes objects or rows beyond the ones named (views, foreign keys, "
        "referencing tables).",
        _cascade,
        "Drop or empty the dependent objects explicitly, by name, then drop without CASCADE.",
    ),
)
