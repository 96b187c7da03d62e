"""Data changes inside migrations: whole-table updates, column-less inserts, = NULL."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import ALL_DIALECTS, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, table_name


def _no_where(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    tree = stmt.tree
    if isinstance(tree, exp.Update | exp.Delete) and tree.args.get("where") is None:
        if isinstance(tree.this, exp.Table) and tree.this.args.get("joins"):
            return
        if ctx.state.is_new(table_name(tree.this)):
            return
        verb = "UPDATE" if isinstance(tree, exp.Update) else "DELETE"
        yield Hit(
            f"{verb} without WHERE changes every row of {table_name(tree.this)} in one transaction"
        )


def _insert_columns(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    tree = stmt.node(exp.Insert)
    if tree is not None and not isinstance(tree.this, exp.Schema):
        yield Hit(f"INSERT INTO {table_name(tree.this)} does not list its columns")


def _null_comparison(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for node in stmt.tree.find_all(exp.EQ, exp.NEQ) if stmt.tree is not None else ():
        if isinstance(node.expression, exp.Null) or isinstance(node.this, exp.Null):
            if node.parent is not None and isinstance(node.parent, exp.Update):
                continue  # SET col = NULL is an assignment
            op = "=" if isinstance(node, exp.EQ) else "<>"
            yield Hit(f"'{op} NULL' is never true: the condition matches no row")


RULES = (
    Rule(
        id="update-delete-without-where",
        severity="warning",
        dialects=ALL_DIALECTS,
        summary="UPDATE or DELETE without WHERE on a table not created in the same file.",
        why="One statement rewrites every row in one transaction: it holds row locks on the "
        "whole table, bloats it (PostgreSQL) or the undo log (InnoDB), and lags replicas.",
        fix="Backfill in batches by key range in a data step (resumable, one checkpoint per "
        "batch); add WHERE if only some rows are meant.",
        check=_no_where,
    ),
    Rule(
        id="insert-without-columns",
        severity="warning",
        dialects=ALL_DIALECTS,
        summary="INSERT without a column list.",
        why="It depends on the table's column order and breaks as soon as a column is added.",
        fix="List the columns: INSERT INTO t (a, b) VALUES (...).",
        check=_insert_columns,
    ),
    Rule(
        id="comparison-with-null",
        severity="error",
        dialects=ALL_DIALECTS,
        summary="A comparison with NULL using = or <>/!=.",
        why="It is NULL (never true), so the statement silently changes or selects no row.",
        fix="Use IS NULL / IS NOT NULL.",
        check=_null_comparison,
    ),
)
