"""Statements that can be re-run after a partial failure (steps outside a transaction)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import PG, Hit, Rule
from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, alter_actions, altered_table


def _create(tree: exp.Create) -> str | None:
    kind = str(tree.args.get("kind") or "").upper()
    if kind in ("TABLE", "INDEX") and not tree.args.get("exists"):
        if kind == "INDEX" and isinstance(tree.this, exp.Index) and not tree.this.name:
            return None  # an unnamed index gets a fresh name: a re-run cannot collide
        return f"CREATE {kind} without IF NOT EXISTS"
    return None


def _alter(stmt: Stmt, ctx: Context) -> Iterator[str]:
    if ctx.state.is_new(altered_table(stmt)):
        return
    for action in alter_actions(stmt):
        if isinstance(action, exp.ColumnDef) and not action.args.get("exists"):
            yield f"ADD COLUMN {action.name} without IF NOT EXISTS"
        elif isinstance(action, exp.Drop) and not action.args.get("exists"):
            yield f"DROP {str(action.args.get('kind') or '').upper()} without IF EXISTS"


def _robust(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if ctx.state.in_transaction:
        return  # a failure rolls the whole file back: a re-run starts from scratch
    tree = stmt.tree
    problems: list[str] = []
    if isinstance(tree, exp.Create):
        problems += [p for p in [_create(tree)] if p]
    elif isinstance(tree, exp.Drop) and str(tree.args.get("kind")).upper() in ("TABLE", "INDEX"):
        if not tree.args.get("exists"):
            problems.append(f"DROP {str(tree.args.get('kind')).upper()} without IF EXISTS")
    problems += _alter(stmt, ctx)
    for problem in problems:
        yield Hit(f"{problem}: re-running the file after a partial failure fails here")


RULES = (
    Rule(
        id="prefer-robust-stmts",
        severity="warning",
        dialects=PG,
        summary="CREATE/DROP/ADD/DROP COLUMN without IF [NOT] EXISTS in a file that does not run "
        "in a transaction (`transaction = false` steps).",
        why="Outside a transaction a failure leaves the earlier statements applied; the retry "
        "then fails on them (e.g. CREATE INDEX CONCURRENTLY leaves an INVALID index behind).",
        fix="Use IF NOT EXISTS / IF EXISTS (and DROP INDEX CONCURRENTLY IF EXISTS before "
        "re-creating an index that may be INVALID).",
        check=_robust,
    ),
)
