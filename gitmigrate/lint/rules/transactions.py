"""Transaction control inside migration files."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from gitmigrate.lint.model import ALL_DIALECTS, PG, Hit, Rule
from gitmigrate.lint.state import Context, transaction_word
from gitmigrate.lint.statement import Stmt


def _nesting(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    word = transaction_word(stmt)
    state = ctx.state
    if word == "begin" and state.explicit:
        yield Hit("BEGIN inside a transaction that is already open")
    elif word == "begin" and state.assumed:
        yield Hit("BEGIN in a file the runner already wraps in a transaction")
    elif word in ("commit", "rollback") and not state.explicit:
        where = "ends the runner's transaction" if state.assumed else "has no open transaction"
        yield Hit(f"{stmt.words[0]} {where}")


def _uncommitted(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if transaction_word(stmt) != "begin":
        return
    # a nested BEGIN changes nothing: the next COMMIT/ROLLBACK ends the transaction anyway
    if any(
        transaction_word(later) in ("commit", "rollback")
        for later in ctx.statements[stmt.index + 1 :]
    ):
        return
    yield Hit("BEGIN has no COMMIT or ROLLBACK before the end of the file")


def non_transactional(stmt: Stmt, pg: int) -> str | None:
    """Why `stmt` cannot run inside a transaction block on PostgreSQL, else None."""
    w = stmt.words
    tree = stmt.tree
    parsed = isinstance(tree, exp.Create | exp.Drop) and bool(tree.args.get("concurrently"))
    opaque = tree is None and "CONCURRENTLY" in w and w[0] in ("CREATE", "DROP", "REINDEX")
    if parsed or opaque:
        return " ".join(w[: w.index("CONCURRENTLY") + 1]) if "CONCURRENTLY" in w else w[0]
    if stmt.has("DETACH", "PARTITION") and "CONCURRENTLY" in w:
        return "DETACH PARTITION ... CONCURRENTLY"
    if w[0] == "VACUUM" or stmt.starts("ALTER", "SYSTEM"):
        return " ".join(w[:2])
    if w[0] in ("CREATE", "DROP") and len(w) > 1 and w[1] in ("DATABASE", "TABLESPACE"):
        return f"{w[0]} {w[1]}"
    if pg < 12 and stmt.starts("ALTER", "TYPE") and stmt.has("ADD", "VALUE"):
        return "ALTER TYPE ... ADD VALUE (before PostgreSQL 12)"
    return None


def _in_transaction(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    what = non_transactional(stmt, ctx.pg)
    if what is not None and ctx.state.in_transaction:
        yield Hit(f"{what} cannot run inside a transaction block")


RULES = (
    Rule(
        id="transaction-nesting",
        severity="error",
        dialects=ALL_DIALECTS,
        summary="BEGIN/COMMIT/ROLLBACK inside an open transaction, or in a file the runner wraps "
        "in a transaction.",
        why="git-migrate runs each SQLite/PostgreSQL step in one transaction and records the "
        "step in the same transaction; an explicit COMMIT ends it early, so a failure after it "
        "leaves the step half applied and unrecorded.",
        fix="Remove BEGIN/COMMIT; split the work into steps. For statements that cannot run in "
        "a transaction, set `transaction = false` in step.toml.",
        check=_nesting,
    ),
    Rule(
        id="uncommitted-transaction",
        severity="error",
        dialects=ALL_DIALECTS,
        summary="BEGIN without a matching COMMIT by the end of the file.",
        why="The changes are rolled back (or left holding locks) when the session ends.",
        fix="Add the COMMIT, or drop BEGIN and let the runner manage the transaction.",
        check=_uncommitted,
    ),
    Rule(
        id="non-transactional-statement-in-transaction",
        severity="error",
        dialects=PG,
        summary="A statement PostgreSQL refuses inside a transaction block (CREATE/DROP INDEX "
        "CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, CREATE DATABASE, ...) in a transaction.",
        why="It fails with 'cannot run inside a transaction block', so the step never applies.",
        fix="Put it alone in a step with `transaction = false` in step.toml (and IF [NOT] "
        "EXISTS, so a retry after a failure succeeds).",
        check=_in_transaction,
    ),
)
